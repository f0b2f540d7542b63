"""The passphrase attempt limit counts wrong passphrases only: a signer who signs all day is never
locked out, and a guesser is stopped after PASSPHRASE_ATTEMPTS wrong entries (issue 12, item 10)."""

from __future__ import annotations

from typing import Any

import pytest

from kotapintar.core.errors import RateLimited
from kotapintar.esign import services
from kotapintar.esign.errors import WrongPassphrase
from kotapintar.esign.models import DocumentStatus
from kotapintar.esign.services import signing


@pytest.fixture
def few_attempts(monkeypatch: Any) -> int:
    monkeypatch.setattr(signing, "PASSPHRASE_ATTEMPTS", 2)
    return 2


def test_successful_signatures_do_not_use_up_the_attempts(
    waiting: Any, passphrase: str, few_attempts: int
) -> None:
    official, docs = waiting
    for doc in docs[: few_attempts + 1]:
        services.document_sign(actor=official, document=doc, passphrase=passphrase)
    services.document_sign_batch(actor=official, documents_=docs[few_attempts + 1 :], passphrase=passphrase)
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.SIGNED


def test_wrong_passphrases_lock_signing_until_the_window_passes(
    waiting: Any, passphrase: str, few_attempts: int
) -> None:
    official, docs = waiting
    for _ in range(few_attempts):
        with pytest.raises(WrongPassphrase):
            services.document_sign(actor=official, document=docs[0], passphrase="salah-salah")
    with pytest.raises(RateLimited):
        services.document_sign(actor=official, document=docs[0], passphrase=passphrase)
    docs[0].refresh_from_db()
    assert docs[0].status == DocumentStatus.IN_PROGRESS


def test_a_wrong_batch_passphrase_counts_as_one_attempt(waiting: Any, few_attempts: int) -> None:
    official, docs = waiting
    with pytest.raises(WrongPassphrase):
        services.document_sign_batch(actor=official, documents_=docs, passphrase="salah-salah")
    with pytest.raises(WrongPassphrase):
        services.document_sign(actor=official, document=docs[0], passphrase="salah-salah")
    with pytest.raises(RateLimited):
        services.document_sign_batch(actor=official, documents_=docs, passphrase="salah-salah")
