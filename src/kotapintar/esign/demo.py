"""TTE demo data: the city PKI, officials' certificates and a few signed letters (idempotent).

Officials' passphrases: DEMO_PASSWORD when set (the same as the demo login password), otherwise
one generated passphrase printed once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from kotapintar.core import services as core_services
from kotapintar.core.models import OPD, Role
from kotapintar.esign import documents, services
from kotapintar.esign.models import CertKind, Document, PkiCertificate

# username, full name, OPD code, NIP, position
OFFICIALS: list[tuple[str, str, str, str, str]] = [
    (
        "kadis_kominfo",
        "Kepala Dinas Kominfo",
        "dinkominfo",
        "197504172000031002",
        "Kepala Dinas Komunikasi dan Informatika",
    ),
    ("walikota", "Wali Kota Pekalongan", "setda", "", "Wali Kota Pekalongan"),
]

LETTERS: list[dict[str, Any]] = [
    {
        "nomor": "400.14/001/2026",
        "perihal": "Surat Edaran Penggunaan Tanda Tangan Elektronik",
        "tujuan": "Seluruh Kepala Perangkat Daerah\nKota Pekalongan",
        "isi": (
            "Dalam rangka pelaksanaan Perwal 33/2021 tentang Penggunaan Sertifikat Elektronik dan Tanda "
            "Tangan Elektronik, setiap naskah dinas ditandatangani secara elektronik melalui platform Kota "
            "Pintar.\n\nKeaslian naskah dapat diperiksa oleh siapa pun melalui kode QR pada naskah."
        ),
        "paraf": [],
        "signers": ["penandatangan"],
        "creator": "admin",
    },
    {
        "nomor": "005/117/2026",
        "perihal": "Undangan Rapat Koordinasi Kota Cerdas",
        "tujuan": "Kepala Bappeda, Kepala BPBD, Kepala Dinparbudpora",
        "isi": (
            "Mengharap kehadiran Saudara pada rapat koordinasi penyusunan masterplan kota cerdas pada hari "
            "Senin pukul 09.00 WIB di Ruang Rapat Setda.\n\n"
            "Demikian, atas perhatiannya disampaikan terima kasih."
        ),
        "paraf": ["opd"],
        "signers": ["kadis_kominfo", "penandatangan"],
        "creator": "opd",
    },
    {
        "nomor": "360/045/2026",
        "perihal": "Penetapan Status Siaga Banjir Rob",
        "tujuan": "Kepala BPBD Kota Pekalongan",
        "isi": (
            "Berdasarkan prakiraan pasang tertinggi dan curah hujan, status siaga banjir "
            "rob ditetapkan untuk Kecamatan Pekalongan Utara.\n\n"
            "BPBD agar menyiagakan pompa dan tempat pengungsian."
        ),
        "paraf": ["bpbd"],
        "signers": ["kadis_kominfo", "penandatangan", "walikota"],
        "creator": "admin",
    },
]


def _passphrase(out: Callable[[str], None]) -> str:
    configured = getattr(settings, "DEMO_PASSWORD", "") or ""
    if len(configured) >= services.MIN_PASSPHRASE:
        return str(configured)
    generated = secrets.token_urlsafe(12)
    out(f"  esign: officials' signing passphrase (shown once; set DEMO_PASSWORD to choose it): {generated}")
    return generated


def seed(*, out: Callable[[str], None]) -> None:
    result = services.pki_init()
    out(f"esign: city PKI {'created' if result.created else 'present'} ({result.root.common_name})")
    users = get_user_model().objects
    pending_certs = [
        name
        for name in ["penandatangan", *[o[0] for o in OFFICIALS]]
        if not PkiCertificate.objects.filter(kind=CertKind.OFFICIAL, user__username=name).exists()
    ]
    pending_letters = [spec for spec in LETTERS if not Document.objects.filter(number=spec["nomor"]).exists()]
    if not pending_certs and not pending_letters:
        out("esign: demo officials and letters present")
        return
    passphrase = _passphrase(out)
    login_password = getattr(settings, "DEMO_PASSWORD", "") or passphrase
    for username, full_name, opd_code, nip, jabatan in OFFICIALS:
        core_services.user_ensure(
            username=username,
            password=login_password,
            roles=[Role.PENANDATANGAN],
            full_name=full_name,
            email=f"{username}@pekalongankota.go.id",
            opd=OPD.objects.filter(code=opd_code).first(),
            nip=nip,
            jabatan=jabatan,
        )
    for username in pending_certs:
        user = users.filter(username=username).first()
        if user is None:
            continue
        cert = services.certificate_issue(actor=None, user=user, passphrase=passphrase)
        out(f"esign: certificate for {username} ({cert.common_name})")
    for spec in pending_letters:
        creator = users.filter(username=spec["creator"]).first()
        signers = [users.filter(username=u).first() for u in spec["signers"]]
        reviewers = [users.filter(username=u).first() for u in spec["paraf"]]
        if creator is None or any(u is None for u in signers + reviewers):
            out(f"esign: skipped letter {spec['nomor']} (demo users missing)")
            continue
        first = signers[0]
        last: Any = signers[-1]
        profile = getattr(first, "profile", None)
        opd = getattr(profile, "opd", None)
        doc = services.document_generate(
            actor=creator,
            letter=documents.Letter(
                nomor=spec["nomor"],
                perihal=spec["perihal"],
                tujuan=spec["tujuan"],
                isi=spec["isi"],
                penandatangan_nama=last.get_full_name() or last.username,
                penandatangan_jabatan=getattr(getattr(last, "profile", None), "jabatan", "") or "",
                penandatangan_nip=getattr(getattr(last, "profile", None), "nip", "") or "",
                opd_name=opd.name if opd else "Sekretariat Daerah",
            ),
        )
        steps = [services.StepSpec(kind="paraf", actor=u) for u in reviewers] + [
            services.StepSpec(kind="sign", actor=u) for u in signers
        ]
        services.workflow_start(actor=creator, document=doc, steps=steps)
        for reviewer in reviewers:
            services.paraf_approve(actor=reviewer, document=doc)
        for signer in signers:
            services.document_sign(actor=signer, document=doc, passphrase=passphrase)
        out(f"esign: signed letter {spec['nomor']} → {services.verify_url(doc.code)}")
    del passphrase
