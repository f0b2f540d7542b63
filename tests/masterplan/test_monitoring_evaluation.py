"""Monitoring (red/amber/green), readiness scores, Kominfo evaluation with versioned weight sets,
configurable horizons, chapters and deliverables."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kotapintar.core.errors import PermissionDenied, ValidationFailed
from kotapintar.masterplan import selectors, services
from kotapintar.masterplan.models import Dimension, Indicator, ReadinessAspect, WeightSet
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target,real,direction,expected",
    [
        ("100", "95", "higher", "green"),
        ("100", "75", "higher", "amber"),
        ("100", "50", "higher", "red"),
        ("10", "10.5", "lower", "green"),
        ("10", "20", "lower", "red"),
        ("100", None, "higher", "none"),
    ],
)
def test_rag(target, real, direction, expected):
    value = None if real is None else Decimal(real)
    assert selectors.rag(target=Decimal(target), realisation=value, direction=direction) == expected


def test_monitoring_counts_the_demo_year(demo):
    data = selectors.monitoring(plan=demo, reader=EVERYTHING, year=2020)
    assert data["rows"]
    assert sum(data["counts"].values()) == len(data["rows"])
    assert data["counts"]["green"] and data["counts"]["red"]


def test_opd_records_realisation_of_its_own_indicator_only(worksheet, opd_user, other_opd_user):
    ind = Indicator.objects.get(programme__worksheet=worksheet)
    services.realisation_record(actor=opd_user, indicator=ind, year=2020, value=Decimal("100"))
    assert ind.targets.get(year=2020).realisation == Decimal("100")
    with pytest.raises(PermissionDenied):
        services.realisation_record(actor=other_opd_user, indicator=ind, year=2020, value=Decimal("1"))


def test_both_weight_sets_give_different_indices(demo):
    rows = {r["evaluation"].weight_set.code: r["total"] for r in selectors.evaluation_list(plan=demo)}
    # scores 3.0/3.2/2.8/2.6/3.4: Set A = 2.90, Set B = 2.98
    assert rows == {"kominfo-sleman": 2.9, "kominfo-jambi": 2.98}


def test_a_new_weight_set_version_keeps_the_old_one(reference, bappeda_user):
    old = WeightSet.objects.get(code="kominfo-sleman")
    new = services.weight_set_create(
        actor=bappeda_user,
        code="kominfo-sleman",
        name="Set A (Sleman) 2024",
        weights={"baseline": 10, "output": 20, "outcome": 30, "impact": 25, "quick_win": 15},
    )
    assert new.version == 2 and new.code != old.code
    assert WeightSet.objects.filter(pk=old.pk).exists()
    with pytest.raises(ValidationFailed):
        services.weight_set_create(
            actor=bappeda_user,
            code="x",
            name="x",
            weights={"baseline": 50, "output": 20, "outcome": 30, "impact": 25, "quick_win": 15},
        )


def test_readiness_scores_are_1_to_5(plan, bappeda_user):
    dim, aspect = Dimension.objects.get(code="GOV"), ReadinessAspect.objects.get(code="struktur")
    services.readiness_set(
        actor=bappeda_user, plan=plan, dimension=dim, aspect=aspect, score=4, evidence="SK tim"
    )
    data = selectors.readiness(plan=plan)
    assert data["chart"]["datasets"][0]["data"][0] == 4
    with pytest.raises(ValidationFailed):
        services.readiness_set(actor=bappeda_user, plan=plan, dimension=dim, aspect=aspect, score=6)


def test_horizon_lengths_are_configurable(plan, bappeda_user):
    services.plan_update(actor=bappeda_user, plan=plan, horizon_years={"medium": 6})
    plan.refresh_from_db()
    assert plan.horizon_years["medium"] == 6 and plan.horizon_years["quick_win"] == 1
    with pytest.raises(ValidationFailed):
        services.plan_update(actor=bappeda_user, plan=plan, horizon_years={"medium": 0})


def test_chapter_and_deliverable_api(plan, token_client, bappeda_user, opd_user):
    client = token_client(bappeda_user)
    r = client.put(
        f"/api/v1/masterplan/plans/{plan.public_id}/chapters/roadmap",
        data=json.dumps({"body": "Roadmap sepuluh tahun."}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["body"] == "Roadmap sepuluh tahun."
    r = client.patch(
        f"/api/v1/masterplan/plans/{plan.public_id}/deliverables/T1-PROFIL",
        data=json.dumps({"status": "done"}),
        content_type="application/json",
    )
    assert r.json()["status"] == "done"
    assert selectors.plan_progress(plan=plan).percent > 0
    r = token_client(opd_user).patch(
        f"/api/v1/masterplan/plans/{plan.public_id}/deliverables/T1-PROFIL",
        data=json.dumps({"status": "todo"}),
        content_type="application/json",
    )
    assert r.status_code == 403


def test_plan_page_edits_a_chapter(plan, client, bappeda_user):
    client.force_login(bappeda_user)
    r = client.post("/masterplan/rencana/", {"what": "chapter", "key": "pendahuluan", "body": "Kota batik."})
    assert r.status_code == 302
    assert plan.chapters.get(key="pendahuluan").body == "Kota batik."
    assert client.get("/masterplan/rencana/").status_code == 200
