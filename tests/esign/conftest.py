"""Fixtures of the esign tests: an initialised city PKI, officials with certificates, letters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.esign import documents, services
from kotapintar.esign.models import PkiCertificate
from tests.esign.demo_pki import DemoPki, DemoPkiServer

PASSPHRASE = "Frasa-Sandi-Uji-1"


@pytest.fixture
def pki(city: Any, settings: Any) -> services.PkiInitResult:
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    return services.pki_init()


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def make_official(
    pki: services.PkiInitResult, make_user: Callable[..., Any], opd: Any
) -> Callable[..., tuple[Any, PkiCertificate]]:
    counter = {"n": 0}

    def _make(
        username: str | None = None, *, title: str = "Kepala Dinas", **kw: Any
    ) -> tuple[Any, PkiCertificate]:
        counter["n"] += 1
        n = counter["n"]
        user = make_user(
            Role.PENANDATANGAN,
            opd=opd,
            username=username or f"pejabat{n}",
            first_name=f"Pejabat{n}",
            last_name="Pekalongan",
        )
        cert = services.certificate_issue(
            actor=None,
            user=user,
            passphrase=PASSPHRASE,
            nip=f"19800101200501100{n}",
            title=title,
            **kw,
        )
        return user, cert

    return _make


@pytest.fixture
def letter_pdf() -> Callable[..., bytes]:
    def _make(
        nomor: str = "000.1/001/2026", isi: str = "Dengan hormat, kami sampaikan undangan rapat."
    ) -> bytes:
        return documents.letter_render(
            documents.Letter(
                nomor=nomor,
                perihal="Undangan Rapat Koordinasi",
                tujuan="Kepala Dinas Komunikasi dan Informatika",
                isi=isi,
                penandatangan_nama="Pejabat Uji",
                penandatangan_jabatan="Sekretaris Daerah",
            ),
            verify_url="http://testserver/tte/verifikasi/",
        )

    return _make


@pytest.fixture
def waiting(make_official: Any, letter_pdf: Any) -> tuple[Any, list[Any]]:
    """An official with four uploaded letters, each waiting for their signature."""
    official, _cert = make_official("sekda")
    docs = []
    for i in range(4):
        doc = services.document_upload(actor=official, title=f"Surat {i}", data=letter_pdf(nomor=f"{i}/2026"))
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        docs.append(doc)
    return official, docs


@pytest.fixture(scope="module")
def served_pki() -> Iterator[DemoPki]:
    """A demo PKI whose CRLs and OCSP responder answer over HTTP on 127.0.0.1 (pdfsig reaches them)."""
    server = DemoPkiServer()
    pki = DemoPki.generate(crl_base_url=server.url)
    server.pki = pki
    yield pki
    server.close()
