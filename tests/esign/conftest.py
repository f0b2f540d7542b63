"""Fixtures of the esign tests: an initialised city PKI, officials with certificates (keys in the database
or in a SoftHSM2 token), letters."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.esign import documents, services, tokens
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


# --- Officials whose keys live in a PKCS#11 token (tests/esign/test_token_*.py) ---------------------------
#
# SoftHSM2 reads SOFTHSM2_CONF when the module is first initialised in a process, so one throw-away token
# is made per test session and the variable set before anything loads the module. Without SoftHSM2 the
# tests skip, except in CI (CI or KOTAPINTAR_REQUIRE_E2E set), where they fail: CI installs it.

TOKEN_LABEL = "kotapintar-uji"
TOKEN_PIN = "1234-uji-5678"


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SoftHSM2 configuration of a new token (label TOKEN_LABEL, user PIN TOKEN_PIN)."""
    if not (Path(tokens.SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")):
        message = f"SoftHSM2 not found ({tokens.SOFTHSM_MODULE}; apt-get install softhsm2)"
        if os.environ.get("KOTAPINTAR_REQUIRE_E2E") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    conf = tokens.softhsm_init(
        tmp_path_factory.mktemp("softhsm"), label=TOKEN_LABEL, pin=TOKEN_PIN, so_pin="so-pin-uji-0000"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


@pytest.fixture
def token_settings(softhsm: Path, settings: Any) -> Iterator[Any]:
    """The platform configured for the test token; its session is closed afterwards."""
    settings.ESIGN_PKCS11_MODULE = tokens.SOFTHSM_MODULE
    settings.ESIGN_PKCS11_TOKEN = TOKEN_LABEL
    settings.ESIGN_PKCS11_PIN = TOKEN_PIN
    tokens.close_sessions()
    yield settings
    tokens.close_sessions()


@pytest.fixture
def make_token_official(
    token_settings: Any, pki: services.PkiInitResult, make_user: Callable[..., Any], opd: Any
) -> Callable[..., tuple[Any, PkiCertificate]]:
    """An official whose key was generated in the test token (``certificate_issue(in_token=True)``)."""
    counter = {"n": 0}

    def _make() -> tuple[Any, PkiCertificate]:
        counter["n"] += 1
        n = counter["n"]
        user = make_user(
            Role.PENANDATANGAN, opd=opd, username=f"pejabat_hsm{n}", first_name=f"Hsm{n}", last_name="Kota"
        )
        cert = services.certificate_issue(
            actor=None,
            user=user,
            passphrase=PASSPHRASE,
            in_token=True,
            nip=f"19800101200501200{n}",
            title="Kepala Dinas",
        )
        return user, cert

    return _make
