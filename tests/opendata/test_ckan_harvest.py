"""The CKAN Action API as ckanext-harvest's CKAN harvester uses it: `package_search` paged with
`sort=id asc`, `rows=100` and `start` increasing until an empty page, then an incremental run with
`fq=metadata_modified:[<last run> TO *]` that returns only the dataset whose data changed."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kotapintar.opendata import registry, services

pytestmark = pytest.mark.django_db

API = "/api/3/action"


def _harvest(client: Client, fq: str = "") -> list[dict[str, Any]]:
    """What the harvester does: page until an empty page; two identical pages in a row are an error."""
    got: list[dict[str, Any]] = []
    start, previous = 0, None
    while True:
        params: dict[str, str | int] = {"sort": "id asc", "rows": 100, "start": start}
        if fq:
            params["fq"] = fq
        r = client.get(f"{API}/package_search", params)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["success"] is True
        page = body["result"]["results"]
        if not page:
            return got
        ids = [p["id"] for p in page]
        assert ids != previous, "two identical pages in a row"
        previous = ids
        got.extend(page)
        start += 100


def test_a_full_harvest_gets_every_public_dataset_once(client, producers, synthetic, publish):
    synthetic(250)
    publish()
    got = _harvest(client)
    public = {d.name for d in registry.datasets() if not d.personal}
    assert len(got) == len(public) >= 254
    assert {p["name"] for p in got} == public
    assert [p["id"] for p in got] == sorted(p["id"] for p in got)


def test_an_incremental_harvest_gets_only_the_changed_dataset(client, producers, synthetic, publish):
    data = synthetic(250)
    publish()
    last_run = timezone.now()
    services.states_refresh(now=last_run + timedelta(minutes=1))  # nothing changed: nothing moves
    data.rows["uji-123"].append({"nomor": 999, "nilai": 1})
    services.states_refresh(now=last_run + timedelta(minutes=2))
    # The harvester asks from its last run (minus a safety hour, which here would cover the publishing).
    since = last_run.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    got = _harvest(client, fq=f"metadata_modified:[{since} TO *]")
    assert [p["name"] for p in got] == ["uji-123"]


def test_private_datasets_are_not_harvested(client, producers, synthetic, walidata, publish):
    synthetic(3)
    publish()
    services.publication_set(actor=walidata, name="uji-001", public=False)
    names = {p["name"] for p in _harvest(client)}
    assert "uji-001" not in names and "uji-000" in names
    r = client.get(f"{API}/package_show", {"id": "uji-001"})
    assert r.status_code == 404 and r.json()["error"]["__type"] == "Not Found Error"


def test_the_harvester_filters_by_organization_and_group(client, producers, synthetic, publish):
    synthetic(12)
    publish()
    by_org = _harvest(client, fq="organization:bpbd")
    assert by_org and all(p["organization"]["name"] == "bpbd" for p in by_org)
    by_group = _harvest(client, fq='+groups:"gov"')
    assert by_group and all("gov" in [g["name"] for g in p["groups"]] for p in by_group)
