"""The esign API: upload, workflow, sign, verify (JSON report), public lookup by code, certificates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kotapintar.core.models import Role
from tests.esign.helpers import flip_signed_byte, latest_pdf, sign_in_sequence


@pytest.fixture
def official(make_official: Any) -> Any:
    return make_official("kadis")[0]


def test_upload_workflow_sign_over_the_api(
    token_client: Any, official: Any, letter_pdf: Any, passphrase: str
) -> None:
    api = token_client(official)
    upload = SimpleUploadedFile("surat.pdf", letter_pdf(), content_type="application/pdf")
    doc = api.post("/api/v1/esign/documents", {"title": "Surat", "number": "1/2026", "file": upload}).json()
    assert doc["status"] == "draft"
    started = api.post(
        f"/api/v1/esign/documents/{doc['id']}/workflow",
        {"steps": [{"kind": "sign", "username": official.username}]},
        content_type="application/json",
    )
    assert started.status_code == 200, started.json()
    signed = api.post(
        f"/api/v1/esign/documents/{doc['id']}/sign",
        {"passphrase": passphrase},
        content_type="application/json",
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["certify"] is True
    detail = api.get(f"/api/v1/esign/documents/{doc['id']}").json()
    assert detail["status"] == "signed"
    assert [r["reason"] for r in detail["revisions"]] == ["upload", "fields", "signature"]


def test_wrong_passphrase_is_422(
    token_client: Any, official: Any, letter_pdf: Any, make_user: Any, opd: Any
) -> None:
    from kotapintar.esign import services

    doc = services.document_upload(actor=official, title="X", data=letter_pdf())
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    response = token_client(official).post(
        f"/api/v1/esign/documents/{doc.public_id}/sign",
        {"passphrase": "salah"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_passphrase"


def test_not_a_pdf_upload_is_422(token_client: Any, official: Any) -> None:
    upload = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = token_client(official).post("/api/v1/esign/documents", {"title": "X", "file": upload})
    assert response.status_code == 422
    assert response.json()["code"] == "not_pdf"


def test_public_verify_reports_tampering_as_json(
    client: Any, official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    bad = SimpleUploadedFile("x.pdf", flip_signed_byte(latest_pdf(doc)), content_type="application/pdf")
    report = client.post("/api/v1/esign/verify", {"file": bad}).json()
    assert report["conclusion"] == "INVALID"
    assert "digest_mismatch" in report["signatures"][0]["problems"]
    checks = report["signatures"][0]["checks"]
    assert checks["integrity"] == {
        "code": "digest_mismatch",
        "ok": False,
        "label": "bagian yang ditandatangani telah diubah: nilai hash tidak cocok",
    }
    assert checks["trust"]["code"] == "trusted"
    assert "untrusted" not in report["signatures"][0]["problems"]


def test_public_lookup_by_code(
    client: Any, official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    body = client.get(f"/api/v1/esign/verify/{doc.code}").json()
    assert body["status"] == "signed"
    assert body["report"]["valid"] is True
    assert body["signers"][0]["name"] == official.get_full_name()


def test_only_admin_issues_certificates(token_client: Any, official: Any, admin_user: Any, pki: Any) -> None:
    payload = {"username": official.username, "passphrase": "Frasa-Baru-123"}
    denied = token_client(official).post(
        "/api/v1/esign/certificates", payload, content_type="application/json"
    )
    assert denied.status_code == 403
    issued = token_client(admin_user).post(
        "/api/v1/esign/certificates", payload, content_type="application/json"
    )
    assert issued.status_code == 200
    assert issued.json()["username"] == official.username


def test_admin_revokes_over_the_api(token_client: Any, admin_user: Any, make_official: Any) -> None:
    _user, cert = make_official()
    response = token_client(admin_user).post(
        f"/api/v1/esign/certificates/{cert.public_id}/revoke",
        {"reason": "key_compromise"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["revoked"] is True


def test_batch_over_the_api(
    token_client: Any, official: Any, letter_pdf: Any, passphrase: str, make_user: Any, opd: Any
) -> None:
    from kotapintar.esign import services

    ids = []
    for i in range(3):
        doc = services.document_upload(actor=official, title=f"S{i}", data=letter_pdf(nomor=f"{i}/2026"))
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        ids.append(str(doc.public_id))
    response = token_client(official).post(
        "/api/v1/esign/sign-batch",
        {"documents": ids, "passphrase": passphrase},
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()
    assert [r["ok"] for r in results] == [True, True, True]
    assert len({r["code"] for r in results}) == 3
