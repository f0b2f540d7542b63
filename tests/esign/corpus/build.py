"""Build the verification corpus: honest files and the attacks from the PDF-signature literature, each
with its expected verdict in ``expected.json``. Run from the repository root to regenerate:

    PYTHONPATH=$PWD/src python -m tests.esign.corpus.build

Every file is made here, with pyHanko and by hand, from a throw-away test PKI: ``root.pem`` is its root
(the corpus test passes it as an extra trust anchor); the keys are generated on each run and never
stored. A second, untrusted root signs the "second signature by an untrusted key" file.

Attacks (Mladenov et al., "1 Trillion Dollar Refund", CCS 2019; Mainka et al., "Shadow Attacks",
NDSS 2021; https://pdf-insecurity.org):
- ISA, incremental saving: page content swapped in a later revision;
- shadow hide: an annotation, or a form XObject prepared before signing and filled after it, covering
  the signed content;
- shadow replace: the page font swapped, a form field moved over the content;
- SWA, signature wrapping: a later revision re-points the signature's /ByteRange at a moved copy of the
  signed bytes (the digest still matches);
- a second signature by a key that does not chain to a trusted root.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

HERE = Path(__file__).parent
NOW = dt.datetime.now(dt.UTC)


# --- a throw-away PKI -------------------------------------------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Korpus Uji TTE"),
        ]
    )


def _cert(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey,
    ca: bool,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365 * 40))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _signer(
    cert: x509.Certificate, key: rsa.RSAPrivateKey, chain: list[x509.Certificate]
) -> signers.SimpleSigner:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]
        ),
    )


# --- the base document, written by hand ------------------------------------------------------------

PAGE_TEXT = (
    b"BT /F1 18 Tf 72 720 Td (SURAT KEPUTUSAN WALI KOTA) Tj "
    b"0 -30 Td /F1 12 Tf (Anggaran: Rp 10.000.000) Tj ET\n/Fm1 Do\n"
)


def base_pdf() -> bytes:
    """One A4 page with text, an empty form XObject drawn over it (/Fm1), a text field ``catatan`` and
    two empty signature fields (certification and approval), as the workflow prepares them."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) "
        b"/DR << /Font << /Helv 4 0 R >> >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /Fm1 7 0 R >> >> /Annots [6 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(PAGE_TEXT) + PAGE_TEXT + b"endstream",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (catatan) /V () /Rect [72 600 300 620] /P 3 0 R "
        b"/DA (/Helv 10 Tf 0 g) /F 4 >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length 0 >>\nstream\n\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def with_sig_fields(pdf: bytes, names: list[str]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for i, name in enumerate(names):
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(sig_field_name=name, on_page=0, box=(72 + 170 * i, 80, 232 + 170 * i, 140)),
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(pdf: bytes, signer: signers.SimpleSigner, field: str, *, certify: bool) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Korpus uji",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.PdfSigner(meta, signer=signer).sign_pdf(writer)
    return bytes(out.getvalue())


def update(pdf: bytes, change: Any) -> bytes:
    """Append one incremental update made by ``change(writer)``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page(writer: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    page: generic.DictionaryObject = writer.root["/Pages"]["/Kids"][0].get_object()
    return page


def _stream(data: bytes, **entries: Any) -> generic.StreamObject:
    return generic.StreamObject({generic.NameObject(k): v for k, v in entries.items()}, stream_data=data)


# --- changes made after signing --------------------------------------------------------------------


def fill_form(writer: IncrementalPdfFileWriter) -> None:
    """An allowed form fill: the text field's value and its appearance."""
    field_ref = writer.root["/AcroForm"]["/Fields"][0]
    field = field_ref.get_object()
    field[generic.NameObject("/V")] = generic.TextStringObject("Diterima bagian umum")
    ap = _stream(
        b"/Tx BMC BT /Helv 10 Tf 0 g 2 5 Td (Diterima bagian umum) Tj ET EMC",
        **{
            "/Type": generic.NameObject("/XObject"),
            "/Subtype": generic.NameObject("/Form"),
            "/BBox": generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 228, 20)]),
            "/Resources": generic.DictionaryObject(
                {generic.NameObject("/Font"): writer.root["/AcroForm"]["/DR"]["/Font"]}
            ),
        },
    )
    field[generic.NameObject("/AP")] = generic.DictionaryObject(
        {generic.NameObject("/N"): writer.add_object(ap)}
    )
    writer.update_container(field)


def swap_content(writer: IncrementalPdfFileWriter) -> None:
    """ISA: the page's content stream replaced."""
    page = _page(writer)
    fake = (
        b"BT /F1 18 Tf 72 720 Td (SURAT KEPUTUSAN WALI KOTA) Tj "
        b"0 -30 Td /F1 12 Tf (Anggaran: Rp 99.000.000) Tj ET\n"
    )
    page[generic.NameObject("/Contents")] = writer.add_object(_stream(fake))
    writer.update_container(page)


def hide_with_annotation(writer: IncrementalPdfFileWriter) -> None:
    """Shadow hide: a white FreeText annotation laid over the amount, with the fake amount written on it."""
    page = _page(writer)
    ap = _stream(
        b"1 g 0 0 300 20 re f BT 0 g /F1 12 Tf 0 5 Td (Anggaran: Rp 99.000.000) Tj ET",
        **{
            "/Type": generic.NameObject("/XObject"),
            "/Subtype": generic.NameObject("/Form"),
            "/BBox": generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 300, 20)]),
            "/Resources": generic.DictionaryObject(
                {generic.NameObject("/Font"): _page(writer)["/Resources"]["/Font"]}
            ),
        },
    )
    annot = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (70, 685, 370, 705)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Anggaran: Rp 99.000.000"),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            generic.NameObject("/F"): generic.NumberObject(4),
            generic.NameObject("/AP"): generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(ap)}
            ),
        }
    )
    annots = page["/Annots"]
    annots.append(writer.add_object(annot))
    writer.update_container(page)


def reveal_overlay(writer: IncrementalPdfFileWriter) -> None:
    """Shadow hide: the empty form XObject drawn over the page (prepared before signing) now paints a
    white box and the fake amount."""
    page = _page(writer)
    xobject_ref = page["/Resources"]["/XObject"].raw_get("/Fm1")
    overlay = _stream(
        b"1 g 70 685 300 20 re f BT 0 g /F1 12 Tf 72 690 Td (Anggaran: Rp 99.000.000) Tj ET",
        **{
            "/Type": generic.NameObject("/XObject"),
            "/Subtype": generic.NameObject("/Form"),
            "/BBox": generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
            "/Resources": generic.DictionaryObject(
                {generic.NameObject("/Font"): page["/Resources"]["/Font"]}
            ),
        },
    )
    writer.mark_update(xobject_ref)
    writer.objects[(xobject_ref.generation, xobject_ref.idnum)] = overlay


def swap_font(writer: IncrementalPdfFileWriter) -> None:
    """Shadow replace: the page font swapped for another one (a crafted font would map glyphs anew)."""
    font_ref = _page(writer)["/Resources"]["/Font"].raw_get("/F1")
    font = font_ref.get_object()
    font[generic.NameObject("/BaseFont")] = generic.NameObject("/Courier")
    writer.update_container(font)


def move_field_over_content(writer: IncrementalPdfFileWriter) -> None:
    """Shadow replace: the form field moved over the signed amount, so its (allowed) value covers it."""
    field = writer.root["/AcroForm"]["/Fields"][0].get_object()
    field[generic.NameObject("/Rect")] = generic.ArrayObject(
        [generic.NumberObject(n) for n in (70, 685, 370, 705)]
    )
    writer.update_container(field)
    fill_form(writer)


# --- signature wrapping, by hand --------------------------------------------------------------------


def wrap_byte_range(pdf: bytes) -> bytes:
    """SWA: append a copy of the signed tail and an update that rewrites the signature dictionary with a
    /ByteRange pointing at that copy; the hashed bytes stay the same, the range no longer is the file."""
    match = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf))[-1]
    start1, len1, start2, len2 = (int(g) for g in match.groups())
    # the signature dictionary that holds this ByteRange
    obj_start = pdf.rfind(b" obj", 0, match.start())
    header = re.search(rb"(\d+) (\d+)$", pdf[:obj_start])
    assert header is not None
    number, generation = int(header.group(1)), int(header.group(2))
    obj_end = pdf.index(b"endobj", match.end())
    body = pdf[obj_start + len(b" obj") : obj_end]
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    out = bytearray(pdf)
    out += b"\n"
    moved = len(out)
    out += pdf[start2 : start2 + len2]
    new_range = b"/ByteRange [%d %d %d %d]" % (start1, len1, moved, len2)
    new_body = body.replace(pdf[match.start() : match.end()], new_range.ljust(match.end() - match.start()))
    out += b"\n"
    offset = len(out)
    out += b"%d %d obj" % (number, generation) + new_body + b"endobj\n"
    xref = len(out)
    root = re.findall(rb"/Root\s+(\d+ \d+ R)", pdf)[-1]
    size = max(int(s) for s in re.findall(rb"/Size\s+(\d+)", pdf))
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n" % (number, offset, generation)
    out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root,
        startxref,
        xref,
    )
    return bytes(out)


def flip_byte(pdf: bytes) -> bytes:
    """One byte of the signed page text changed (inside the signed range)."""
    index = pdf.index(b"Rp 10.000.000")
    data = bytearray(pdf)
    data[index + 3] = ord("9")
    return bytes(data)


# --- the corpus -------------------------------------------------------------------------------------


def build() -> dict[str, Any]:
    root_key, other_key, signer_key, stranger_key = _key(), _key(), _key(), _key()
    root = _cert("Root Korpus Uji", root_key, None, root_key, ca=True)
    signer_cert = _cert("Pejabat Korpus", signer_key, root, root_key, ca=False)
    other_root = _cert("Root Tak Dipercaya", other_key, None, other_key, ca=True)
    stranger_cert = _cert("Penyusup", stranger_key, other_root, other_key, ca=False)
    official = _signer(signer_cert, signer_key, [root])
    second = _signer(_cert("Pejabat Kedua", _key_2 := _key(), root, root_key, ca=False), _key_2, [root])
    stranger = _signer(stranger_cert, stranger_key, [other_root])

    prepared = with_sig_fields(base_pdf(), ["Sertifikasi", "Persetujuan"])
    certified = sign(prepared, official, "Sertifikasi", certify=True)
    both = sign(certified, second, "Persetujuan", certify=False)

    ok = {"valid": True, "problems": []}

    def bad(*problems: str, **checks: str) -> dict[str, Any]:
        return {"valid": False, "problems": list(problems), "checks": checks}

    cases: dict[str, tuple[bytes, str, list[dict[str, Any]]]] = {
        "honest-certified.pdf": (certified, "VALID", [{**ok, "checks": {"modification": "unchanged"}}]),
        "honest-two-signatures.pdf": (
            both,
            "VALID",
            [
                {**ok, "checks": {"modification": "form_fill"}},
                {**ok, "checks": {"modification": "unchanged"}},
            ],
        ),
        "honest-approval-only.pdf": (
            sign(prepared, official, "Persetujuan", certify=False),
            "VALID",
            [{**ok, "checks": {"modification": "unchanged"}}],
        ),
        "honest-form-fill.pdf": (
            update(certified, fill_form),
            "VALID",
            [{**ok, "checks": {"modification": "form_fill"}}],
        ),
        "flipped-byte.pdf": (
            flip_byte(certified),
            "INVALID",
            [bad("digest_mismatch", integrity="digest_mismatch", trust="trusted")],
        ),
        "isa-content-swap.pdf": (
            update(certified, swap_content),
            "INVALID",
            [bad("modified_after_signing", modification="disallowed_change", changes="page_content")],
        ),
        "shadow-hide-annotation.pdf": (
            update(certified, hide_with_annotation),
            "INVALID",
            [bad("modified_after_signing", modification="disallowed_change", changes="annotations")],
        ),
        "shadow-hide-overlay.pdf": (
            update(certified, reveal_overlay),
            "INVALID",
            [bad("modified_after_signing", modification="disallowed_change", changes="xobjects")],
        ),
        "shadow-replace-font.pdf": (
            update(certified, swap_font),
            "INVALID",
            [bad("modified_after_signing", modification="disallowed_change", changes="fonts")],
        ),
        "shadow-replace-field.pdf": (
            update(certified, move_field_over_content),
            "INVALID",
            [bad("modified_after_signing", modification="disallowed_change", changes="form_fields")],
        ),
        "swa-byterange-wrapping.pdf": (
            wrap_byte_range(certified),
            "INVALID",
            [bad("bad_byte_range", coverage="bad_byte_range")],
        ),
        "untrusted-second-signature.pdf": (
            sign(certified, stranger, "Persetujuan", certify=False),
            "INVALID",
            [{**ok, "checks": {"modification": "form_fill"}}, bad("untrusted", trust="untrusted")],
        ),
    }
    expected: dict[str, Any] = {}
    for name, (data, conclusion, signatures) in cases.items():
        (HERE / name).write_bytes(data)
        expected[name] = {"conclusion": conclusion, "signatures": signatures}
    (HERE / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
    return expected


if __name__ == "__main__":
    for name, item in build().items():
        print(name, item["conclusion"])
