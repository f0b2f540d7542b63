"""The fast incremental-update signer (``kotapintar.esign.pdfincr``) on PDFs of several producers.

Every output must validate in pyHanko with the demo root and in poppler's ``pdfsig``; earlier
signatures stay valid; what cannot be signed is refused with its declared code, never written.
"""

from __future__ import annotations

import io
import re
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kotapintar.esign import fastsign, pdfincr
from kotapintar.esign.errors import BadPdf, PdfaAccessible, PdfCertified, PdfNoPages
from tests.esign.demo_pki import DemoPki
from tests.esign.helpers import pdfsig_report, site_origin
from tests.lib import pdfmini


@pytest.fixture(scope="module")
def demo_pki() -> DemoPki:
    return DemoPki.generate(crl_base_url="http://pki.test/tte/pki")


@pytest.fixture(scope="module")
def other_pki() -> DemoPki:
    """Someone else's PKI (another root) that signed a PDF before the city does."""
    return DemoPki.generate(crl_base_url="http://other.test/pki")


def asn1(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def classic_letter(i: int = 0) -> bytes:
    """A letter with a classic cross-reference table (tests/lib/pdfmini)."""
    pdf = pdfmini.plain_letter(
        number=f"000.1/{i}/Setda/2026",
        date_text="7 Desember 2026",
        subject=f"Undangan rapat {i}",
        recipient="Kepala Dinas Komunikasi dan Informatika",
        paragraphs=("Dengan hormat, rapat akan dilaksanakan di Ruang Rapat Sekretariat Daerah.",),
        signer_name="Budi Santoso",
        signer_title="Sekretaris Daerah",
        signer_nip="197001011990031001",
    )
    assert b"/XRef" not in pdf
    return pdf


def weasyprint_letter() -> bytes:
    """A letter written by WeasyPrint, as the platform's own: an xref stream and object streams."""
    from weasyprint import HTML

    html = "<h1>Pemerintah Kota Pekalongan</h1><p>Nomor: 000.1/9/2026</p><p>Dengan hormat, rapat.</p>"
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None and b"/ObjStm" in pdf and b"/XRef" in pdf
    return bytes(pdf)


def updated_letter() -> bytes:
    """A letter already changed once by an incremental update (new /Info)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(classic_letter(1)))
    writer.set_info(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Surat")})
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hybrid_letter() -> bytes:
    """A classic file with a hybrid update: the new catalog (with /Lang) is listed only in /XRefStm."""
    pdf = classic_letter(2)
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    root = re.findall(rb"/Root (\d+) 0 R", pdf)[-1]
    catalog_at = re.search(rb"\n" + root + rb" 0 obj\s*(<<.*?>>)\s*endobj", pdf, re.S)
    assert catalog_at is not None
    out = bytearray(pdf)
    cat_off = len(out)
    out += root + b" 0 obj\n" + catalog_at.group(1)[:-2] + b" /Lang (id-ID)>>\nendobj\n"
    row = b"\x01" + cat_off.to_bytes(4, "big") + b"\x00"
    stm_off = len(out)
    head = b"<</Type /XRef /Size %d /W [1 4 1] /Index [%s 1] /Length %d>>" % (size + 1, root, len(row))
    out += b"%d 0 obj\n" % size + head + b"\nstream\n" + row + b"\nendstream\nendobj\n"
    xref_at = len(out)
    out += b"xref\n%d 1\n%010d 00000 n\r\n" % (size, stm_off)
    out += b"trailer\n<</Size %d /Root %s 0 R /Prev %d /XRefStm %d>>\n" % (size + 1, root, start, stm_off)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def with_empty_field() -> bytes:
    """A letter with an AcroForm already holding an empty signature field of another name."""
    writer = IncrementalPdfFileWriter(io.BytesIO(classic_letter(3)))
    fields.append_signature_field(writer, fields.SigFieldSpec("Saksi", box=(50, 50, 150, 90)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_by(pki: DemoPki, pdf: bytes, **meta: Any) -> bytes:
    signer = signers.SimpleSigner(
        signing_cert=asn1(pki.signer),
        signing_key=pki_key(pki),
        cert_registry=SimpleCertificateStore.from_certs([asn1(pki.ca), asn1(pki.root)]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name="Lain", subfilter=fields.SigSeedSubFilter.PADES, **meta
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return bytes(out.getvalue())


def pki_key(pki: DemoPki) -> Any:
    from asn1crypto import keys

    der = pki.signer_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return keys.PrivateKeyInfo.load(der)


def with_xmp(pdf: bytes, part: str, conformance: str) -> bytes:
    """``pdf`` with XMP metadata declaring PDF/A-<part><conformance> (unfiltered, as PDF/A wants)."""
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        f'pdfaid:part="{part}" pdfaid:conformance="{conformance}"/>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    # By hand: pyHanko's writer would replace the XMP with its own.
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    root = re.findall(rb"/Root (\d+) 0 R", pdf)[-1]
    catalog = re.findall(rb"\n" + root + rb" 0 obj\s*(<<.*?>>)\s*endobj", pdf, re.S)[-1]
    catalog = re.sub(rb"/Metadata \d+ 0 R", b"", catalog)[:-2] + b" /Metadata %d 0 R>>" % size
    out = bytearray(pdf)
    meta_at = len(out)
    out += b"%d 0 obj\n<</Type /Metadata /Subtype /XML /Length %d>>\nstream\n" % (size, len(xmp))
    out += xmp + b"\nendstream\nendobj\n"
    cat_at = len(out)
    out += root + b" 0 obj\n" + catalog + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n%s 1\n%010d 00000 n\r\n%d 1\n%010d 00000 n\r\n" % (root, cat_at, size, meta_at)
    out += b"trailer\n<</Size %d /Root %s 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1,
        root,
        start,
        xref,
    )
    return bytes(out)


PRODUCERS: dict[str, Callable[[], bytes]] = {
    "classic_xref": classic_letter,
    "weasyprint_xref_stream": weasyprint_letter,
    "already_updated": updated_letter,
    "hybrid": hybrid_letter,
    "existing_acroform": with_empty_field,
}


def fast_sign(pki: DemoPki, pdf: bytes, **kwargs: Any) -> bytes:
    """Sign through pdfincr only (no pyHanko fallback), B-B."""
    batch = fastsign.BatchSigner(signer=pki.signer_key_obj())
    return pdfincr.sign_incremental(pdf, cms_for=batch.cms_for, reserve=batch.reserve, **kwargs)


def last_status(pdf: bytes, root: Any, *, strict: bool = True) -> Any:
    sig = PdfFileReader(io.BytesIO(pdf), strict=strict).embedded_signatures[-1]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[asn1(root)]))


@pytest.mark.parametrize("producer", PRODUCERS)
def test_each_producer_signs_and_validates_in_pyhanko(demo_pki: DemoPki, producer: str) -> None:
    pdf = PRODUCERS[producer]()
    signed = fast_sign(demo_pki, pdf, certify=True, reason="Menyetujui dokumen", location="Kota Pekalongan")
    assert signed.startswith(pdf)
    # pyHanko validates signatures in hybrid-reference files only when told to read leniently.
    status = last_status(signed, demo_pki.root, strict=producer != "hybrid")
    assert status.bottom_line and status.docmdp_ok
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_update_keeps_the_kind_of_cross_reference(demo_pki: DemoPki) -> None:
    classic, streamed = classic_letter(), weasyprint_letter()
    assert b"/XRef" not in fast_sign(demo_pki, classic)[len(classic) :]
    assert b"/Type /XRef" in fast_sign(demo_pki, streamed)[len(streamed) :]


def test_hybrid_file_is_read_through_its_xref_stream(demo_pki: DemoPki) -> None:
    signed = fast_sign(demo_pki, hybrid_letter())
    assert PdfFileReader(io.BytesIO(signed)).root["/Lang"] == "id-ID"


def test_existing_acroform_keeps_its_field(demo_pki: DemoPki) -> None:
    signed = fast_sign(demo_pki, with_empty_field())
    names = [name for name, _value, _ref in fields.enumerate_sig_fields(PdfFileReader(io.BytesIO(signed)))]
    assert names == ["Saksi", "Signature1"]


def test_non_ascii_reason_is_a_utf16_text_string(demo_pki: DemoPki) -> None:
    signed = fast_sign(demo_pki, classic_letter(), reason="Menyetujui — café")
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert sig.sig_object["/Reason"] == "Menyetujui — café"


def test_earlier_signature_by_someone_else_stays_valid(demo_pki: DemoPki, other_pki: DemoPki) -> None:
    theirs = signed_by(other_pki, classic_letter(4))
    ours = fast_sign(demo_pki, theirs)
    first, second = PdfFileReader(io.BytesIO(ours)).embedded_signatures
    assert validate_pdf_signature(first, ValidationContext(trust_roots=[asn1(other_pki.root)])).bottom_line
    assert validate_pdf_signature(second, ValidationContext(trust_roots=[asn1(demo_pki.root)])).bottom_line


def test_inspect_reports_signatures_and_pdfa(other_pki: DemoPki) -> None:
    info = pdfincr.inspect(with_xmp(signed_by(other_pki, classic_letter(5)), "2", "B"))
    assert (info.pages, info.signed_fields, info.pdfa) == (1, ("Lain",), "2B")


def test_certified_no_changes_is_refused(demo_pki: DemoPki, other_pki: DemoPki) -> None:
    locked = signed_by(
        other_pki, classic_letter(6), certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES
    )
    with pytest.raises(PdfCertified):
        fastsign.sign_batch([locked], signer=demo_pki.signer_key_obj())


def test_certifying_a_signed_file_is_refused(demo_pki: DemoPki, other_pki: DemoPki) -> None:
    with pytest.raises(PdfCertified):
        fast_sign(demo_pki, signed_by(other_pki, classic_letter(7)), certify=True)


def test_pdfa_level_a_is_refused(demo_pki: DemoPki) -> None:
    with pytest.raises(PdfaAccessible) as excinfo:
        fastsign.sign_batch([with_xmp(classic_letter(), "2", "A")], signer=demo_pki.signer_key_obj())
    assert excinfo.value.code == "pdfa_accessible"


def test_pdfa_2b_gets_a_printable_widget_with_an_appearance(demo_pki: DemoPki) -> None:
    pdf = with_xmp(classic_letter(), "2", "B")
    signed = fast_sign(demo_pki, pdf)
    assert b"/XRef" not in signed[len(pdf) :]
    reader = PdfFileReader(io.BytesIO(signed))
    (widget,) = reader.root["/Pages"]["/Kids"][0]["/Annots"]
    widget = widget.get_object()
    assert int(widget["/F"]) & 4 and "/N" in widget["/AP"]
    assert last_status(signed, demo_pki.root).bottom_line


def _no_pages_pdf() -> bytes:
    objects = [b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [] /Count 0>>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f\r\n" + b"".join(b"%010d 00000 n\r\n" % o for o in offsets)
    out += b"trailer\n<</Size 3 /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_no_pages_is_refused(demo_pki: DemoPki) -> None:
    with pytest.raises(PdfNoPages):
        fastsign.sign_batch([_no_pages_pdf()], signer=demo_pki.signer_key_obj())


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 2],
        lambda pdf: re.sub(rb"startxref\s+\d+", b"startxref\n17", pdf),
        lambda pdf: pdf.replace(b"/Root", b"/Roof"),
    ],
    ids=["truncated", "startxref_wrong", "no_root"],
)
def test_damaged_file_is_refused_or_signed_validly(
    demo_pki: DemoPki, damage: Callable[[bytes], bytes]
) -> None:
    pdf = damage(classic_letter())
    try:
        (signed,) = fastsign.sign_batch([pdf], signer=demo_pki.signer_key_obj())
    except BadPdf:
        return
    assert last_status(signed, demo_pki.root).bottom_line


def test_unsupported_structure_falls_back_to_pyhanko(demo_pki: DemoPki, monkeypatch: Any) -> None:
    def declines(*args: Any, **kwargs: Any) -> bytes:
        raise pdfincr.Unsupported("a filter chain")

    monkeypatch.setattr(pdfincr, "sign_incremental", declines)
    (signed,) = fastsign.sign_batch([classic_letter()], signer=demo_pki.signer_key_obj())
    assert last_status(signed, demo_pki.root).bottom_line


def test_dss_update_keeps_an_existing_dss(demo_pki: DemoPki) -> None:
    (signed,) = fastsign.sign_batch([classic_letter()], signer=demo_pki.signer_key_obj())
    once = pdfincr.append_dss(signed, certs=[b"A" * 10], crls=[], ocsps=[])
    twice = pdfincr.append_dss(once, certs=[b"B" * 10], crls=[b"C"], ocsps=[])
    dss = PdfFileReader(io.BytesIO(twice)).root["/DSS"]
    assert [zlib.decompress(c.get_object().encoded_data) for c in dss["/Certs"]] == [b"A" * 10, b"B" * 10]
    assert len(dss["/CRLs"]) == 1


@pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil")), reason="poppler/NSS tools missing"
)
@pytest.mark.parametrize("producer", [*PRODUCERS, "signed_by_someone_else"])
def test_pdfsig_validates_each_producer(
    served_pki: DemoPki, other_pki: DemoPki, tmp_path: Path, producer: str, settings: Any
) -> None:
    settings.SITE_URL = site_origin(served_pki.crl_base_url)
    pdf = signed_by(other_pki, classic_letter(8)) if producer not in PRODUCERS else PRODUCERS[producer]()
    revocation = fastsign.fetch_revocation(
        [served_pki.signer, served_pki.ca, served_pki.root, served_pki.tsa]
    )
    (signed,) = fastsign.sign_batch(
        [pdf],
        signer=served_pki.signer_key_obj(),
        level="B-LT",
        timestamper=served_pki.timestamper(),
        revocation=revocation,
    )
    report = pdfsig_report(tmp_path, signed, served_pki.root)
    ours = report.split("Signature #")[-1]
    assert "Signature is Valid." in ours and "Certificate is Trusted." in ours, report
    if producer == "signed_by_someone_else":
        assert report.count("Signature is Valid.") == 2, report


def test_a_too_small_size_does_not_reuse_an_object_number(demo_pki: DemoPki) -> None:
    pdf = classic_letter()
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    lying = pdf.replace(b"/Size %d" % size, b"/Size %d" % (size - 3))
    signed = fast_sign(demo_pki, lying)
    new_numbers = [int(n) for n in re.findall(rb"\n(\d+) 0 obj", signed[len(lying) :])]
    assert all(n >= size or n in (1, 2, 3) for n in new_numbers)  # catalog/pages/page may be rewritten
    assert last_status(signed, demo_pki.root, strict=False).bottom_line  # strict pyHanko: the input lies


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_signed_file_read_on_top_of_its_original_reads_as_a_fresh_read(
    demo_pki: DemoPki, producer: str
) -> None:
    """The check after writing reads only the update (``base``); it must see what a full read sees."""
    pdf = PRODUCERS[producer]()
    signed = fast_sign(demo_pki, pdf, certify=True)
    on_base, fresh = pdfincr._Reader(signed, pdfincr._Reader(pdf)), pdfincr._Reader(signed)
    assert on_base.doc.xref == fresh.doc.xref and on_base.doc.trailer == fresh.doc.trailer
    assert (on_base.catalog, on_base.page_ref, on_base.docmdp, on_base.pdfa) == (
        fresh.catalog,
        fresh.page_ref,
        fresh.docmdp,
        fresh.pdfa,
    )
    assert [(f.name, f.signed, f.dict) for f in on_base.fields] == [
        (f.name, f.signed, f.dict) for f in fresh.fields
    ]


def test_a_base_the_file_does_not_extend_is_not_used() -> None:
    one, other = classic_letter(5), classic_letter(6)
    assert pdfincr._Document(other, pdfincr._Document(one)).xref == pdfincr._Document(other).xref


def test_an_object_whose_length_is_redefined_by_an_update_is_read_again() -> None:
    """A stream with an indirect /Length is not taken over from the base: an update may change it."""
    body = b"%PDF-1.7\n1 0 obj\n<</Length 2 0 R>>\nstream\nab  \nendstream\nendobj\n2 0 obj\n4\nendobj\n"
    one, two, xref = body.index(b"1 0 obj"), body.index(b"2 0 obj"), len(body)
    base = body + b"xref\n0 3\n0000000000 65535 f\r\n%010d 00000 n\r\n%010d 00000 n\r\n" % (one, two)
    base += b"trailer\n<</Size 3 /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    at = len(base)
    update = base + b"2 0 obj\n2\nendobj\n"
    xref_at = len(update)
    update += b"xref\n2 1\n%010d 00000 n\r\ntrailer\n<</Size 3 /Root 1 0 R /Prev %d>>\n" % (at, xref)
    update += b"startxref\n%d\n%%%%EOF\n" % xref_at
    old = pdfincr._Document(base)
    assert old.get(pdfincr.Ref(1, 0)).raw == b"ab  "
    assert pdfincr._Document(update, old).get(pdfincr.Ref(1, 0)).raw == b"ab"


def test_literal_strings_keep_escapes_and_balanced_parentheses() -> None:
    data = rb"<</T (a\)b(c)d\\) /U (x\(y) /V [(1) (2)]>>"
    value, end = pdfincr._Parser(data).parse(0)
    assert end == len(data)
    assert value == {b"/T": rb"(a\)b(c)d\\)", b"/U": rb"(x\(y)", b"/V": [b"(1)", b"(2)"]}


def test_the_dss_streams_of_one_set_of_validation_data_are_made_once(demo_pki: DemoPki) -> None:
    pdfincr._dss_streams.cache_clear()
    for i in (7, 8):
        (signed,) = fastsign.sign_batch([classic_letter(i)], signer=demo_pki.signer_key_obj())
        out = pdfincr.append_dss(signed, certs=[b"A" * 10], crls=[b"C"], ocsps=[b"O"])
        dss = PdfFileReader(io.BytesIO(out)).root["/DSS"]
        assert [zlib.decompress(c.get_object().encoded_data) for c in dss["/OCSPs"]] == [b"O"]
    assert pdfincr._dss_streams.cache_info().misses == 1
