"""Signing backends behind one interface.

A backend takes the current revision of a PDF and returns the *new incremental revision* (the whole
file: old bytes unchanged plus the appended update). Two backends exist:

- ``citypki``: the city's own PKI, signing in-process with pyHanko (``CityPkiBackend``, see
  ``kotapintar.esign.pki_signing``). Uncertified TTE under PP 71/2019 art. 60.
- ``bsre``: BSrE Esign Client Service API v2 (``kotapintar.esign.bsre.BsreBackend``). Certified TTE.

The backend is chosen with the ``ESIGN_BACKEND`` environment variable (``citypki`` by default);
``services.signing.get_backend`` makes it. A backend raises one of the ``SigningError`` rows of
``kotapintar.esign.errors``. Keep this module free of Django model imports so that any backend can
import the dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.conf import settings

# Signature levels (PAdES baseline profiles).
LEVEL_BB = "B-B"
LEVEL_BT = "B-T"
LEVEL_BLT = "B-LT"
LEVELS = (LEVEL_BB, LEVEL_BT, LEVEL_BLT)

# Legal level recorded on every signature (PP 71/2019 art. 60).
LEGAL_UNCERTIFIED = "tidak_tersertifikasi"
LEGAL_CERTIFIED = "tersertifikasi"


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs. A backend uses the fields it needs.

    - citypki: ``certificate_id`` (primary key of ``esign.Certificate``) selects the key pair.
    - bsre: ``nik`` or ``email`` identifies the BSrE account; ``totp`` may replace the passphrase.
    """

    name: str
    title: str = ""
    nip: str = ""
    opd: str = ""
    nik: str = ""
    email: str = ""
    certificate_id: int | None = None
    totp: str = ""
    reason: str = ""
    location: str = ""  # the signing place: the city's name (services/signing.py)


@dataclass(frozen=True)
class StampSpec:
    """A visible stamp: placed on ``page`` (1-based) in a box given in PDF points from the bottom-left.

    ``lines`` are the text lines shown (name, title, date, …); ``qr_url`` is the public verification
    URL encoded in the QR code.
    """

    page: int = 1
    x: float = 350.0
    y: float = 60.0
    width: float = 200.0
    height: float = 80.0
    lines: tuple[str, ...] = field(default_factory=tuple)
    qr_url: str = ""


@runtime_checkable
class SigningBackend(Protocol):
    """One signing backend. ``sign`` returns the new incremental revision (bytes of the full PDF).

    ``field_name`` names the signature field to fill (created if absent). ``certify`` makes it a
    certification signature (DocMDP: form filling allowed). ``level`` is one of ``LEVELS``.
    """

    name: str
    legal_level: str
    supports_certification: bool

    def sign(
        self,
        *,
        document_pdf: bytes,
        signer: SignerIdentity,
        passphrase: str,
        field_name: str,
        certify: bool,
        stamp: StampSpec | None,
        level: str,
    ) -> bytes: ...


def backend_name() -> str:
    """The configured backend name (``ESIGN_BACKEND``, default ``citypki``)."""
    return str(getattr(settings, "ESIGN_BACKEND", "") or "citypki").strip().lower()
