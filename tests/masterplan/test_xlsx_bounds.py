"""An uploaded workbook is checked before openpyxl parses it: uncompressed size, member count and
compression ratio are bounded, and truncated XML, XXE and entity bombs are a form error, not a 500
(issue 12, item 9)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.test import Client

from kotapintar.core.errors import ValidationFailed
from kotapintar.masterplan import xlsx
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db

NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet_xml(text: bytes, *, dtd: bytes = b"") -> bytes:
    """A worksheet whose cell A1 holds `text` as an inline string."""
    return (
        b'<?xml version="1.0"?>' + dtd + b'<worksheet xmlns="' + NS + b'"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>' + text + b"</t></is></c></row></sheetData></worksheet>"
    )


BILLION_LAUGHS = _sheet_xml(
    b"&i;",
    dtd=b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(8))
    + b"]>",
)
XXE = _sheet_xml(b"&x;", dtd=b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>')


def _replace(data: bytes, member: str, content: bytes, *, extra: int = 0) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, content if info.filename == member else src.read(info.filename))
        for i in range(extra):
            out.writestr(f"customXml/item{i}.xml", b"<a/>")
    return buf.getvalue()


PROGRAM = "xl/worksheets/sheet3.xml"  # openpyxl names sheets in creation order: Info, KertasKerja, Program


def _refused(plan, opd, opd_user, data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    return exc.value


def test_a_sheet_that_expands_beyond_the_limit_are_refused_quickly(worksheet, plan, opd, opd_user):
    huge = _sheet_xml(b"A" * (85 * 1024 * 1024))
    data = _replace(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), PROGRAM, huge)
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    error = _refused(plan, opd, opd_user, data)
    assert time.perf_counter() - started < 2
    assert error.code == "xlsx_too_large"


def test_too_many_members_are_refused(worksheet, plan, opd, opd_user):
    data = _replace(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), "", b"", extra=2000)
    assert _refused(plan, opd, opd_user, data).code == "xlsx_too_large"


@pytest.mark.parametrize("content", [BILLION_LAUGHS, XXE], ids=["entity-bomb", "xxe"])
def test_a_dtd_in_any_member_is_refused(worksheet, plan, opd, opd_user, content):
    data = _replace(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), PROGRAM, content)
    assert _refused(plan, opd, opd_user, data).code == "xlsx_invalid"


def test_truncated_sheet_xml_is_refused(worksheet, plan, opd, opd_user):
    data = xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING)
    whole = zipfile.ZipFile(io.BytesIO(data)).read(PROGRAM)
    data = _replace(data, PROGRAM, whole[: len(whole) // 2])
    assert _refused(plan, opd, opd_user, data).code == "xlsx_invalid"


def test_entity_bomb_upload_on_the_page_is_a_form_error(worksheet, plan, opd, opd_user):
    data = _replace(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), PROGRAM, BILLION_LAUGHS)
    client = Client()
    client.force_login(opd_user)
    upload = io.BytesIO(data)
    upload.name = "kertas-kerja.xlsx"
    response = client.post(f"/masterplan/opd/{opd.code}/unggah/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
