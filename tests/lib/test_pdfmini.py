"""The small letter PDF writer the signing tests use (tests/lib/pdfmini.py)."""

from __future__ import annotations

import io
import random

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.lib import pdfmini


def test_wrap_keeps_lines_within_width() -> None:
    text = "Dengan hormat, bersama ini kami sampaikan undangan rapat koordinasi penanganan rob " * 5
    lines = pdfmini.wrap(text, 11, 300)
    assert len(lines) > 3
    assert all(pdfmini.text_width(line, 11) <= 300 for line in lines)
    assert " ".join(lines) == " ".join(text.split())


def test_text_width_uses_helvetica_metrics() -> None:
    # H=722, e=556, l=222, l=222, o=556 (Adobe Helvetica AFM)
    assert pdfmini.text_width("Hello", 10) == 22.78
    assert pdfmini.text_width("Hello", 10, bold=True) > pdfmini.text_width("Hello", 10)


def test_pdf_string_escapes_and_replaces_unencodable() -> None:
    assert pdfmini.pdf_string("a (b) \\ c") == b"(a \\(b\\) \\\\ c)"
    assert pdfmini.pdf_string("Rp 5.000 – ü 漢") == b"(Rp 5.000 \x96 \xfc ?)"


def test_unsigned_letter_is_a_readable_one_page_pdf() -> None:
    letter = pdfmini.Letter(
        number="000.1/1/2026",
        date_text="1 Desember 2026",
        subject="Uji",
        recipient="Camat Pekalongan Barat",
        paragraphs=("Isi surat.",),
        signer_name="Budi",
        signer_title="Sekda",
        cc=("Wali Kota Pekalongan",),
    )
    reader = PdfFileReader(io.BytesIO(pdfmini.letter_pdf(letter)))
    assert int(reader.root["/Pages"]["/Count"]) == 1
    assert "/AcroForm" not in reader.root


def test_qr_drawing_reproduces_the_qr_matrix() -> None:
    import re

    import segno

    url = "https://kotapintar.pekalongankota.go.id/verifikasi/9f3a1c2b7d4e5f60"
    ops = pdfmini.qr_drawing(url, x=100, y=200, size=54)
    matrix = segno.make_qr(url, error="m", mask=4, mode="byte", boost_error=False).matrix
    n = len(matrix)
    head = re.match(rb"q 0 g (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) cm", ops)
    assert head is not None
    scale, _b, _c, _d, x0, y0 = (float(v) for v in head.groups())
    assert (round(scale * n, 2), x0, y0) == (54, 100, 200)
    drawn = [[0] * n for _ in range(n)]
    for col, line, width in re.findall(rb"(\d+) (\d+) (\d+) 1 re", ops):
        for c in range(int(col), int(col) + int(width)):
            drawn[n - 1 - int(line)][c] = 1
    assert drawn == [[1 if v else 0 for v in row] for row in matrix]


def test_letter_with_verification_url_carries_a_qr_code() -> None:
    letter = pdfmini.Letter(
        number="1",
        date_text="1",
        subject="s",
        recipient="r",
        paragraphs=(),
        signer_name="n",
        signer_title="t",
        verification_url="https://kota.example/verifikasi/ABC",
    )
    with_qr = pdfmini.letter_pdf(letter)
    without = pdfmini.letter_pdf(pdfmini.Letter(**{**letter.__dict__, "qr": False}))
    assert with_qr.count(b" re\n") > 50
    assert b" re\n" not in without
    assert b"(https://kota.example/verifikasi/ABC)" in with_qr


@pytest.mark.parametrize("seed", range(4))
def test_fast_qr_encoder_matches_segno_module_for_module(seed: int) -> None:
    import segno

    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789/:.-_?=&ABC"
    versions = set()
    for _ in range(40):
        data = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 600)))
        reference = segno.make_qr(data, error="m", mask=4, mode="byte", boost_error=False)
        versions.add(reference.version)
        assert [bytes(row) for row in pdfmini.qr_matrix(data)] == [
            bytes(bytearray(row)) for row in reference.matrix
        ]
    assert len(versions) > 10


def test_fast_qr_encoder_refuses_oversized_data() -> None:
    with pytest.raises(ValueError, match="too long"):
        pdfmini.qr_matrix("x" * 2000)
