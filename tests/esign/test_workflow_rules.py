"""Workflow rules: order, send-back, wrong passphrase, revoked/expired certificates, atomicity, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from kotapintar.core.errors import Conflict, PermissionDenied, ValidationFailed
from kotapintar.core.models import AuditEntry, Notification, Role
from kotapintar.esign import selectors, services
from kotapintar.esign.errors import WrongPassphrase
from kotapintar.esign.models import DocumentRevision, DocumentStatus, SignatureRecord


@pytest.fixture
def setup(
    make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    creator = make_user(Role.OPD, opd=opd, username="staf")
    reviewer = make_user(Role.OPD, opd=opd, username="reviewer")
    first, first_cert = make_official("kabid")
    second, second_cert = make_official("kadis")
    doc = services.document_upload(actor=creator, title="Nota Dinas", data=letter_pdf())
    with django_capture_on_commit_callbacks(execute=True):
        services.workflow_start(
            actor=creator,
            document=doc,
            steps=[
                services.StepSpec(kind="paraf", actor=reviewer),
                services.StepSpec(kind="sign", actor=first),
                services.StepSpec(kind="sign", actor=second),
            ],
        )
    return {
        "creator": creator,
        "reviewer": reviewer,
        "first": first,
        "first_cert": first_cert,
        "second": second,
        "second_cert": second_cert,
        "doc": doc,
    }


def revisions(doc: Any) -> int:
    return DocumentRevision.objects.filter(document=doc).count()


def test_reviewer_is_notified_first(setup: dict[str, Any]) -> None:
    assert Notification.objects.filter(recipient=setup["reviewer"]).count() == 1


def test_signing_before_paraf_is_refused(setup: dict[str, Any], passphrase: str) -> None:
    with pytest.raises(Conflict) as info:
        services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    assert info.value.code == "step_out_of_order"


def test_second_signer_cannot_sign_before_first(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    with pytest.raises(Conflict) as info:
        services.document_sign(actor=setup["second"], document=setup["doc"], passphrase=passphrase)
    assert info.value.code == "step_out_of_order"


def test_outsider_has_no_step(setup: dict[str, Any], make_official: Any, passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    outsider, _cert = make_official("lain")
    with pytest.raises(PermissionDenied):
        services.document_sign(actor=outsider, document=setup["doc"], passphrase=passphrase)


def test_paraf_notifies_next_signer(setup: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    assert Notification.objects.filter(recipient=setup["first"]).count() == 1


def test_send_back_needs_reason_and_returns(
    setup: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationFailed):
        services.document_send_back(actor=setup["reviewer"], document=setup["doc"], reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_send_back(
            actor=setup["reviewer"], document=setup["doc"], reason="Nomor surat salah"
        )
    setup["doc"].refresh_from_db()
    assert setup["doc"].status == DocumentStatus.RETURNED
    assert setup["doc"].return_reason == "Nomor surat salah"
    assert Notification.objects.filter(recipient=setup["creator"]).exists()


def test_returned_document_can_be_resubmitted(setup: dict[str, Any]) -> None:
    services.document_send_back(actor=setup["reviewer"], document=setup["doc"], reason="Perbaiki")
    services.workflow_restart(actor=setup["creator"], document=setup["doc"])
    setup["doc"].refresh_from_db()
    assert setup["doc"].status == DocumentStatus.IN_PROGRESS
    assert selectors.step_current(setup["doc"]).actor == setup["reviewer"]  # type: ignore[union-attr]


def test_wrong_passphrase_leaves_nothing_behind(setup: dict[str, Any]) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    before = revisions(setup["doc"])
    with pytest.raises(WrongPassphrase) as info:
        services.document_sign(actor=setup["first"], document=setup["doc"], passphrase="salah-sekali")
    assert info.value.status == 422
    assert revisions(setup["doc"]) == before
    assert selectors.step_current(setup["doc"]).actor == setup["first"]  # type: ignore[union-attr]


def test_revoked_certificate_cannot_sign(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    services.certificate_revoke(actor=None, certificate=setup["first_cert"])
    before = revisions(setup["doc"])
    with pytest.raises(Conflict) as info:
        services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    assert info.value.code == "certificate_revoked"
    assert revisions(setup["doc"]) == before


def test_expired_certificate_cannot_sign(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    later = setup["first_cert"].not_after + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        with pytest.raises(Conflict) as info:
            services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    assert info.value.code == "certificate_expired"


def test_a_failure_in_the_backend_leaves_no_half_signed_document(
    setup: dict[str, Any], passphrase: str, monkeypatch: Any
) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    before = revisions(setup["doc"])
    audits = AuditEntry.objects.count()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # the signature record is written after the revision: failing there must take the revision back too
    monkeypatch.setattr(SignatureRecord.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    assert revisions(setup["doc"]) == before
    assert AuditEntry.objects.count() == audits
    assert selectors.step_current(setup["doc"]).actor == setup["first"]  # type: ignore[union-attr]


def test_each_signature_is_an_incremental_revision_with_audit(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    services.document_sign(actor=setup["second"], document=setup["doc"], passphrase=passphrase)
    revs = list(DocumentRevision.objects.filter(document=setup["doc"]).order_by("seq"))
    for older, newer in zip(revs, revs[1:], strict=False):
        assert bytes(newer.pdf).startswith(bytes(older.pdf))
    entries = AuditEntry.objects.filter(action="esign.document_sign", object_id=str(setup["doc"].public_id))
    assert entries.count() == 2
    last = entries.order_by("seq").last()
    assert last is not None and last.data["sha256_after"] == revs[-1].sha256
    assert last.data["sha256_before"] == revs[-2].sha256


def test_first_signature_certifies_later_ones_approve(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    services.document_sign(actor=setup["second"], document=setup["doc"], passphrase=passphrase)
    certify = list(setup["doc"].signatures.order_by("signed_at").values_list("certify", flat=True))
    assert certify == [True, False]


def test_paraf_after_signature_steps_is_refused(make_official: Any, make_user: Any, letter_pdf: Any) -> None:
    creator = make_user(Role.ADMIN_KOTA)
    signer, _cert = make_official()
    doc = services.document_upload(actor=creator, title="X", data=letter_pdf())
    with pytest.raises(ValidationFailed) as info:
        services.workflow_start(
            actor=creator,
            document=doc,
            steps=[
                services.StepSpec(kind="sign", actor=signer),
                services.StepSpec(kind="paraf", actor=creator),
            ],
        )
    assert info.value.code == "paraf_after_sign"


def test_stamp_outside_page_is_refused(make_official: Any, make_user: Any, letter_pdf: Any) -> None:
    creator = make_user(Role.ADMIN_KOTA)
    signer, _cert = make_official()
    doc = services.document_upload(actor=creator, title="X", data=letter_pdf())
    with pytest.raises(ValidationFailed) as info:
        services.workflow_start(
            actor=creator, document=doc, steps=[services.StepSpec(kind="sign", actor=signer, x=590, y=10)]
        )
    assert info.value.code == "stamp_outside_page"


def test_signed_at_is_recorded(setup: dict[str, Any], passphrase: str) -> None:
    services.paraf_approve(actor=setup["reviewer"], document=setup["doc"])
    record = services.document_sign(actor=setup["first"], document=setup["doc"], passphrase=passphrase)
    assert abs((timezone.now() - record.signed_at).total_seconds()) < 60
    assert record.legal_level == "tidak_tersertifikasi"


def test_certified_upload_cannot_get_new_fields(
    make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    from tests.esign.helpers import latest_pdf, sign_in_sequence

    first, _c1 = make_official("luar")
    certified = latest_pdf(
        sign_in_sequence(
            creator=make_user(Role.OPD, opd=opd), officials=[first], pdf=letter_pdf(), passphrase=passphrase
        )
    )
    second, _c2 = make_official("dalam")
    doc = services.document_upload(actor=second, title="Sudah disertifikasi", data=certified)
    with pytest.raises(ValidationFailed) as info:
        services.workflow_start(
            actor=second, document=doc, steps=[services.StepSpec(kind="sign", actor=second)]
        )
    assert info.value.code == "pdf_certified"


def test_upload_with_an_approval_signature_gets_another_approval(
    make_official: Any, letter_pdf: Any, passphrase: str
) -> None:
    from kotapintar.esign import verification
    from kotapintar.esign.backends import SignerIdentity
    from kotapintar.esign.pki_signing import CityPkiBackend

    first, cert = make_official("luar")
    approved = CityPkiBackend().sign(
        document_pdf=letter_pdf(),
        signer=SignerIdentity(name="Luar", certificate_id=cert.pk),
        passphrase=passphrase,
        field_name="Luar",
        certify=False,
        stamp=None,
        level="B-T",
    )
    second, _c2 = make_official("dalam")
    doc = services.document_upload(actor=second, title="Sudah disetujui", data=approved)
    services.workflow_start(actor=second, document=doc, steps=[services.StepSpec(kind="sign", actor=second)])
    record = services.document_sign(actor=second, document=doc, passphrase=passphrase)
    assert record.certify is False
    report = verification.verify_pdf(bytes(selectors.revision_latest(doc).pdf))
    assert report["signature_count"] == 2
    assert report["valid"], [(s["field"], s["problems"], s["details"]) for s in report["signatures"]]
