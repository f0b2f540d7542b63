"""The fast batch writes a run of documents in one transaction: each document still gets its own
revision, signature record, step, status, audit entry and notification, exactly as one at a time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotapintar.core import audit
from kotapintar.core.models import AuditEntry, Notification, Role
from kotapintar.esign import services, verification
from kotapintar.esign.models import DocumentRevision, DocumentStatus, SignatureRecord, StepStatus
from kotapintar.esign.services import signing
from tests.esign.helpers import latest_pdf


def fast_batch(official: Any, docs: list[Any], passphrase: str) -> list[services.BatchItemResult]:
    return services.document_sign_batch(
        actor=official, documents_=docs, passphrase=passphrase, level="B-B", fast=True
    )


def waiting_docs(official: Any, creator: Any, letter_pdf: Any, count: int, *, then: Any = None) -> list[Any]:
    docs = []
    for i in range(count):
        doc = services.document_upload(actor=creator, title=f"Surat {i}", data=letter_pdf(nomor=f"{i}/2026"))
        steps = [services.StepSpec(kind="sign", actor=official)]
        if then is not None:
            steps.append(services.StepSpec(kind="sign", actor=then))
        services.workflow_start(actor=creator, document=doc, steps=steps)
        docs.append(doc)
    return docs


@pytest.fixture
def creator(make_user: Any, opd: Any) -> Any:
    return make_user(Role.OPD, opd=opd, username="staf-tu")


def test_each_document_of_a_run_gets_its_own_signature_revision_and_audit_entry(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, cert = make_official("sekda")
    docs = waiting_docs(official, creator, letter_pdf, 5)
    results = fast_batch(official, docs, passphrase)
    assert [r.ok for r in results] == [True] * 5
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.SIGNED
        record = SignatureRecord.objects.get(document=doc)
        assert (
            record.certificate == cert and record.step is not None and record.step.status == StepStatus.DONE
        )
        assert record.revision.reason == "signature" and record.revision.seq == doc.revisions.count()
        assert bytes(record.revision.pdf) == latest_pdf(doc)
        assert verification.verify_pdf(latest_pdf(doc))["valid"]
        entry = AuditEntry.objects.get(action="esign.document_sign", object_id=str(doc.public_id))
        assert entry.data["sha256_after"] == record.revision.sha256
    assert audit.verify().ok


def test_the_creator_hears_of_each_fully_signed_document_once(
    make_official: Any,
    creator: Any,
    letter_pdf: Any,
    passphrase: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    official, _cert = make_official("sekda")
    docs = waiting_docs(official, creator, letter_pdf, 3)
    with django_capture_on_commit_callbacks(execute=True):
        fast_batch(official, docs, passphrase)
    messages = sorted(Notification.objects.filter(recipient=creator).values_list("message", flat=True))
    assert messages == [f"Dokumen “Surat {i}” sudah ditandatangani lengkap." for i in range(3)]


def test_the_next_signer_is_told_and_the_document_stays_in_progress(
    make_official: Any,
    creator: Any,
    letter_pdf: Any,
    passphrase: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    official, _cert = make_official("sekda")
    mayor, _mayor_cert = make_official("walikota")
    docs = waiting_docs(official, creator, letter_pdf, 2, then=mayor)
    with django_capture_on_commit_callbacks(execute=True):
        fast_batch(official, docs, passphrase)
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.IN_PROGRESS
    assert (
        Notification.objects.filter(recipient=mayor, message__contains="menunggu tanda tangan").count() == 2
    )
    assert not Notification.objects.filter(recipient=creator).exists()
    assert [r.ok for r in fast_batch(mayor, docs, passphrase)] == [True, True]


def test_a_document_listed_twice_is_signed_once(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official("sekda")
    docs = waiting_docs(official, creator, letter_pdf, 2)
    results = fast_batch(official, [docs[0], docs[1], docs[0]], passphrase)
    assert [(r.ok, r.code) for r in results] == [
        (True, "signed"),
        (True, "signed"),
        (False, "not_in_progress"),
    ]
    assert SignatureRecord.objects.filter(document=docs[0]).count() == 1


def test_a_document_that_cannot_be_signed_does_not_hold_back_its_run(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official("sekda")
    other, _other_cert = make_official("kadis")
    docs = waiting_docs(official, creator, letter_pdf, 2) + waiting_docs(other, creator, letter_pdf, 1)
    results = fast_batch(official, [docs[0], docs[2], docs[1]], passphrase)
    assert [(r.ok, r.code) for r in results] == [(True, "signed"), (False, "not_your_step"), (True, "signed")]
    docs[2].refresh_from_db()
    assert docs[2].status == DocumentStatus.IN_PROGRESS
    assert not DocumentRevision.objects.filter(document=docs[2], reason="signature").exists()


def test_a_write_failure_rolls_back_its_run_and_keeps_the_runs_before(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str, monkeypatch: Any
) -> None:
    official, _cert = make_official("sekda")
    docs = waiting_docs(official, creator, letter_pdf, 4)
    monkeypatch.setattr(signing, "BATCH_CHUNK_FAST", 2)
    real = audit.record_many
    calls = {"n": 0}

    def second_run_fails(events: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(events)

    monkeypatch.setattr(audit, "record_many", second_run_fails)
    with pytest.raises(RuntimeError):
        fast_batch(official, docs, passphrase)
    statuses = []
    for doc in docs:
        doc.refresh_from_db()
        statuses.append(doc.status)
    assert statuses == [DocumentStatus.SIGNED] * 2 + [DocumentStatus.IN_PROGRESS] * 2
    assert SignatureRecord.objects.filter(document__in=docs[2:]).count() == 0
    assert DocumentRevision.objects.filter(document__in=docs[2:], reason="signature").count() == 0
    assert audit.verify().ok


def test_the_queries_of_a_run_do_not_grow_with_its_documents(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official("sekda")
    small, large = (
        waiting_docs(official, creator, letter_pdf, 2),
        waiting_docs(official, creator, letter_pdf, 6),
    )
    with CaptureQueriesContext(connection) as two:
        fast_batch(official, small, passphrase)
    with CaptureQueriesContext(connection) as six:
        fast_batch(official, large, passphrase)
    assert len(six.captured_queries) == len(two.captured_queries)


def test_a_batch_longer_than_a_run_is_written_run_by_run(
    make_official: Any, creator: Any, letter_pdf: Any, passphrase: str, monkeypatch: Any
) -> None:
    official, _cert = make_official("sekda")
    docs = waiting_docs(official, creator, letter_pdf, 5)
    monkeypatch.setattr(signing, "BATCH_CHUNK_FAST", 2)
    seen: list[int] = []
    real = signing._sign_in_transaction

    def counting(documents: list[Any], **job: Any) -> Any:
        seen.append(len(documents))
        return real(documents, **job)

    monkeypatch.setattr(signing, "_sign_in_transaction", counting)
    assert all(r.ok for r in fast_batch(official, docs, passphrase))
    assert seen == [2, 2, 1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_over_the_same_documents_sign_each_once(
    make_official: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official("sekda")
    docs = waiting_docs(official, official, letter_pdf, 6)
    outcomes: list[list[str]] = []
    barrier = threading.Barrier(2)

    def attempt(order: list[Any]) -> None:
        try:
            barrier.wait()
            outcomes.append([r.code for r in fast_batch(official, order, passphrase)])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(o,)) for o in (docs, list(reversed(docs)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(c for run in outcomes for c in run)
    assert codes == ["not_in_progress"] * 6 + ["signed"] * 6
    for doc in docs:
        assert SignatureRecord.objects.filter(document=doc).count() == 1
    assert audit.verify().ok
