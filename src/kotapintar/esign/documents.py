"""PDF intake (size, type, encryption and structure checks) and letter generation with WeasyPrint."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.core.selectors import city_get_or_none
from kotapintar.core.types import User
from kotapintar.esign.errors import EmptyFile, FileTooLarge, NotPdf, PdfBroken, PdfEncrypted, PdfNoPages

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_upload_bytes() -> int:
    """ESIGN_MAX_UPLOAD_BYTES (setting or environment), default 20 MB."""
    configured = getattr(settings, "ESIGN_MAX_UPLOAD_BYTES", None)
    try:
        return int(configured) if configured else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    size: int
    page_sizes: tuple[tuple[float, float], ...]


def pdf_check(data: bytes) -> PdfInfo:
    """Accept only a readable, unencrypted PDF within the size limit; raise ValidationFailed otherwise."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise FileTooLarge(
            _("The file is larger than the limit of %(mb).0f MB.") % {"mb": limit / (1024 * 1024)}
        )
    if not data:
        raise EmptyFile()
    if not data.lstrip()[:5] == b"%PDF-":
        raise NotPdf()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise PdfEncrypted()
        pages = reader.root["/Pages"]["/Count"]
        sizes = []
        for i in range(int(pages)):
            page_ref = reader.find_page_for_modification(i)[0]  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
            page = page_ref.get_object() if hasattr(page_ref, "get_object") else page_ref
            box = _inherited(page, "/MediaBox")
            sizes.append((float(box[2]) - float(box[0]), float(box[3]) - float(box[1])))
    except PdfEncrypted:
        raise
    except Exception as exc:
        raise PdfBroken(detail=str(exc)[:200]) from exc
    if int(pages) < 1:
        raise PdfNoPages()
    return PdfInfo(pages=int(pages), size=len(data), page_sizes=tuple(sizes))


def _inherited(node: Any, key: str) -> Any:
    """A page attribute, looked up through /Parent when the page inherits it."""
    for _depth in range(32):
        if key in node:
            value = node[key]
            return value.get_object() if hasattr(value, "get_object") else value
        parent = node.get("/Parent")
        if parent is None:
            break
        node = parent.get_object() if hasattr(parent, "get_object") else parent
    return [0, 0, 595, 842]


@dataclass(frozen=True)
class Letter:
    nomor: str
    perihal: str
    tujuan: str
    isi: str
    penandatangan_nama: str
    penandatangan_jabatan: str
    penandatangan_nip: str = ""
    opd_name: str = "Sekretariat Daerah"


def letter_for(*, signer: User, nomor: str, perihal: str, tujuan: str, isi: str) -> Letter:
    """A letter signed by ``signer``: the signature block from their profile (jabatan, NIP, OPD)."""
    profile = getattr(signer, "profile", None)
    opd = getattr(profile, "opd", None)
    return Letter(
        nomor=nomor,
        perihal=perihal,
        tujuan=tujuan,
        isi=isi,
        penandatangan_nama=signer.get_full_name() or signer.get_username(),
        penandatangan_jabatan=getattr(profile, "jabatan", "") or "",
        penandatangan_nip=getattr(profile, "nip", "") or "",
        opd_name=opd.name if opd else "Sekretariat Daerah",
    )


def letter_render(letter: Letter, *, verify_url: str) -> bytes:
    """Render an official letter (kop surat, nomor, perihal, tujuan, isi, penandatangan) to PDF."""
    from weasyprint import HTML  # imported on first use: loading WeasyPrint takes about a second

    html = render_to_string(
        "esign/pdf/letter.html",
        {
            "nomor": letter.nomor,
            "perihal": letter.perihal,
            "tujuan": letter.tujuan,
            "paragraphs": [p.strip() for p in letter.isi.replace("\r\n", "\n").split("\n\n") if p.strip()],
            "penandatangan_nama": letter.penandatangan_nama,
            "penandatangan_jabatan": letter.penandatangan_jabatan,
            "penandatangan_nip": letter.penandatangan_nip,
            "opd_name": letter.opd_name,
            "tanggal": formats.date_format(timezone.localdate(), "j F Y"),
            "verify_url": verify_url,
            "city": city_get_or_none(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
