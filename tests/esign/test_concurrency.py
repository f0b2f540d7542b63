"""Two signing requests for the same step at once: exactly one signature is made (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from kotapintar.core.errors import DomainError
from kotapintar.esign import services
from kotapintar.esign.models import DocumentRevision, SignatureRecord


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_submit_signs_once(make_official: Any, letter_pdf: Any, passphrase: str) -> None:
    official, _cert = make_official()
    doc = services.document_upload(actor=official, title="Surat", data=letter_pdf())
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt() -> None:
        try:
            barrier.wait()
            services.document_sign(actor=official, document=doc, passphrase=passphrase)
            outcomes.append("signed")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["not_in_progress", "signed"]
    assert SignatureRecord.objects.filter(document=doc).count() == 1
    assert DocumentRevision.objects.filter(document=doc, reason="signature").count() == 1
