"""The public pages (/data/), the walidata's page and API, and the resource files."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(producers, synthetic, publish):
    synthetic(3)
    publish()


def test_the_list_page_shows_public_datasets_and_filters(client, published):
    r = client.get("/data/")
    assert r.status_code == 200 and "Data uji 1" in r.content.decode()
    r = client.get("/data/", {"organisasi": "bappeda"})
    page = r.content.decode()
    assert "Data uji 0" in page and "Data uji 1" not in page
    assert "Data uji 2" not in client.get("/data/", {"q": "uji 1"}).content.decode()


def test_the_dataset_page_previews_each_resource(client, published):
    page = client.get("/data/uji-002/").content.decode()
    assert "/data/uji-002/tabel.csv" in page and "/api/3/action/package_show?id=uji-002" in page
    assert client.get("/data/uji-999/").status_code == 404


def test_the_home_page_links_open_data(client, published):
    assert 'href="/data/"' in client.get("/").content.decode()


def test_a_csv_cell_is_never_a_formula(client, producers, synthetic, publish):
    data = synthetic(1)
    data.rows["uji-000"] = [{"nomor": '=HYPERLINK("http://x")', "nilai": 1}]
    publish()
    body = b"".join(client.get("/data/uji-000/tabel.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["nomor", "nilai"] and rows[1][0].startswith("'=")


def test_json_and_geojson_files(client, published):
    body = json.loads(client.get("/data/uji-001/tabel.json").content)
    assert body["columns"][0]["name"] == "nomor" and body["rows"] == [{"nomor": 1, "nilai": 10}]
    assert client.get("/data/uji-001/tabel.geojson").status_code == 404  # not spatial
    stations = json.loads(client.get("/data/banjir-rob/stasiun.geojson").content)
    assert stations["type"] == "FeatureCollection"


def test_a_private_dataset_has_no_files(client, producers, synthetic, walidata, publish):
    from kotapintar.opendata import services

    synthetic(1)
    publish()
    services.publication_set(actor=walidata, name="uji-000", public=False)
    assert client.get("/data/uji-000/tabel.csv").status_code == 404


def test_the_walidata_publishes_through_the_api(token_client, producers, synthetic, walidata):
    synthetic(1)
    c = token_client(walidata)
    assert {d["name"] for d in c.get("/api/v1/opendata/datasets").json()} >= {"uji-000", "banjir-rob"}
    r = c.put(
        "/api/v1/opendata/datasets/uji-000",
        {"public": True, "opd_code": "bpbd"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["public"] is True and r.json()["opd_code"] == "bpbd"


@pytest.mark.parametrize(
    ("name", "body", "status", "code"),
    [
        ("tidak-ada", {"public": True}, 404, "dataset_unknown"),
        ("uji-000", {"public": True, "opd_code": "nobody"}, 404, "opd_unknown"),
        ("pribadi-000", {"public": True}, 409, "dataset_personal"),
    ],
)
def test_walidata_refusals(token_client, producers, synthetic, walidata, name, body, status, code):
    synthetic(1)
    synthetic(1, personal=True, prefix="pribadi")
    r = token_client(walidata).put(f"/api/v1/opendata/datasets/{name}", body, content_type="application/json")
    assert r.status_code == status and r.json()["code"] == code


def test_others_cannot_publish(token_client, producers, synthetic, make_user):
    synthetic(1)
    r = token_client(make_user("opd")).put(
        "/api/v1/opendata/datasets/uji-000", {"public": True}, content_type="application/json"
    )
    assert r.status_code == 403


def test_the_walidata_page_publishes(login_client, producers, synthetic, walidata):
    synthetic(1)
    c = login_client(walidata)
    assert "uji-000" in c.get("/data/kelola/").content.decode()
    c.post("/data/kelola/", {"name": "uji-000", "public": "1", "opd": "bpbd"})
    from kotapintar.opendata.models import DatasetState

    state = DatasetState.objects.get(name="uji-000")
    assert state.public and state.opd is not None and state.opd.code == "bpbd"


def test_the_walidata_page_is_for_the_walidata(login_client, make_user, city):
    assert login_client(make_user("opd")).get("/data/kelola/").status_code == 403


def test_the_walidata_home_lists_what_is_not_public(login_client, producers, synthetic, walidata):
    from kotapintar.opendata import services

    synthetic(1)
    services.states_refresh()
    page = login_client(walidata).get("/").content.decode()
    assert "Data uji 0" in page and "/data/kelola/" in page
