"""Budget realisation: recorded per line (programme, year, source) by its OPD or Bappeda, audited;
above the plan allowed and shown; negative or fractional refused with a declared code; kept when the
programme is saved again; summed per year and per OPD for the monitoring page and the control room."""

from __future__ import annotations

import json

import pytest

from kotapintar.core.errors import PermissionDenied
from kotapintar.core.models import AuditEntry
from kotapintar.masterplan import budget, services
from kotapintar.masterplan import demo as mp_demo
from kotapintar.masterplan.errors import BudgetLineNotFound, BudgetRealisedInvalid
from kotapintar.masterplan.models import BudgetLine, Programme
from kotapintar.masterplan.selectors import EVERYTHING
from tests.masterplan.factories import programme_payload

pytestmark = pytest.mark.django_db


def _prog(worksheet):
    return Programme.objects.get(worksheet=worksheet)


def test_the_opd_records_the_realised_budget_and_it_is_audited(worksheet, opd_user):
    line = services.budget_realised_record(
        actor=opd_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=300_000_000
    )
    assert BudgetLine.objects.get(pk=line.pk).realised_idr == 300_000_000
    log = AuditEntry.objects.filter(action="masterplan.budget_realised_record").get()
    assert log.data["realised_idr"] == 300_000_000 and log.data["planned_idr"] == 350_000_000


def test_another_opd_may_not_record_it(worksheet, other_opd_user):
    with pytest.raises(PermissionDenied):
        services.budget_realised_record(
            actor=other_opd_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=1
        )


@pytest.mark.parametrize("value", [-1, 1.5, "100", True])
def test_negative_fractional_or_text_amounts_are_refused(worksheet, bappeda_user, value):
    with pytest.raises(BudgetRealisedInvalid):
        services.budget_realised_record(
            actor=bappeda_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=value
        )


def test_a_line_that_does_not_exist_is_404(worksheet, bappeda_user):
    with pytest.raises(BudgetLineNotFound):
        services.budget_realised_record(
            actor=bappeda_user, programme=_prog(worksheet), year=2019, source="APBN", realised_idr=1
        )


def test_above_plan_is_allowed_and_flagged_as_an_overrun(worksheet, bappeda_user):
    services.budget_realised_record(
        actor=bappeda_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=385_000_000
    )
    years = {y["year"]: y for y in budget.realisation(plan=worksheet.plan, reader=EVERYTHING)["years"]}
    assert years[2019]["percent"] == 110.0 and years[2019]["over"] is True
    assert years[2020]["realised"] is None and years[2020]["recorded"] == 0


def test_the_percentage_counts_only_the_lines_recorded(worksheet, opd_user):
    services.programme_save(
        actor=opd_user,
        worksheet=worksheet,
        data=programme_payload(
            budget=[
                {"year": 2019, "source": "APBD", "amount_idr": 100},
                {"year": 2019, "source": "APBN", "amount_idr": 300},
            ]
        ),
    )
    services.budget_realised_record(
        actor=opd_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=90
    )
    r = budget.realisation(plan=worksheet.plan, reader=EVERYTHING)
    assert r["years"] == [
        {
            "year": 2019,
            "planned": 400,
            "realised": 90,
            "percent": 90.0,
            "recorded": 1,
            "lines": 2,
            "over": False,
        }
    ]
    assert r["opd_year"] == 2019 and [o["opd"] for o in r["opds"]] == [worksheet.opd.short_name]


def test_saving_the_programme_again_keeps_the_realisation(worksheet, opd_user):
    services.budget_realised_record(
        actor=opd_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=123
    )
    services.programme_save(actor=opd_user, worksheet=worksheet, data=programme_payload())
    assert BudgetLine.objects.get(year=2019, source="APBD").realised_idr == 123


def test_the_api_records_it_and_refuses_a_fraction(worksheet, token_client, opd_user):
    url = f"/api/v1/masterplan/programmes/{_prog(worksheet).public_id}/budget/2019/APBD/realisation"
    r = token_client(opd_user).put(
        url, json.dumps({"realised_idr": 400_000_000}), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["percent"] == 114.3 and r.json()["realised_idr"] == 400_000_000
    bad = token_client(opd_user).put(url, json.dumps({"realised_idr": 1.5}), content_type="application/json")
    assert bad.status_code in (400, 422)


def test_the_monitoring_form_takes_thousands_dots_and_refuses_a_comma(worksheet, client, opd_user):
    client.force_login(opd_user)
    url = f"/masterplan/program/{_prog(worksheet).public_id}/realisasi-anggaran/"
    client.post(url, {"year": "2019", "source": "APBD", "realised_idr": "1.500.000"})
    assert BudgetLine.objects.get(year=2019, source="APBD").realised_idr == 1_500_000
    client.post(url, {"year": "2019", "source": "APBD", "realised_idr": "12,5"})
    assert BudgetLine.objects.get(year=2019, source="APBD").realised_idr == 1_500_000
    page = client.get("/masterplan/monitoring/?tahun=2019")
    assert b'id="budget-realisation"' in page.content and b"1.500.000" in page.content


def test_the_demo_records_the_years_before_the_one_given(demo):
    BudgetLine.objects.update(realised_idr=None)  # whatever today's year seeded
    mp_demo.seed_budget_realisation(out=lambda _line: None, before_year=2022)
    years = set(BudgetLine.objects.filter(realised_idr__isnull=False).values_list("year", flat=True))
    assert years and max(years) == 2021
    assert not BudgetLine.objects.filter(year__lt=2022, realised_idr__isnull=True).exists()


def test_the_open_budget_dataset_carries_what_is_recorded(worksheet, bappeda_user):
    from kotapintar.masterplan import datasets
    from kotapintar.masterplan.models import WorksheetStatus

    type(worksheet).objects.filter(pk=worksheet.pk).update(status=WorksheetStatus.ACCEPTED)
    services.budget_realised_record(
        actor=bappeda_user, programme=_prog(worksheet), year=2019, source="APBD", realised_idr=300_000_000
    )

    rows = {(r["tahun"], r["sumber_dana"]): r for r in datasets._budget()}

    assert rows[(2019, "APBD")]["realisasi_idr"] == 300_000_000
    assert rows[(2019, "APBD")]["realisasi_lengkap"] is True
    assert [r["realisasi_idr"] for k, r in rows.items() if k != (2019, "APBD")] == [None] * (len(rows) - 1)
    assert not any(r["realisasi_lengkap"] for k, r in rows.items() if k != (2019, "APBD"))
