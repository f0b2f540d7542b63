"""The DCAT-AP 3.0 catalogue: valid against SEMIC's SHACL shapes (tests/opendata/shacl, CC BY 4.0,
from SEMICeu/DCAT-AP releases/3.0.1 at commit 7c531da), paged with Hydra, readable as JSON-LD, Turtle
and RDF/XML."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, SH

from kotapintar.opendata import dcat, registry

pytestmark = pytest.mark.django_db

SHAPES = Path(__file__).parent / "shacl"
HYDRA = "http://www.w3.org/ns/hydra/core#"


def _graph(client, url: str, fmt: str = "turtle") -> Graph:
    r = client.get(url)
    assert r.status_code == 200, r.content[:500]
    return Graph().parse(data=r.content, format=fmt)


def test_the_catalogue_conforms_to_the_dcat_ap_3_shapes(client, producers, synthetic, publish):
    synthetic(2)
    publish()
    data = _graph(client, "/catalog.ttl")
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl"):
        conforms, _report, text = validate(
            data, shacl_graph=_shapes(name), inference="none", allow_warnings=True
        )
        assert conforms, f"{name}:\n{text}"


def _shapes(name: str) -> Graph:
    """One file of the shapes. SEMIC's 3.0.1 ranges.ttl lists, under its node shapes, property shapes
    it does not define (pySHACL refuses to run on a dangling `sh:property`): those references go, every
    constraint the file does define stays."""
    g = Graph().parse(SHAPES / name)
    for node, prop in list(g.subject_objects(SH.property)):
        if g.value(prop, SH.path) is None:
            g.remove((node, SH.property, prop))
    return g


def test_every_public_dataset_is_in_the_catalogue(client, producers, synthetic, publish):
    synthetic(3)
    publish()
    g = _graph(client, "/catalog.ttl")
    assert len(set(g.subjects(RDF.type, DCAT.Dataset))) == len(registry.datasets())
    assert len(set(g.subjects(RDF.type, DCAT.Distribution))) == sum(
        len(r.formats) for d in registry.datasets() for r in d.resources
    )


@pytest.mark.parametrize(("ext", "fmt"), [("jsonld", "json-ld"), ("xml", "xml"), ("ttl", "turtle")])
def test_each_serialisation_carries_the_same_graph(client, producers, synthetic, publish, ext, fmt):
    synthetic(1)
    publish()
    g = _graph(client, f"/catalog.{ext}", fmt)
    assert len(set(g.subjects(RDF.type, DCAT.Dataset))) == len(registry.datasets())


def test_one_dataset_alone(client, producers, synthetic, publish):
    synthetic(1)
    publish()
    g = _graph(client, "/dataset/uji-000.ttl")
    [node] = g.subjects(RDF.type, DCAT.Dataset)
    assert str(node).endswith("/dataset/uji-000")
    assert client.get("/dataset/no-such.ttl").status_code == 404


def test_pages_of_a_hundred_with_hydra(client, producers, synthetic, publish):
    synthetic(150)
    publish()
    first = _graph(client, "/catalog.ttl?page=1")
    second = _graph(client, "/catalog.ttl?page=2")
    total = len(registry.datasets())
    assert len(set(first.subjects(RDF.type, DCAT.Dataset))) == dcat.PAGE_SIZE
    assert len(set(second.subjects(RDF.type, DCAT.Dataset))) == total - dcat.PAGE_SIZE
    [view] = first.subjects(RDF.type, URIRef(HYDRA + "PagedCollection"))
    assert str(first.value(view, URIRef(HYDRA + "totalItems"))) == str(total)
    assert str(first.value(view, URIRef(HYDRA + "nextPage"))).endswith("?page=2")


def test_modified_since_keeps_the_changed_ones(client, producers, synthetic, publish):
    from kotapintar.opendata import services

    data = synthetic(4)
    publish()
    later = timezone.now() + timedelta(minutes=5)
    data.rows["uji-002"].append({"nomor": 7, "nilai": 7})
    services.states_refresh(now=later)
    g = _graph(
        client,
        f"/catalog.ttl?modified_since={(later - timedelta(seconds=1)).isoformat()}".replace("+", "%2B"),
    )
    assert [str(s).rsplit("/", 1)[1] for s in g.subjects(RDF.type, DCAT.Dataset)] == ["uji-002"]


@pytest.mark.parametrize("query", ["page=0", "page=x", "modified_since=kemarin"])
def test_bad_paging_is_a_4xx(client, producers, synthetic, publish, query):
    synthetic(1)
    publish()
    r = client.get(f"/catalog.ttl?{query}")
    assert r.status_code == 422
