"""A small, fast PDF writer for one-page letters: the tests' source of distinct PDFs to sign.

Moved out of ``kotapintar.lib``: no product code writes letters this way (the app renders its letters
with WeasyPrint, ``esign.documents.letter_render``), and its signature placeholder went with the fast
signer's letter path. No Django imports. It writes a complete PDF 1.7 file in one pass with the
standard Type 1 fonts Helvetica and Helvetica-Bold (WinAnsiEncoding, no embedding); a verification
URL is drawn as a QR code of vector modules.

Text outside WinAnsi (cp1252) is replaced by ``?``: the standard fonts carry no other glyphs.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any, cast

# Advance widths (1/1000 em) of the standard Helvetica and Helvetica-Bold fonts for ASCII 32..126
# (Adobe Font Metrics). Characters above 126 fall back to an average width.
_HELV = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_HELV_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip

A4 = (595.28, 841.89)
MARGIN_LEFT = 72.0
MARGIN_RIGHT = 56.0

# Width by WinAnsi byte value (0..255); unknown glyphs get an average width.
_WIDTHS = [556] * 256
_WIDTHS_BOLD = [556] * 256
for _code in range(32, 127):
    _WIDTHS[_code] = _HELV[_code - 32]
    _WIDTHS_BOLD[_code] = _HELV_BOLD[_code - 32]


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` in points at ``size`` in Helvetica (or Helvetica-Bold)."""
    table = _WIDTHS_BOLD if bold else _WIDTHS
    return sum(map(table.__getitem__, text.encode("cp1252", errors="replace"))) * size / 1000.0


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of one paragraph into lines no wider than ``width`` points.

    Works on the WinAnsi bytes (one encode per paragraph); characters the standard fonts lack
    come back as ``?``, as they would be printed.
    """
    table = _WIDTHS_BOLD if bold else _WIDTHS
    limit = width * 1000.0 / size
    space = table[32]
    lines: list[str] = []
    current: list[bytes] = []
    current_width = 0
    for word in text.encode("cp1252", errors="replace").split():
        word_width = sum(map(table.__getitem__, word))
        if current and current_width + space + word_width > limit:
            lines.append(b" ".join(current).decode("cp1252"))
            current = [word]
            current_width = word_width
        else:
            current_width = current_width + space + word_width if current else word_width
            current.append(word)
    if current:
        lines.append(b" ".join(current).decode("cp1252"))
    return lines


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding, with ``( ) \\`` escaped."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@dataclass(frozen=True)
class Letter:
    """An official letter (naskah dinas) of one page.

    ``paragraphs`` are the body (isi); ``signer_*`` the official's block at the bottom right.
    ``verification_url`` (optional) is printed under the signature block and, with ``qr``, drawn as a
    QR code in the signature block (vector modules, no image).
    """

    number: str
    date_text: str
    subject: str
    recipient: str
    paragraphs: tuple[str, ...]
    signer_name: str
    signer_title: str
    signer_nip: str = ""
    government: str = "PEMERINTAH KOTA PEKALONGAN"
    office: str = "SEKRETARIAT DAERAH"
    address: str = "Jl. Mataram No. 1, Kota Pekalongan, Jawa Tengah 51152"
    place: str = "Pekalongan"
    attachment: str = "-"
    nature: str = "Biasa"
    cc: tuple[str, ...] = field(default_factory=tuple)
    verification_url: str = ""
    qr: bool = True


def _content_stream(letter: Letter) -> bytes:
    """The page content: letterhead, heading block, body and signature block."""
    width, height = A4
    usable = width - MARGIN_LEFT - MARGIN_RIGHT
    out: list[bytes] = []
    emit = out.append

    def text_at(x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        emit(b"BT %s %.1f Tf %.2f %.2f Td %s Tj ET\n" % (font, size, x, y, pdf_string(text)))

    def centred(y: float, text: str, size: float, *, bold: bool = False) -> None:
        x = MARGIN_LEFT + (usable - text_width(text, size, bold=bold)) / 2
        text_at(x, y, text, size, bold=bold)

    y = height - 64
    centred(y, letter.government, 14, bold=True)
    y -= 18
    centred(y, letter.office, 13, bold=True)
    y -= 14
    centred(y, letter.address, 9)
    y -= 10
    emit(b"1.5 w %.2f %.2f m %.2f %.2f l S\n" % (MARGIN_LEFT, y, width - MARGIN_RIGHT, y))
    emit(b"0.5 w %.2f %.2f m %.2f %.2f l S\n" % (MARGIN_LEFT, y - 2.5, width - MARGIN_RIGHT, y - 2.5))

    y -= 28
    date_line = f"{letter.place}, {letter.date_text}"
    text_at(width - MARGIN_RIGHT - text_width(date_line, 11), y, date_line, 11)
    for label, value in (
        ("Nomor", letter.number),
        ("Sifat", letter.nature),
        ("Lampiran", letter.attachment),
        ("Hal", letter.subject),
    ):
        text_at(MARGIN_LEFT, y, label, 11)
        text_at(MARGIN_LEFT + 62, y, ":", 11)
        lines = wrap(value, 11, usable / 2 - 10) or [""]
        for line in lines:
            text_at(MARGIN_LEFT + 70, y, line, 11)
            y -= 15
    y -= 12
    text_at(MARGIN_LEFT, y, "Yth.", 11)
    for line in wrap(letter.recipient, 11, usable / 2):
        text_at(MARGIN_LEFT + 26, y, line, 11)
        y -= 15
    text_at(MARGIN_LEFT + 26, y, "di Tempat", 11)
    y -= 30

    for paragraph in letter.paragraphs:
        lines = wrap(paragraph, 11, usable - 28)
        for index, line in enumerate(lines):
            text_at(MARGIN_LEFT + (28 if index == 0 else 0), y, line, 11)
            y -= 15.5
        y -= 6

    y -= 18
    block_x = width - MARGIN_RIGHT - 220
    text_at(block_x, y, letter.signer_title, 11)
    y -= 14
    text_at(block_x, y, "Ditandatangani secara elektronik", 8)
    if letter.verification_url and letter.qr:
        emit(qr_drawing(letter.verification_url, x=block_x, y=y - 64, size=54))
        y -= 78
    else:
        y -= 54
    text_at(block_x, y, letter.signer_name, 11, bold=True)
    if letter.signer_nip:
        y -= 14
        text_at(block_x, y, f"NIP. {letter.signer_nip}", 11)
    if letter.verification_url:
        y -= 16
        text_at(block_x, y, "Verifikasi:", 8)
        y -= 10
        text_at(block_x, y, letter.verification_url, 8)
    if letter.cc:
        y -= 30
        text_at(MARGIN_LEFT, y, "Tembusan:", 10)
        for index, name in enumerate(letter.cc, start=1):
            y -= 13
            text_at(MARGIN_LEFT, y, f"{index}. {name}", 10)
    emit(b"BT /F1 7 Tf %.2f 28 Td %s Tj ET\n" % (MARGIN_LEFT, pdf_string(
        "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik."
    )))  # fmt: skip
    return b"".join(out)


_QR_MASK = 4  # (i // 2 + j // 3) even; any mask is valid for decoders
_QR_REMAINDER_BITS = {**dict.fromkeys((2, 3, 4, 5, 6), 7), **dict.fromkeys(range(14, 21), 3)}


@functools.cache
def _qr_template(version: int) -> tuple[tuple[bytes, ...], tuple[tuple[int, int], ...], bytes]:
    """For one QR version at error level M and mask 4: the finished function patterns (finder,
    timing, alignment, format and version information, dark module), the data module positions in
    placement order (ISO/IEC 18004 §7.7.3) and, per position, the mask bit to XOR.

    Built with segno's own pattern helpers, once per version.
    """
    from segno import consts, encoder

    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    positions: list[tuple[int, int]] = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    positions.append((i, j))
                    matrix[i][j] = 0
    encoder.add_format_info(matrix, version, consts.ERROR_LEVEL_M, _QR_MASK)
    encoder.add_version_info(matrix, version)
    flips = bytes(1 if (i // 2 + j // 3) % 2 == 0 else 0 for i, j in positions)
    return tuple(bytes(row) for row in matrix), tuple(positions), flips


def qr_matrix(data: str) -> list[bytearray]:
    """QR code (byte mode, error level M, mask 4, smallest version 1–20) of ``data`` as rows of
    0/1 modules, without quiet zone. Identical, module for module, to
    ``segno.make_qr(data, error="m", mask=4, mode="byte", boost_error=False)`` (tested), about
    three times faster because the per-version work is cached.
    """
    from segno import consts

    capacities = cast(dict[int, dict[int, int]], consts.SYMBOL_CAPACITY)
    ecc = cast(dict[int, dict[int, tuple[Any, ...]]], consts.ECC)
    payload = data.encode("utf-8")
    for version in range(1, 21):
        capacity = capacities[version][consts.ERROR_LEVEL_M]
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * len(payload) <= capacity:
            break
    else:
        raise ValueError("QR payload too long")
    # Bit stream: mode 0100, character count, bytes, terminator, padding, pad codewords (0xEC 0x11).
    # Like segno, the padding step adds a whole zero byte when already aligned; readers stop at the
    # terminator, and keeping segno's exact output lets the tests compare module for module.
    value = (0b0100 << count_bits) | len(payload)
    value = (value << (8 * len(payload))) | int.from_bytes(payload, "big")
    length = 4 + count_bits + 8 * len(payload)
    terminator = min(4, capacity - length)
    value <<= terminator
    length += terminator
    value <<= 8 - length % 8
    length += 8 - length % 8
    codewords = bytearray(value.to_bytes(length // 8, "big"))
    pad = (0xEC, 0x11)
    for k in range(capacity // 8 - len(codewords)):
        codewords.append(pad[k % 2])
    # Reed-Solomon per block, then interleave data and error codewords.
    log, exp, data_blocks, ec_blocks = consts.GALIOS_LOG, consts.GALIOS_EXP, [], []
    offset = 0
    for ec in ecc[version][consts.ERROR_LEVEL_M]:
        n_ec = ec.num_total - ec.num_data
        gen = consts.GEN_POLY[n_ec]
        for _ in range(ec.num_blocks):
            block = codewords[offset : offset + ec.num_data]
            offset += ec.num_data
            work = bytearray(block) + bytearray(n_ec)
            for k in range(len(block)):
                coef = work[k]
                if coef:
                    lcoef = log[coef]
                    for n in range(n_ec):
                        work[k + n + 1] ^= exp[lcoef + gen[n]]
            data_blocks.append(block)
            ec_blocks.append(work[len(block) :])
    final = bytearray()
    for blocks in (data_blocks, ec_blocks):
        for k in range(max(map(len, blocks))):
            final.extend(b[k] for b in blocks if k < len(b))
    bits = bin(int.from_bytes(final, "big"))[2:].zfill(8 * len(final)) + "0" * _QR_REMAINDER_BITS.get(
        version, 0
    )
    base, positions, flips = _qr_template(version)
    matrix = [bytearray(row) for row in base]
    for (i, j), bit, flip in zip(positions, bits.encode(), flips, strict=True):
        matrix[i][j] = (bit - 48) ^ flip
    return matrix


def qr_drawing(data: str, *, x: float, y: float, size: float) -> bytes:
    """Content-stream operators drawing ``data`` as a QR code (error level M) in a ``size`` square
    whose bottom-left corner is (x, y). Dark modules are filled rectangles, one per horizontal run.
    """
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / n
    # One module = one unit after the ``cm``: the rectangles are small integers.
    out = [b"q 0 g %.4f 0 0 %.4f %.2f %.2f cm\n" % (module, module, x, y)]
    append = out.append
    for r, row in enumerate(matrix):
        line = n - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                append(b"%d %d %d 1 re\n" % (start, line, c - start))
            else:
                c += 1
    append(b"f Q\n")
    return b"".join(out)


def letter_pdf(letter: Letter) -> bytes:
    """Write ``letter`` as a one-page, unsigned PDF 1.7 file."""
    content = _content_stream(letter)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> /ProcSet [/PDF /Text] >> "
        b"/Contents 4 0 R >>" % A4,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    buf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(buf))
        buf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    count = len(offsets) + 1
    xref_offset = len(buf)
    trailer_id = os.urandom(16).hex().encode()
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % count
    buf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    buf += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        count,
        trailer_id,
        trailer_id,
        xref_offset,
    )
    return bytes(buf)


def plain_letter(**fields: Any) -> bytes:
    """An unsigned one-page letter (the fields of :class:`Letter`) as PDF bytes."""
    return letter_pdf(Letter(**fields))
