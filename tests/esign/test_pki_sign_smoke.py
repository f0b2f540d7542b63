from __future__ import annotations

import io
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kotapintar.esign import pki, services
from kotapintar.esign.backends import LEVEL_BLT, SignerIdentity, StampSpec
from kotapintar.esign.pki_signing import CityPkiBackend


def test_blt_signature_validates(make_official: Any, letter_pdf: Any, passphrase: str) -> None:
    user, cert = make_official()
    pdf = letter_pdf()
    out = CityPkiBackend().sign(
        document_pdf=pdf,
        signer=SignerIdentity(name="Pejabat", certificate_id=cert.pk),
        passphrase=passphrase,
        field_name="ttd1",
        certify=True,
        stamp=StampSpec(page=1, lines=("Pejabat", "Kepala"), qr_url="http://testserver/tte/verifikasi/x"),
        level=LEVEL_BLT,
    )
    assert out.startswith(pdf)
    root = services.pki_init().root
    reader = PdfFileReader(io.BytesIO(out))
    vc = ValidationContext(
        trust_roots=[pki.to_asn1_cert(bytes(root.cert_der))],
        allow_fetching=False,
        crls=[pki.crl_current(ca=root), pki.crl_current(ca=services.pki_init().issuing)],
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], vc, ts_validation_context=vc)
    print(status.pretty_print_details())
    assert status.bottom_line
