"""The CKAN client portals and data people use, `ckanapi`, against a running server: it lists and shows
every dataset and downloads every resource."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN

pytestmark = pytest.mark.django_db(transaction=True)


def test_ckanapi_lists_shows_and_downloads_everything(live_server, settings, producers, synthetic, publish):
    settings.SITE_URL = live_server.url
    synthetic(3)
    publish()
    with RemoteCKAN(live_server.url, user_agent="kotapintar-test/1") as portal:
        names = portal.action.package_list()
        assert "uji-001" in names and "banjir-rob" in names
        downloaded = 0
        for name in names:
            package = portal.action.package_show(id=name)
            assert package["name"] == name
            for resource in package["resources"]:
                r = requests.get(resource["url"], timeout=30)
                assert r.status_code == 200, resource["url"]
                if resource["format"] == "CSV":
                    header = next(csv.reader(io.StringIO(r.text)))
                    assert header, resource["url"]
                else:
                    json.loads(r.content)
                downloaded += 1
        assert downloaded == sum(len(portal.action.package_show(id=n)["resources"]) for n in names)
        with pytest.raises(NotFound):
            portal.action.package_show(id="tidak-ada")
