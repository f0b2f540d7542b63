"""A signing call that times out leaves the document "outcome unknown" until an operator settles it."""

from __future__ import annotations

from typing import Any

import pytest

from kotapintar.core.errors import Conflict
from kotapintar.core.models import Role
from kotapintar.esign import selectors, services
from kotapintar.esign.backends import LEGAL_CERTIFIED, SignerIdentity
from kotapintar.esign.errors import OutcomeUnknown
from kotapintar.esign.models import DocumentRevision, DocumentStatus
from kotapintar.esign.pki_signing import CityPkiBackend
from kotapintar.esign.services import signing


class TimingOutBackend:
    name = "bsre"
    legal_level = LEGAL_CERTIFIED
    supports_certification = False
    calls = 0

    def sign(self, **kwargs: Any) -> bytes:
        TimingOutBackend.calls += 1
        raise OutcomeUnknown()


@pytest.fixture
def stuck(make_official: Any, letter_pdf: Any, passphrase: str, monkeypatch: Any) -> tuple[Any, Any]:
    official, _cert = make_official()
    doc = services.document_upload(actor=official, title="Surat", data=letter_pdf())
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    monkeypatch.setattr(signing, "get_backend", lambda name=None: TimingOutBackend())
    TimingOutBackend.calls = 0
    with pytest.raises(Conflict) as info:
        services.document_sign(actor=official, document=doc, passphrase=passphrase)
    assert info.value.code == "outcome_unknown"
    monkeypatch.undo()
    doc.refresh_from_db()
    return official, doc


def test_timeout_marks_outcome_unknown_without_retry(stuck: Any) -> None:
    _official, doc = stuck
    assert doc.status == DocumentStatus.UNKNOWN
    assert TimingOutBackend.calls == 1
    assert DocumentRevision.objects.filter(document=doc, reason="signature").count() == 0


def test_signer_cannot_sign_again_until_settled(stuck: Any, passphrase: str) -> None:
    official, doc = stuck
    with pytest.raises(Conflict):
        services.document_sign(actor=official, document=doc, passphrase=passphrase)


def test_operator_reopens_and_signer_signs(stuck: Any, passphrase: str, make_user: Any) -> None:
    official, doc = stuck
    admin = make_user(Role.ADMIN_KOTA)
    services.document_resolve_unknown(actor=admin, document=doc)
    services.document_sign(actor=official, document=doc, passphrase=passphrase)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED


def test_operator_records_the_file_the_provider_signed(stuck: Any, passphrase: str, make_user: Any) -> None:
    official, doc = stuck
    admin = make_user(Role.ADMIN_KOTA)
    step = selectors.step_current(doc)
    assert step is not None
    cert = selectors.certificate_for_user(official)
    signed = CityPkiBackend().sign(
        document_pdf=bytes(selectors.revision_latest(doc).pdf),
        signer=SignerIdentity(name="x", certificate_id=cert.pk if cert else None),
        passphrase=passphrase,
        field_name=step.field_name,
        certify=True,
        stamp=None,
        level="B-T",
    )
    services.document_resolve_unknown(actor=admin, document=doc, signed_pdf=signed)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED
    assert bytes(selectors.revision_latest(doc).pdf) == signed


class RemoteApprovalOnlyBackend:
    """Like BSrE: no certification signatures, no B-LT."""

    name = "bsre"
    legal_level = LEGAL_CERTIFIED
    supports_certification = False
    seen: dict[str, Any] = {}

    def sign(self, **kwargs: Any) -> bytes:
        RemoteApprovalOnlyBackend.seen = kwargs
        return CityPkiBackend().sign(**{**kwargs, "signer": kwargs["signer"]})


def test_remote_backend_gets_approval_b_t_and_legal_level_recorded(
    make_official: Any, letter_pdf: Any, passphrase: str, monkeypatch: Any
) -> None:
    official, cert = make_official()
    doc = services.document_upload(actor=official, title="Surat", data=letter_pdf())
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    monkeypatch.setattr(signing, "get_backend", lambda name=None: RemoteApprovalOnlyBackend())
    monkeypatch.setattr(
        signing,
        "_identity",
        lambda actor, c, reason="": SignerIdentity(
            name=cert.common_name, certificate_id=cert.pk, email=actor.email
        ),
    )
    record = services.document_sign(actor=official, document=doc, passphrase=passphrase)
    assert RemoteApprovalOnlyBackend.seen["certify"] is False
    assert RemoteApprovalOnlyBackend.seen["level"] == "B-T"
    assert record.legal_level == LEGAL_CERTIFIED and record.backend == "bsre"


def test_batch_through_a_remote_backend_stops_at_a_wrong_passphrase(
    make_official: Any, letter_pdf: Any, monkeypatch: Any
) -> None:
    from kotapintar.esign.errors import WrongPassphrase

    class Refusing:
        name = "bsre"
        legal_level = LEGAL_CERTIFIED
        supports_certification = False
        calls = 0

        def sign(self, **kwargs: Any) -> bytes:
            Refusing.calls += 1
            raise WrongPassphrase()

    official, _cert = make_official()
    docs = []
    for i in range(3):
        doc = services.document_upload(actor=official, title=f"S{i}", data=letter_pdf(nomor=f"{i}/R"))
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        docs.append(doc)
    monkeypatch.setattr(signing, "get_backend", lambda name=None: Refusing())
    results = services.document_sign_batch(actor=official, documents_=docs, passphrase="salah-salah")
    assert Refusing.calls == 1
    assert [r.code for r in results] == ["wrong_passphrase"]
