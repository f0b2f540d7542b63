"""Excel round trip: export, import unchanged changes nothing, any invalid row saves nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kotapintar.core.errors import Conflict, PermissionDenied, ValidationFailed
from kotapintar.core.models import OPD, AuditEntry
from kotapintar.masterplan import selectors, xlsx
from kotapintar.masterplan.models import BudgetLine, Programme
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _errors(exc) -> list[dict[str, Any]]:
    detail: list[dict[str, Any]] = exc.value.detail
    return detail


def test_demo_export_then_import_unchanged_changes_nothing(demo):
    opd = OPD.objects.get(code="dinkominfo")
    before = {w.pk: selectors.worksheet_snapshot(worksheet=w) for w in demo.worksheets.all()}
    audit_before = AuditEntry.objects.count()
    from django.contrib.auth import get_user_model

    bappeda = get_user_model().objects.get(username="bappeda")
    result = xlsx.worksheet_import(
        actor=bappeda, plan=demo, opd=opd, data=xlsx.worksheet_export(plan=demo, opd=opd, reader=EVERYTHING)
    )
    assert result.changed == 0 and result.unchanged == 1
    assert AuditEntry.objects.count() == audit_before
    assert {w.pk: selectors.worksheet_snapshot(worksheet=w) for w in demo.worksheets.all()} == before


def test_every_demo_opd_round_trips_unchanged(demo):
    for opd in OPD.objects.filter(mp_worksheets__plan=demo).distinct():
        ws = list(demo.worksheets.filter(opd=opd))
        content = xlsx.parse_workbook(
            plan=demo, opd=opd, data=xlsx.worksheet_export(plan=demo, opd=opd, reader=EVERYTHING)
        )
        assert content == {w.element.code: selectors.worksheet_snapshot(worksheet=w) for w in ws}


def test_changed_budget_is_saved(worksheet, plan, opd, opd_user):
    data = _edit(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), "Anggaran", "D2", 400_000_000)
    result = xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    assert result.changed == 1
    assert BudgetLine.objects.get(programme__code="P-01", year=2019).amount_idr == 400_000_000


def test_not_an_xlsx_is_refused(worksheet, plan, opd, opd_user):
    with translation.override("id"), pytest.raises(ValidationFailed) as exc:
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=b"%PDF-1.7 not a workbook")
    assert "Excel" in str(exc.value.message)


def test_missing_column_is_reported(worksheet, plan, opd, opd_user):
    data = _edit(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), "Anggaran", "D1", "uang")
    with pytest.raises(ValidationFailed) as exc:
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    assert {"sheet": "Anggaran", "column": "jumlah_rp", "row": 1} == {
        k: _errors(exc)[0][k] for k in ("sheet", "column", "row")
    }


def test_every_invalid_row_is_listed_and_nothing_is_saved(worksheet, plan, opd, opd_user):
    data = xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING)
    data = _edit(data, "Anggaran", "D2", -5)  # negative budget
    data = _edit(data, "Anggaran", "B3", "dua ribu")  # wrong type
    data = _edit(data, "Target", "C3", 2031)  # year outside the plan
    data = _edit(data, "Program", "H2", "dinas-fiktif")  # unknown OPD code
    data = _edit(data, "Program", "C2", "Nama baru yang tidak boleh tersimpan")
    with translation.override("id"), pytest.raises(ValidationFailed) as exc:
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    found = {(e["sheet"], e["row"], e["column"]) for e in _errors(exc)}
    assert {
        ("Anggaran", 2, "jumlah_rp"),
        ("Anggaran", 3, "tahun"),
        ("Target", 3, "tahun"),
        ("Program", 2, "opd_pengampu"),
    } <= found
    messages = " ".join(e["message"] for e in _errors(exc))
    assert "negatif" in messages and "dinas-fiktif" in messages and "2031" in messages
    assert Programme.objects.get(code="P-01").name_id == "Tanda Tangan Elektronik"


def test_errors_in_english_when_chosen(worksheet, plan, opd, opd_user):
    data = _edit(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), "Anggaran", "D2", -5)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    assert _errors(exc)[0]["message"] == "The budget cannot be negative."


def test_other_opd_cannot_upload(worksheet, plan, opd, other_opd_user):
    with pytest.raises(PermissionDenied):
        xlsx.worksheet_import(
            actor=other_opd_user,
            plan=plan,
            opd=opd,
            data=xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING),
        )


def test_changes_to_a_submitted_worksheet_are_refused(worksheet, plan, opd, opd_user, walk):
    walk(worksheet, "submitted")
    data = _edit(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING), "Anggaran", "D2", 1)
    with pytest.raises(Conflict):
        xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
