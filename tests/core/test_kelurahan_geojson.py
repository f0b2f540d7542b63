import pytest
from shapely.geometry import box, shape

pytestmark = pytest.mark.django_db


def test_kelurahan_is_a_feature_collection_of_27(client, city):
    body = client.get("/api/v1/core/kelurahan").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 27
    assert len({f["properties"]["code"] for f in body["features"]}) == 27


def test_every_kelurahan_is_valid_and_inside_the_city_bbox(client, city):
    bbox = box(*city.bbox)
    for feature in client.get("/api/v1/core/kelurahan").json()["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid, feature["properties"]["name"]
        assert bbox.covers(geom), feature["properties"]["name"]
        assert feature["properties"]["population"] > 0


def test_pekalongan_bbox_matches_the_source_extent(city):
    min_lon, min_lat, max_lon, max_lat = city.bbox
    assert 109.63 < min_lon < max_lon < 109.72
    assert -6.94 < min_lat < max_lat < -6.84


def test_kelurahan_population_sums_to_rtrw_2017(client, city):
    features = client.get("/api/v1/core/kelurahan").json()["features"]
    assert sum(f["properties"]["population"] for f in features) == 296_533


def test_filter_by_kecamatan(client, city):
    body = client.get("/api/v1/core/kelurahan", {"kecamatan": "33.75.03"}).json()
    assert {f["properties"]["kecamatan"] for f in body["features"]} == {"Pekalongan Utara"}
    assert len(body["features"]) == 7


def test_unknown_kelurahan_is_a_404_error_body(client, city):
    response = client.get("/api/v1/core/kelurahan/99.99")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "detail"}
