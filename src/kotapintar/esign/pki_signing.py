"""City PKI signing backend (pyHanko). Filled in by the PKI work; see backends.py for the interface."""

from __future__ import annotations

from kotapintar.esign.backends import LEGAL_UNCERTIFIED, SignerIdentity, SigningError, StampSpec


class CityPkiBackend:
    name = "citypki"
    legal_level = LEGAL_UNCERTIFIED

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
    ) -> bytes:
        raise SigningError("city PKI signing is not initialised", code="pki_not_ready")
