"""Progress is computed from weighted deliverables and accepted worksheets, with its breakdown."""

from __future__ import annotations

import pytest

from kotapintar.masterplan import selectors, services
from kotapintar.masterplan.models import Deliverable, DeliverableStatus

pytestmark = pytest.mark.django_db


def test_new_plan_is_at_zero_with_every_item_open(plan):
    progress = selectors.plan_progress(plan=plan)
    assert progress.percent == 0.0
    assert progress.items and not progress.done_items


def test_done_deliverable_adds_its_weighted_share(plan, bappeda_user):
    d = Deliverable.objects.filter(stage__plan=plan).get(code="T1-KESIAPAN")
    services.deliverable_update(actor=bappeda_user, deliverable=d, status=DeliverableStatus.DONE)
    progress = selectors.plan_progress(plan=plan)
    total = sum(x.weight for x in Deliverable.objects.filter(stage__plan=plan))
    assert progress.percent == round(100 * d.weight / total, 1)  # no worksheets: deliverables are 100 %
    assert [i.code for i in progress.done_items] == ["T1-KESIAPAN"]


def test_accepted_worksheet_counts_endorsed_too(worksheet, walk, plan):
    before = selectors.plan_progress(plan=plan).percent
    walk(worksheet, "reviewed")
    assert selectors.plan_progress(plan=plan).percent == before
    walk(worksheet, "accepted")
    assert selectors.plan_progress(plan=plan).percent == pytest.approx(before + 20.0)


def test_demo_progress_is_90_with_its_breakdown(demo):
    progress = selectors.plan_progress(plan=demo)
    assert progress.percent == 90.0
    open_codes = {i.code for i in progress.open_items if i.kind == "deliverable"}
    assert open_codes == {"T4-FINAL"}
    assert sum(1 for i in progress.items if i.kind == "worksheet" and not i.done) == 6
    assert round(sum(i.points for i in progress.done_items), 1) == 90.0


def test_each_stage_reports_its_weighted_percent(demo):
    stages = {s.code: s.percent for s in selectors.stage_list(plan=demo)}
    assert stages["T1"] == 100.0
    assert stages["T4"] == 80.0  # 16 of 20: the final document (4) is still in progress
