"""Who reads a worksheet before it is accepted (issue 12, item 10).

A worksheet and everything under it (programmes, budget, indicators, review comments, history) is
public once accepted or endorsed; before that only the owner OPD's users, Bappeda, the mentors and
admin_kota read it. Anyone else gets `worksheet_not_found`, as for an id that does not exist."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kotapintar.masterplan import services
from tests.masterplan.factories import programme_payload

pytestmark = pytest.mark.django_db

API = "/api/v1/masterplan"
SECRET_NAME = "Program Rahasia Draf"
SECRET_BUDGET = 777_000_000
NOT_YET_PUBLIC = ["draft", "submitted", "clinic", "reviewed", "revision"]
# The draft's money as the pages write it: its programmes, its 2019 and its total.
DRAFT_FIGURES = ["777.000.000", "350.000.000", "1.127.000.000", "1.227.000.000"]


def _text(content: bytes, fmt: str) -> str:
    """A download as text: CSV as it is, XLSX as every cell value of every sheet."""
    if fmt != "xlsx":
        return content.decode()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for sh in wb.worksheets for row in sh.iter_rows(values_only=True) for v in row)


@pytest.fixture
def draft(worksheet: Any, opd_user: Any) -> Any:
    """The fixture worksheet (Dinkominfo, draft) with a second programme whose name and budget are
    easy to spot in any response."""
    services.programme_save(
        actor=opd_user,
        worksheet=worksheet,
        data=programme_payload(
            "P-77",
            name_id=SECRET_NAME,
            name_en=SECRET_NAME,
            is_quick_win=True,
            budget=[{"year": 2019, "source": "APBD", "amount_idr": SECRET_BUDGET}],
        ),
    )
    return worksheet


def _programme_id(client: Any, code: str) -> str:
    from kotapintar.masterplan.models import Programme

    return str(Programme.objects.get(code=code).public_id)


# --- the API, anonymous -----


@pytest.mark.parametrize("status", NOT_YET_PUBLIC)
def test_anonymous_list_leaves_out_a_worksheet_not_yet_accepted(draft, walk, client, status):
    walk(draft, status)
    body = client.get(f"{API}/worksheets").json()
    assert str(draft.public_id) not in [w["id"] for w in body]


@pytest.mark.parametrize("status", NOT_YET_PUBLIC)
def test_anonymous_get_of_a_worksheet_not_yet_accepted_is_not_found(draft, walk, client, status):
    walk(draft, status)
    r = client.get(f"{API}/worksheets/{draft.public_id}")
    assert r.status_code == 404
    assert r.json()["code"] == "worksheet_not_found"
    assert SECRET_NAME not in r.content.decode()


def test_anonymous_cannot_list_the_programmes_of_a_draft(draft, client):
    assert client.get(f"{API}/programmes").json() == []


def test_anonymous_get_of_a_draft_programme_is_not_found(draft, client):
    r = client.get(f"{API}/programmes/{_programme_id(client, 'P-77')}")
    assert r.status_code == 404
    assert r.json()["code"] == "programme_not_found"


def test_anonymous_cannot_list_the_indicators_of_a_draft(draft, client):
    assert client.get(f"{API}/indicators").json() == []


def test_anonymous_reviews_leave_out_the_comments_on_a_draft(draft, walk, mentor_user, client):
    walk(draft, "clinic")
    services.clinic_comment(actor=mentor_user, worksheet=draft, item="P-77", text="Komentar mentor rahasia")
    body = client.get(f"{API}/reviews").json()
    assert body == []
    assert (
        "Komentar mentor rahasia"
        not in client.get(f"{API}/reviews?worksheet={draft.public_id}").content.decode()
    )


def test_anonymous_budget_counts_no_draft_money(draft, client):
    body = client.get(f"{API}/budget").json()
    assert body["total_idr"] == 0
    assert body["per_dimension"] == {}


def test_anonymous_progress_counts_a_draft_by_opd_element_and_status_only(draft, client):
    r = client.get(f"{API}/progress")
    assert r.status_code == 200
    [item] = [i for i in r.json()["items"] if i["kind"] == "worksheet"]
    assert (item["done"], item["status"]) == (False, "Draf")
    assert item["label"].startswith("Dinkominfo — GOV-1")
    assert SECRET_NAME not in r.content.decode()


# --- the API, signed in -----


@pytest.mark.parametrize("who", ["other_opd", "dewan", "citizen"])
def test_a_user_outside_the_owner_opd_and_the_reviewers_cannot_read_a_draft(
    draft, role_users, token_client, who
):
    c = token_client(role_users[who])
    r = c.get(f"{API}/worksheets/{draft.public_id}")
    assert (r.status_code, r.json()["code"]) == (404, "worksheet_not_found")
    assert str(draft.public_id) not in [w["id"] for w in c.get(f"{API}/worksheets").json()]
    assert c.get(f"{API}/programmes").json() == []
    assert c.get(f"{API}/budget").json()["total_idr"] == 0


@pytest.mark.parametrize("who", ["opd", "bappeda", "mentor", "admin"])
def test_the_owner_opd_and_the_reviewers_read_a_draft(draft, role_users, token_client, who):
    c = token_client(role_users[who])
    r = c.get(f"{API}/worksheets/{draft.public_id}")
    assert r.status_code == 200
    assert SECRET_NAME in [p["name_id"] for p in r.json()["programmes"]]
    assert str(draft.public_id) in [w["id"] for w in c.get(f"{API}/worksheets").json()]
    assert c.get(f"{API}/programmes/{_programme_id(c, 'P-77')}").status_code == 200
    assert c.get(f"{API}/budget").json()["total_idr"] == 450_000_000 + SECRET_BUDGET


@pytest.mark.parametrize("status", ["accepted", "endorsed"])
def test_an_accepted_or_endorsed_worksheet_is_public(draft, walk, client, status):
    walk(draft, status)
    r = client.get(f"{API}/worksheets/{draft.public_id}")
    assert r.status_code == 200
    assert len(r.json()["events"]) >= 4
    assert SECRET_NAME in [p["name_id"] for p in client.get(f"{API}/programmes").json()]
    assert client.get(f"{API}/programmes/{_programme_id(client, 'P-77')}").status_code == 200
    assert client.get(f"{API}/budget").json()["total_idr"] == 450_000_000 + SECRET_BUDGET
    assert [r["worksheet"] for r in client.get(f"{API}/reviews").json()] == [str(draft.public_id)]


# --- pages -----


def test_the_public_page_shows_no_draft_programme(draft, client):
    r = client.get("/masterplan/publik/")
    assert r.status_code == 200
    assert SECRET_NAME not in r.content.decode()


def test_the_public_page_shows_an_accepted_quick_win(draft, walk, client):
    walk(draft, "accepted")
    assert SECRET_NAME in client.get("/masterplan/publik/").content.decode()


@pytest.mark.parametrize("who", ["other_opd", "dewan", "citizen"])
def test_the_worksheet_page_of_a_draft_is_not_found_for_others(draft, role_users, client, who):
    client.force_login(role_users[who])
    r = client.get(f"/masterplan/kertas-kerja/{draft.public_id}/")
    assert r.status_code == 404
    assert SECRET_NAME not in r.content.decode()


@pytest.mark.parametrize("who", ["opd", "bappeda", "mentor", "admin"])
def test_the_worksheet_page_of_a_draft_opens_for_the_owner_and_reviewers(draft, role_users, client, who):
    client.force_login(role_users[who])
    r = client.get(f"/masterplan/kertas-kerja/{draft.public_id}/")
    assert r.status_code == 200
    assert SECRET_NAME in r.content.decode()


@pytest.mark.parametrize(
    "path", ["/masterplan/", "/masterplan/kertas-kerja/", "/masterplan/roadmap/", "/masterplan/anggaran/"]
)
def test_signed_in_pages_of_another_opd_show_no_draft_programme(draft, other_opd_user, client, path):
    client.force_login(other_opd_user)
    r = client.get(path)
    assert r.status_code == 200
    text = r.content.decode()
    assert SECRET_NAME not in text
    assert not [f for f in DRAFT_FIGURES if f in text]


@pytest.mark.parametrize("fmt", ["csv", "indikator.csv", "xlsx"])
def test_exports_for_another_opd_carry_no_draft(draft, other_opd_user, client, fmt):
    client.force_login(other_opd_user)
    r = client.get(f"/masterplan/unduh/{fmt}/")
    assert r.status_code == 200
    assert "P-77" not in _text(r.content, fmt)


def test_exports_for_the_owner_opd_carry_its_draft(draft, opd_user, client):
    client.force_login(opd_user)
    assert "P-77" in _text(client.get("/masterplan/unduh/xlsx/").content, "xlsx")


def test_the_opd_xlsx_for_the_dewan_carries_no_draft(draft, dewan_user, client, opd):
    client.force_login(dewan_user)
    r = client.get(f"/masterplan/opd/{opd.code}/kertas-kerja.xlsx")
    assert r.status_code == 200
    assert "P-77" not in _text(r.content, "xlsx")


def test_the_worksheet_list_page_of_another_opd_leaves_out_a_draft(draft, other_opd_user, client):
    client.force_login(other_opd_user)
    r = client.get("/masterplan/kertas-kerja/")
    assert r.status_code == 200
    assert str(draft.public_id) not in r.content.decode()
