"""A letter signed by three officials in sequence: every signature intact, trusted and unmodified."""

from __future__ import annotations

from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.esign import selectors, services, verification
from kotapintar.esign.models import DocumentStatus


@pytest.fixture
def signed_by_three(make_official: Any, make_user: Any, letter_pdf: Any, passphrase: str, opd: Any) -> Any:
    creator = make_user(Role.OPD, opd=opd, username="staf")
    reviewer = make_user(Role.OPD, opd=opd, username="reviewer")
    officials = [make_official(f"pejabat{i}")[0] for i in range(1, 4)]
    doc = services.document_upload(actor=creator, title="Surat Edaran", data=letter_pdf())
    steps = [services.StepSpec(kind="paraf", actor=reviewer)] + [
        services.StepSpec(kind="sign", actor=u) for u in officials
    ]
    services.workflow_start(actor=creator, document=doc, steps=steps)
    services.paraf_approve(actor=reviewer, document=doc)
    for user in officials:
        services.document_sign(actor=user, document=doc, passphrase=passphrase)
    doc.refresh_from_db()
    return doc


def test_document_is_signed_by_three(signed_by_three: Any) -> None:
    assert signed_by_three.status == DocumentStatus.SIGNED
    assert signed_by_three.signatures.count() == 3


def test_every_signature_valid_in_pyhanko(signed_by_three: Any) -> None:
    pdf = bytes(selectors.revision_latest(signed_by_three).pdf)
    report = verification.verify_pdf(pdf)
    print(report)
    assert report["signature_count"] == 3
    assert report["valid"], report
    assert all(s["intact"] and s["trusted"] for s in report["signatures"])
    assert report["signatures"][0]["certification"] is True
