"""The master plan API: progress on the demo, reads are public, the review flow by role, errors declared."""

from __future__ import annotations

import json

import pytest

from kotapintar.masterplan.models import Worksheet
from tests.masterplan.conftest import after

pytestmark = pytest.mark.django_db


def test_progress_on_the_demo_says_90_and_lists_its_items(demo, client):
    r = client.get("/api/v1/masterplan/progress")
    assert r.status_code == 200
    body = r.json()
    assert body["percent"] == 90.0
    assert body["open_count"] == len([i for i in body["items"] if not i["done"]]) == 7
    assert {"T4-FINAL"} <= {i["code"] for i in body["items"] if not i["done"]}


def test_dimensions_are_public(reference, client):
    body = client.get("/api/v1/masterplan/dimensions").json()
    assert [d["code"] for d in body] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
    assert all(len(d["elements"]) == 3 for d in body)


def test_programmes_filter_quick_wins(demo, client):
    body = client.get("/api/v1/masterplan/programmes?quick_win=true").json()
    assert {p["module_url"] for p in body} == {"/tte/", "/batik/", "/banjir/"}


def test_indicators_have_yearly_targets(demo, client):
    body = client.get("/api/v1/masterplan/indicators?programme=GOV-01").json()
    assert body and [t["year"] for t in body[0]["targets"]] == [2019, 2020]


def test_writes_need_a_token(worksheet, client):
    r = client.post(f"/api/v1/masterplan/worksheets/{worksheet.public_id}/submit")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


def test_other_opd_gets_403_on_submit(worksheet, token_client, other_opd_user):
    r = token_client(other_opd_user).post(f"/api/v1/masterplan/worksheets/{worksheet.public_id}/submit")
    assert r.status_code == 403


def test_endorsing_a_draft_is_409_with_a_message(worksheet, meeting, token_client, dewan_user):
    r = token_client(dewan_user).post(
        f"/api/v1/masterplan/worksheets/{worksheet.public_id}/endorse",
        data=json.dumps({"meeting": str(meeting.public_id)}),
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "transition_not_allowed"
    assert r.json()["message"]


def test_full_flow_through_the_api(
    worksheet, slot, meeting, token_client, opd_user, mentor_user, bappeda_user, dewan_user
):
    base = f"/api/v1/masterplan/worksheets/{worksheet.public_id}"
    opd, mentor, bappeda, dewan = (token_client(u) for u in (opd_user, mentor_user, bappeda_user, dewan_user))
    assert opd.post(f"{base}/submit").json()["status"] == "submitted"
    r = opd.post(
        f"{base}/clinic", data=json.dumps({"slot": str(slot.public_id)}), content_type="application/json"
    )
    assert r.json()["status"] == "clinic"
    r = mentor.post(
        f"{base}/comments",
        data=json.dumps({"item": "P-01", "text": "Bagus"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    with after(slot.starts_at):
        r = mentor.post(
            f"{base}/verdict", data=json.dumps({"verdict": "accepted"}), content_type="application/json"
        )
        assert r.json()["status"] == "reviewed"
        assert (
            bappeda.post(f"{base}/accept", data="{}", content_type="application/json").json()["status"]
            == "accepted"
        )
    with after(meeting.held_at):
        r = dewan.post(
            f"{base}/endorse",
            data=json.dumps({"meeting": str(meeting.public_id)}),
            content_type="application/json",
        )
        assert r.json()["status"] == "endorsed"
    detail = opd.get(base).json()
    assert [e["to_status"] for e in detail["events"]] == [
        "submitted",
        "clinic",
        "reviewed",
        "accepted",
        "endorsed",
    ]


def test_programme_put_rejects_negative_budget(worksheet, token_client, opd_user):
    from tests.masterplan.factories import programme_payload

    data = programme_payload()
    data["budget"][0]["amount_idr"] = -1
    r = token_client(opd_user).put(
        f"/api/v1/masterplan/worksheets/{worksheet.public_id}/programmes",
        data=json.dumps(data),
        content_type="application/json",
    )
    assert r.status_code == 422


def test_programme_put_reports_unknown_opd(worksheet, token_client, opd_user):
    from tests.masterplan.factories import programme_payload

    r = token_client(opd_user).put(
        f"/api/v1/masterplan/worksheets/{worksheet.public_id}/programmes",
        data=json.dumps(programme_payload("P-09", lead="tidak-ada")),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "lead_opd"
    assert Worksheet.objects.get(pk=worksheet.pk).programmes.count() == 1


def test_nul_characters_are_refused_not_500(worksheet, token_client, opd_user):
    r = token_client(opd_user).patch(
        f"/api/v1/masterplan/worksheets/{worksheet.public_id}",
        data=json.dumps({"problem": "a\u0000b"}),
        content_type="application/json",
    )
    assert r.status_code == 422


def test_bappeda_creates_a_plan_from_the_templates(reference, city, token_client, bappeda_user, opd_user):
    body = {
        "title": "Masterplan 2029–2038",
        "start_year": 2029,
        "end_year": 2038,
        "horizon_years": {"medium": 6},
    }
    r = token_client(opd_user).post(
        "/api/v1/masterplan/plans", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 403
    r = token_client(bappeda_user).post(
        "/api/v1/masterplan/plans", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201
    assert r.json()["horizon_years"]["medium"] == 6
    detail = token_client(bappeda_user).get(f"/api/v1/masterplan/plans/{r.json()['id']}").json()
    assert [s["code"] for s in detail["stages"]] == ["T1", "T2", "T3", "T4"]
    assert len(detail["chapters"]) == 7
