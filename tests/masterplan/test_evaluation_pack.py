"""The evaluation pack: for the demo (seeded as in the other demo tests) the XLSX and the DOCX hold the
five dimensions, their weights, scores and formulas, and evidence links that work (each one followed
with the test client as Bappeda answers 200); a period without data is missing with its reason; bad
weights, periods and formats are refused with declared codes (and exit code 2 on the command line)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from kotapintar.cli import main as cli_main
from kotapintar.core.errors import ValidationFailed
from kotapintar.masterplan import evaluation, evaluation_export
from kotapintar.masterplan.models import WeightSet
from kotapintar.masterplan.selectors import EVERYTHING

SITE = "https://kota.example"
DIMENSIONS_ID = ["Kondisi awal", "Keluaran", "Hasil", "Dampak", "Hasil cepat"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2020-S1", (2020, 1, "2020-01-01", "2020-07-01")),
        ("2020-S2", (2020, 2, "2020-07-01", "2021-01-01")),
        (" 2024-S1 ", (2024, 1, "2024-01-01", "2024-07-01")),
    ],
)
def test_a_period_is_a_half_year_in_city_time(text, expected):
    p = evaluation.period_parse(text)
    assert (p.year, p.half, f"{p.start:%Y-%m-%d}", f"{p.end:%Y-%m-%d}") == expected
    assert p.start.utcoffset() == timedelta(hours=7)


def test_a_period_names_its_last_day():
    assert [str(evaluation.period_parse(t).last_day) for t in ("2020-S1", "2020-S2")] == [
        "2020-06-30",
        "2020-12-31",
    ]


@pytest.mark.parametrize("text", ["2020", "2020-S3", "2020-s1", "20-S1", "2020-H1", "", "1999-S1"])
def test_a_bad_period_is_refused_with_its_code(text):
    with pytest.raises(ValidationFailed) as exc:
        evaluation.period_parse(text)
    assert exc.value.code == "evaluation_period_invalid"


def test_the_period_picker_runs_from_the_plan_start_to_the_current_half_year():
    assert evaluation.period_choices(start_year=2019, end_year=2028, today=date(2020, 8, 1)) == [
        "2020-S2",
        "2020-S1",
        "2019-S2",
        "2019-S1",
    ]


# --- the demo pack -----


@pytest.fixture
def pack(demo, settings):
    settings.SITE_URL = SITE
    with translation.override("id"):
        return evaluation.evaluation_pack(
            plan=demo, period=evaluation.period_parse("2020-S2"), reader=EVERYTHING
        )


@pytest.fixture
def bappeda_client(demo, client):
    client.force_login(get_user_model().objects.get(username="bappeda"))
    return client


@pytest.mark.django_db
def test_the_demo_pack_scores_five_dimensions_with_the_weights_of_set_a(pack):
    assert [d.code for d in pack.dimensions] == ["baseline", "output", "outcome", "impact", "quick_win"]
    assert [d.weight for d in pack.dimensions] == [10, 20, 30, 30, 10]
    assert all(d.score is not None and 0 <= d.score <= 5 for d in pack.dimensions)
    assert pack.total == round(sum(d.score * d.weight for d in pack.dimensions) / 100, 2)


@pytest.mark.django_db
def test_output_score_is_five_times_the_mean_capped_achievement(pack):
    output = next(d for d in pack.dimensions if d.code == "output")
    parts = [r.part for r in output.rows if r.part is not None]
    assert parts and all(0 <= p <= 1 for p in parts)
    assert output.score == round(5 * sum(parts) / len(parts), 2)
    assert all(not r.indicator.programme.is_quick_win and r.indicator.kind == "output" for r in output.rows)


def _xlsx_cells(data: bytes) -> dict[str, list[list[object]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.django_db
def test_the_xlsx_holds_dimensions_weights_scores_and_formulas(pack):
    with translation.override("id"):
        sheets = _xlsx_cells(evaluation_export.pack_xlsx(pack))
    summary = sheets["Ringkasan"]
    rows = {r[0]: r for r in summary if r and r[0] in DIMENSIONS_ID}
    assert list(rows) == DIMENSIONS_ID
    for d in pack.dimensions:
        assert rows[d.label][1:4] == [d.weight, d.score, d.counted]
        assert str(rows[d.label][4]).startswith("Skor = 5 ×")
    index = next(r for r in summary if r and r[0] == "Indeks")
    assert index[1:3] == [100, pack.total]
    assert sheets["Indikator"][1][0] in DIMENSIONS_ID


@pytest.mark.django_db
def test_the_docx_holds_dimensions_weights_scores_and_formulas(pack):
    with translation.override("id"):
        text = _docx_text(evaluation_export.pack_docx(pack))
    for d in pack.dimensions:
        assert f"{d.label} · bobot {d.weight}%" in text
        assert d.formula in text
        assert f"Skor: {d.score:.2f}".replace(".", ",") in text
    assert "Indeks = Σ (bobot × skor) ÷ 100" in text


def _links(text: str) -> set[str]:
    return set(re.findall(re.escape(SITE) + r"[^\s\"'<>]*", text))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_every_evidence_link_in_the_file_works_for_bappeda(pack, bappeda_client, fmt):
    with translation.override("id"):
        data = evaluation_export.pack_xlsx(pack) if fmt == "xlsx" else evaluation_export.pack_docx(pack)
    text = str(_xlsx_cells(data)) if fmt == "xlsx" else _docx_text(data)
    links = _links(text)
    kinds = {urlsplit(u).path.split("/")[2] if u.count("/") > 3 else u for u in links}
    assert {"kertas-kerja", "monitoring", "dewan"} <= kinds  # worksheets, realisations, minutes
    assert f"{SITE}/tte/" in links  # the live metrics' module
    for url in sorted(links):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert bappeda_client.get(path).status_code == 200, url


@pytest.mark.django_db
def test_a_period_without_data_is_missing_with_its_reason_never_zero(demo):
    with translation.override("en"):
        pack = evaluation.evaluation_pack(
            plan=demo, period=evaluation.period_parse("2024-S1"), reader=EVERYTHING
        )
        text = _docx_text(evaluation_export.pack_docx(pack))
    assert all(d.score is None for d in pack.dimensions)
    assert all("has a value for 2024" in d.missing for d in pack.dimensions)
    assert pack.total is None and "No index" in pack.total_missing
    assert "missing: None of its" in text
    reasons = {r.missing for d in pack.dimensions for r in d.rows}
    assert "No realisation recorded for 2024." in reasons  # a programme running in 2024
    assert any(m.startswith("No target for 2024 (the programme runs") for m in reasons)  # one that ended


@pytest.mark.django_db
def test_weights_that_do_not_total_100_are_refused(demo):
    WeightSet.objects.filter(code="kominfo-sleman").update(
        weights={"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 0}
    )
    with pytest.raises(ValidationFailed) as exc:
        evaluation.weight_set_for_pack()
    assert exc.value.code == "weights_total"


@pytest.mark.django_db
def test_the_configured_weight_set_is_used_in_its_newest_version(demo, settings):
    settings.MASTERPLAN_EVALUATION_WEIGHT_SET = "kominfo-jambi"
    assert evaluation.weight_set_for_pack().weights["quick_win"] == 20


@pytest.mark.django_db
def test_bappeda_adds_a_weight_set_version_on_the_page_and_a_bad_total_is_refused(bappeda_client):
    weights = {"w-baseline": 10, "w-output": 20, "w-outcome": 30, "w-impact": 25, "w-quick_win": 15}
    r = bappeda_client.post(
        "/masterplan/evaluasi/", {"what": "weights", "code": "kominfo-sleman", "name": "Set A", **weights}
    )
    assert r.status_code == 302
    assert evaluation.weight_set_for_pack().weights["impact"] == 25
    bad = {**weights, "w-impact": 40}
    r = bappeda_client.post(
        "/masterplan/evaluasi/",
        {"what": "weights", "code": "kominfo-sleman", "name": "Set A", **bad},
        follow=True,
    )
    assert "100" in r.content.decode()
    assert evaluation.weight_set_for_pack().weights["impact"] == 25


# --- the button and the command -----


@pytest.mark.django_db
def test_the_evaluation_page_offers_the_pack_to_bappeda(bappeda_client):
    page = bappeda_client.get("/masterplan/evaluasi/").content.decode()
    assert 'id="do-evaluation-pack"' in page
    assert 'value="2020-S2"' in page


@pytest.mark.django_db
def test_the_button_downloads_the_docx(bappeda_client):
    r = bappeda_client.get("/masterplan/evaluasi/paket/?periode=2020-S2&format=docx")
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="evaluasi-smart-city-2020-S2.docx"'
    assert "Kondisi awal · bobot 10%" in _docx_text(r.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,code", [("periode=2020&format=xlsx", 422), ("periode=2020-S2&format=pdf", 422)]
)
def test_a_bad_period_or_format_on_the_page_is_a_422(bappeda_client, query, code):
    assert bappeda_client.get(f"/masterplan/evaluasi/paket/?{query}").status_code == code


@pytest.mark.django_db
def test_an_opd_user_cannot_download_the_pack(demo, client):
    client.force_login(get_user_model().objects.get(username="opd"))  # the demo's Dinkominfo staff
    assert client.get("/masterplan/evaluasi/paket/?periode=2020-S2&format=xlsx").status_code == 403


@pytest.mark.django_db
def test_the_command_writes_the_xlsx(demo, tmp_path):
    out = io.StringIO()
    call_command(
        "masterplan_evaluation",
        "--period",
        "2020-S2",
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "e.xlsx"),
        stdout=out,
    )
    assert "period=2020-S2" in out.getvalue()
    assert "Ringkasan" in _xlsx_cells((tmp_path / "e.xlsx").read_bytes())


@pytest.mark.django_db
def test_the_command_refuses_a_bad_period_with_exit_code_2(demo, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command(
            "masterplan_evaluation", "--period", "2020-S3", "--format", "xlsx", "--out", str(tmp_path / "x")
        )
    assert exc.value.returncode == 2
    assert "YYYY-S1" in str(exc.value)
    assert not Path(tmp_path / "x").exists()


@pytest.mark.django_db
def test_the_console_script_exits_2_on_a_bad_format(demo, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(
            [
                "kotapintar",
                "masterplan-evaluation",
                "--period",
                "2020-S2",
                "--format",
                "pdf",
                "--out",
                str(tmp_path / "x"),
            ]
        )
    assert exc.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


@pytest.mark.django_db
def test_documents_signed_in_tte_in_the_period_are_evidence(demo, settings, monkeypatch):
    settings.SITE_URL = SITE
    signed_at = datetime(2020, 9, 1, tzinfo=ZoneInfo("Asia/Jakarta"))

    class Doc:
        title, code = "Surat Keputusan Tim Smart City", "ABC123"

    seen = {}

    def fake(*, start, end, limit):
        seen["window"] = (start <= signed_at < end, limit)
        return [Doc()]

    monkeypatch.setattr(evaluation, "documents_signed_in_period", fake)
    pack = evaluation.evaluation_pack(plan=demo, period=evaluation.period_parse("2020-S2"), reader=EVERYTHING)
    assert seen["window"] == (True, 50)
    assert f"{SITE}/tte/verifikasi/ABC123" in [link.url for link in pack.evidence]
