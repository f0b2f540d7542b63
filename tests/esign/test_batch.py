"""Batch signing: one passphrase entry, N documents, each with its own verification code."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kotapintar.esign import fastsign, services, verification
from kotapintar.esign.errors import BadPdf, PlaceholderTooSmall, WrongPassphrase
from kotapintar.esign.models import DocumentStatus
from kotapintar.esign.services import signing
from tests.esign.helpers import latest_pdf


def test_batch_signs_every_document_with_one_passphrase(waiting: Any, passphrase: str) -> None:
    official, docs = waiting
    results = services.document_sign_batch(actor=official, documents_=docs, passphrase=passphrase)
    assert all(r.ok for r in results)
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.SIGNED
        assert verification.verify_pdf(latest_pdf(doc))["valid"]
    assert len({d.code for d in docs}) == len(docs)


def test_batch_wrong_passphrase_signs_nothing(waiting: Any) -> None:
    official, docs = waiting
    with pytest.raises(WrongPassphrase) as info:
        services.document_sign_batch(actor=official, documents_=docs, passphrase="salah-salah")
    assert info.value.status == 422
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.IN_PROGRESS


def test_batch_reports_a_document_not_waiting_without_stopping(waiting: Any, passphrase: str) -> None:
    official, docs = waiting
    services.document_sign(actor=official, document=docs[0], passphrase=passphrase)
    results = services.document_sign_batch(actor=official, documents_=docs, passphrase=passphrase)
    assert [r.ok for r in results] == [False, True, True, True]
    assert results[0].code == "not_in_progress"


def test_cli_batch(waiting: Any, passphrase: str, monkeypatch: Any) -> None:
    official, docs = waiting
    monkeypatch.setenv("KP_TEST_PASSPHRASE", passphrase)
    out = StringIO()
    call_command(
        "esign_batch", "--user", official.username, "--passphrase-env", "KP_TEST_PASSPHRASE", stdout=out
    )
    assert f"{len(docs)}/{len(docs)} signed" in out.getvalue()


def test_cli_batch_wrong_passphrase_fails(waiting: Any, monkeypatch: Any) -> None:
    official, _docs = waiting
    monkeypatch.setenv("KP_TEST_PASSPHRASE", "salah-salah")
    with pytest.raises(CommandError):
        call_command("esign_batch", "--user", official.username, "--passphrase-env", "KP_TEST_PASSPHRASE")


def test_fast_batch_b_b_validates(waiting: Any, passphrase: str, caplog: Any) -> None:
    official, docs = waiting
    results = services.document_sign_batch(
        actor=official, documents_=docs, passphrase=passphrase, level="B-B", fast=True
    )
    assert all(r.ok for r in results), [r.message for r in results]
    assert "signing with pyHanko" not in caplog.text
    for doc in docs:
        report = verification.verify_pdf(latest_pdf(doc))
        assert report["valid"], report
        assert report["signatures"][0]["certification"] is True


def test_fast_batch_lets_a_programming_error_through(waiting: Any, passphrase: str, monkeypatch: Any) -> None:
    official, docs = waiting

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise TypeError("a bug in the fast signer")

    monkeypatch.setattr(fastsign.BatchSigner, "sign", broken)
    with pytest.raises(TypeError):
        services.document_sign_batch(
            actor=official, documents_=docs, passphrase=passphrase, level="B-B", fast=True
        )
    docs[0].refresh_from_db()
    assert docs[0].status == DocumentStatus.IN_PROGRESS


@pytest.mark.parametrize("refusal", [BadPdf, PlaceholderTooSmall])
def test_fast_batch_falls_back_to_pyhanko_when_the_fast_signer_refuses(
    waiting: Any, passphrase: str, monkeypatch: Any, caplog: Any, refusal: type[Exception]
) -> None:
    official, docs = waiting

    def refuses(*args: Any, **kwargs: Any) -> bytes:
        raise refusal()

    monkeypatch.setattr(fastsign.BatchSigner, "sign", refuses)
    results = services.document_sign_batch(
        actor=official, documents_=docs[:1], passphrase=passphrase, level="B-B", fast=True
    )
    assert [r.ok for r in results] == [True]
    assert "signing with pyHanko" in caplog.text
    assert verification.verify_pdf(latest_pdf(docs[0]))["valid"]


def test_a_fast_batch_draws_no_stamp_also_where_it_falls_back_to_pyhanko(
    waiting: Any, passphrase: str, monkeypatch: Any
) -> None:
    official, docs = waiting

    def refuses(*args: Any, **kwargs: Any) -> bytes:
        raise BadPdf()

    def no_stamp(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a fast batch asked for a visible stamp")

    monkeypatch.setattr(fastsign.BatchSigner, "sign", refuses)
    monkeypatch.setattr(signing, "_stamp_for", no_stamp)
    results = services.document_sign_batch(
        actor=official, documents_=docs[:2], passphrase=passphrase, level="B-B", fast=True
    )
    assert [r.ok for r in results] == [True, True]
    assert verification.verify_pdf(latest_pdf(docs[0]))["valid"]
