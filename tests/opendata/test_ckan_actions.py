"""The CKAN Action API's other actions and its errors: CKAN's shapes, 4xx never 5xx."""

from __future__ import annotations

import json

import pytest

from kotapintar.core.errors import PermissionDenied
from kotapintar.opendata import errors, registry, services

pytestmark = pytest.mark.django_db

API = "/api/3/action"


@pytest.fixture
def published(producers, synthetic, publish):
    synthetic(5)
    publish()


def _ok(r):
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["success"] is True and body["help"].endswith(r.request["PATH_INFO"].rsplit("/", 1)[1])
    return body["result"]


def test_both_api_paths_answer(client, published):
    assert _ok(client.get(f"{API}/site_read")) is True
    assert _ok(client.get("/api/action/site_read")) is True


def test_status_show_names_the_ckan_version(client, published):
    status = _ok(client.get(f"{API}/status_show"))
    assert status["ckan_version"].startswith("2.") and status["locale_default"] == "id"


def test_package_list_lists_the_public_names(client, published):
    names = _ok(client.get(f"{API}/package_list"))
    assert names == sorted(d.name for d in registry.datasets())


def test_package_show_by_name_and_by_id_is_the_same(client, published):
    by_name = _ok(client.get(f"{API}/package_show", {"id": "uji-002"}))
    by_id = _ok(client.get(f"{API}/package_show", {"id": by_name["id"]}))
    assert by_name == by_id
    assert (
        by_name["organization"]["name"] == "bappeda" and by_name["owner_org"] == by_name["organization"]["id"]
    )
    assert by_name["license_id"] == "cc-by" and by_name["num_resources"] == 2
    extras = {e["key"]: e["value"] for e in by_name["extras"]}
    assert extras["kode_wilayah"] == "33.75" and extras["frequency"] == "daily"
    assert json.loads(extras["satu_data_variabel"]) == ["nomor", "nilai"]
    assert json.loads(extras["spatial"])["type"] == "Polygon"


def test_a_post_with_a_json_body_works_as_ckanapi_sends_it(client, published):
    r = client.post(f"{API}/package_show", json.dumps({"id": "uji-001"}), content_type="application/json")
    assert _ok(r)["name"] == "uji-001"


def test_package_search_finds_words_and_facets(client, published):
    result = _ok(
        client.get(f"{API}/package_search", {"q": "uji 3", "facet.field": '["organization","tags"]'})
    )
    assert [p["name"] for p in result["results"]] == ["uji-003"]
    assert result["facets"]["organization"] == {"bpbd": 1}
    assert result["search_facets"]["tags"]["items"]


def test_package_search_sorts_by_modification(client, published):
    result = _ok(client.get(f"{API}/package_search", {"sort": "metadata_modified desc", "rows": 1000}))
    modified = [p["metadata_modified"] for p in result["results"]]
    assert modified == sorted(modified, reverse=True) and result["count"] == len(registry.datasets())


def test_current_package_list_with_resources(client, published):
    result = _ok(client.get(f"{API}/current_package_list_with_resources", {"limit": 2}))
    assert len(result) == 2 and all(p["resources"] for p in result)


def test_organizations_groups_and_tags(client, published):
    assert "bpbd" in _ok(client.get(f"{API}/organization_list"))
    org = _ok(client.get(f"{API}/organization_show", {"id": "bpbd", "include_datasets": "true"}))
    assert org["is_organization"] and {p["name"] for p in org["packages"]} >= {"uji-001", "uji-003"}
    groups = _ok(client.get(f"{API}/group_list", {"all_fields": "true"}))
    assert {g["name"] for g in groups} == {"gov", "bra", "eco", "liv", "soc", "env"}
    assert _ok(client.get(f"{API}/group_show", {"id": "env"}))["package_count"] >= 3
    assert "uji" in _ok(client.get(f"{API}/tag_list"))


def test_resource_show_gives_the_download_url(client, published):
    package = _ok(client.get(f"{API}/package_show", {"id": "uji-000"}))
    first = package["resources"][0]
    resource = _ok(client.get(f"{API}/resource_show", {"id": first["id"]}))
    assert resource == first and resource["url"].endswith("/data/uji-000/tabel.csv")
    assert client.get(resource["url"].split("://", 1)[1].split("/", 1)[1].join(["/", ""])).status_code == 200


@pytest.mark.parametrize(
    ("action", "params", "status", "error_type"),
    [
        ("package_show", {"id": "no-such-dataset"}, 404, "Not Found Error"),
        ("package_show", {}, 409, "Validation Error"),
        ("resource_show", {"id": "00000000-0000-0000-0000-000000000000"}, 404, "Not Found Error"),
        ("organization_show", {"id": "nobody"}, 404, "Not Found Error"),
        ("group_show", {"id": "nothing"}, 404, "Not Found Error"),
        ("package_search", {"fq": "organization:(bpbd"}, 409, "Search Query Error"),
        ("package_search", {"fq": "colour:blue"}, 409, "Search Query Error"),
        ("package_search", {"fq": "metadata_modified:[yesterday TO *]"}, 409, "Search Query Error"),
        ("package_search", {"rows": "1001"}, 409, "Validation Error"),
        ("package_search", {"rows": "ten"}, 409, "Validation Error"),
        ("package_search", {"start": "-1"}, 409, "Validation Error"),
        ("package_search", {"sort": "popularity desc"}, 409, "Search Query Error"),
        ("package_search", {"sort": "id sideways"}, 409, "Search Query Error"),
        ("package_search", {"facet.field": "organization"}, 409, "Validation Error"),
        ("package_search", {"facet.field": '["secret"]'}, 409, "Search Query Error"),
        ("package_list", {"limit": "x"}, 409, "Validation Error"),
        ("no_such_action", {}, 400, "Bad request"),
    ],
)
def test_bad_requests_get_ckan_shaped_errors(client, published, action, params, status, error_type):
    r = client.get(f"{API}/{action}", params)
    assert r.status_code == status, r.content
    body = r.json()
    assert body["success"] is False and body["error"]["__type"] == error_type and body["error"]["message"]


def test_a_body_that_is_not_json_is_a_bad_request(client, published):
    r = client.post(f"{API}/package_show", "{nope", content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["__type"] == "Bad request"
    r = client.post(f"{API}/package_show", "[1]", content_type="application/json")
    assert r.status_code == 400


def test_a_personal_dataset_can_never_be_public(producers, synthetic, walidata):
    synthetic(1, personal=True, prefix="pribadi")
    with pytest.raises(errors.DatasetPersonal):
        services.publication_set(actor=walidata, name="pribadi-000", public=True)


def test_only_the_walidata_publishes(producers, synthetic, make_user):
    synthetic(1)
    with pytest.raises(PermissionDenied):
        services.publication_set(actor=make_user("opd"), name="uji-000", public=True)
