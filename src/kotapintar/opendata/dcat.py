"""The catalogue as DCAT-AP 3.0 RDF (JSON-LD, Turtle, RDF/XML), paged with Hydra as ckanext-dcat
pages it: 100 datasets a page, `?page=N`, `?modified_since=<ISO date-time>`.

Controlled vocabularies are the EU Publications Office's, as DCAT-AP asks: data themes (the
smart-city dimensions mapped onto them), frequencies, file types and the Indonesian language; media
types are IANA's.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from kotapintar.core import siteurl
from kotapintar.opendata import ckan, registry, selectors
from kotapintar.opendata.selectors import Entry

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
PAGE_SIZE = 100
RDF_FORMATS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "xml": ("xml", "application/rdf+xml"),
}
#: smart-city dimension -> EU data theme
THEMES = {"GOV": "GOVE", "BRA": "EDUC", "ECO": "ECON", "SOC": "SOCI", "LIV": "HEAL", "ENV": "ENVI"}
FILE_TYPES = {"csv": "CSV", "json": "JSON", "geojson": "GEOJSON"}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
LICENSE_IRIS = {
    "cc-by": "http://creativecommons.org/licenses/by/4.0/",
    "cc-zero": "http://creativecommons.org/publicdomain/zero/1.0/",
    "odc-odbl": "http://opendatacommons.org/licenses/odbl/1-0/",
    "odc-by": "http://opendatacommons.org/licenses/by/1-0/",
}


def _url(path: str) -> URIRef:
    return URIRef(siteurl.absolute_url(path))


#: the English labels of the EU authority concepts used (DCAT-AP asks every skos:Concept for one)
LABELS = {
    "data-theme/GOVE": "Government and public sector",
    "data-theme/ECON": "Economy and finance",
    "data-theme/EDUC": "Education, culture and sport",
    "data-theme/ENVI": "Environment",
    "data-theme/HEAL": "Health",
    "data-theme/SOCI": "Population and society",
    "file-type/CSV": "CSV",
    "file-type/JSON": "JSON",
    "file-type/GEOJSON": "GeoJSON",
    "frequency/CONT": "continuous",
    "frequency/HOURLY": "hourly",
    "frequency/DAILY": "daily",
    "frequency/MONTHLY": "monthly",
    "frequency/ANNUAL": "annual",
    "frequency/IRREG": "irregular",
    "language/IND": "Indonesian",
    "corporate-body-classification/LOCAL_AUTHORITY": "Local authority",
}


def _concept(
    g: Graph, iri: URIRef, scheme: str, label: str | None = None, kind: URIRef | None = None
) -> URIRef:
    g.add((iri, RDF.type, SKOS.Concept))
    if kind is not None:
        g.add((iri, RDF.type, kind))
    g.add((iri, SKOS.inScheme, URIRef(scheme)))
    label = label or LABELS.get(str(iri).removeprefix(EU))
    if label:
        g.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
    return iri


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("locn", LOCN),
        ("skos", SKOS),
        ("adms", ADMS),
    ):
        g.bind(prefix, ns)
    return g


def _agent(g: Graph, iri: URIRef, name: str) -> URIRef:
    g.add((iri, RDF.type, FOAF.Agent))
    g.add((iri, FOAF.name, Literal(name)))
    g.add(
        (
            iri,
            DCTERMS.type,
            _concept(
                g,
                URIRef(EU + "corporate-body-classification/LOCAL_AUTHORITY"),
                EU + "corporate-body-classification",
            ),
        )
    )
    return iri


def _city_agent(g: Graph) -> URIRef:
    city = selectors.city()
    return _agent(g, _url("/data/#pemerintah-kota"), f"Pemerintah {city.name}" if city else "Pemerintah Kota")


def add_dataset(g: Graph, e: Entry) -> URIRef:
    d = e.dataset
    node = _url(reverse("opendata:dataset_rdf", kwargs={"name": d.name, "fmt": "ttl"}).rsplit(".", 1)[0])
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(d.id)))
    g.add((node, DCTERMS.title, Literal(d.title_id, lang="id")))
    g.add((node, DCTERMS.title, Literal(d.title_en, lang="en")))
    g.add((node, DCTERMS.description, Literal(d.notes_id, lang="id")))
    g.add((node, DCTERMS.description, Literal(d.notes_en, lang="en")))
    g.add((node, DCTERMS.issued, Literal(e.state.created_at, datatype=XSD.dateTime)))
    g.add((node, DCTERMS.modified, Literal(e.modified, datatype=XSD.dateTime)))
    g.add(
        (
            node,
            DCTERMS.language,
            _concept(g, URIRef(EU + "language/IND"), EU + "language", kind=DCTERMS.LinguisticSystem),
        )
    )
    page = _url(reverse("opendata:dataset", kwargs={"name": d.name}))
    g.add((node, DCAT.landingPage, page))
    g.add((page, RDF.type, FOAF.Document))
    for tag in d.tags:
        g.add((node, DCAT.keyword, Literal(tag, lang="id")))
    for dim in d.dimensions:
        if dim in THEMES:
            g.add(
                (node, DCAT.theme, _concept(g, URIRef(EU + "data-theme/" + THEMES[dim]), EU + "data-theme"))
            )
    g.add(
        (
            node,
            DCTERMS.accrualPeriodicity,
            _concept(
                g,
                URIRef(EU + "frequency/" + registry.FREQUENCIES[d.frequency]),
                EU + "frequency",
                kind=DCTERMS.Frequency,
            ),
        )
    )
    publisher = (
        _agent(g, _url(f"/data/?organisasi={e.state.opd.code}"), e.state.opd.name)
        if e.state.opd
        else _city_agent(g)
    )
    g.add((node, DCTERMS.publisher, publisher))
    contact = BNode()
    g.add((node, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(f"Walidata {e.state.opd.name}" if e.state.opd else "Walidata")))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.OPENDATA_CONTACT_EMAIL}")))
    start, end = d.temporal()
    if start is not None or end is not None:
        period = BNode()
        g.add((node, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        if end is not None:
            g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
    city = selectors.city()
    if city is not None:
        place = _url(f"/data/#wilayah-{city.code}")
        g.add((node, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, SKOS.prefLabel, Literal(city.name, lang="id")))
        g.add((place, DCTERMS.identifier, Literal(city.code)))  # the Kemendagri code
        x0, y0, x1, y1 = city.min_lon, city.min_lat, city.max_lon, city.max_lat
        wkt = f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"
        g.add(
            (
                place,
                DCAT.bbox,
                Literal(wkt, datatype=URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")),
            )
        )
    licence = URIRef(LICENSE_IRIS[ckan.license_id()])
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    for resource in d.resources:
        for fmt in resource.formats:
            dist = URIRef(ckan.resource_url(d, resource, fmt))
            g.add((node, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.identifier, Literal(d.resource_id(resource, fmt))))
            g.add((dist, DCTERMS.title, Literal(f"{resource.title_id} ({ckan.FORMATS[fmt][0]})", lang="id")))
            g.add((dist, DCTERMS.description, Literal(resource.title_en, lang="en")))
            g.add((dist, DCAT.accessURL, dist))
            g.add((dist, DCAT.downloadURL, dist))
            g.add(
                (
                    dist,
                    DCTERMS.format,
                    _concept(
                        g,
                        URIRef(EU + "file-type/" + FILE_TYPES[fmt]),
                        EU + "file-type",
                        kind=DCTERMS.MediaTypeOrExtent,
                    ),
                )
            )
            media = URIRef("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[fmt])
            g.add((media, RDF.type, DCTERMS.MediaType))
            g.add((dist, DCAT.mediaType, media))
            g.add((dist, DCTERMS.license, licence))
            if e.state.data_changed_at is not None:
                g.add((dist, DCTERMS.modified, Literal(e.state.data_changed_at, datatype=XSD.dateTime)))
    return node


def catalog_graph(*, page: int = 1, modified_since: datetime | None = None) -> tuple[Graph, int]:
    """One page of the catalogue; the number of pages."""
    entries = sorted(selectors.catalogue(), key=lambda e: e.modified, reverse=True)
    if modified_since is not None:
        entries = [e for e in entries if e.modified >= modified_since]
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    g = _graph()
    catalog = _url(reverse("opendata:catalog", kwargs={"fmt": "ttl"}).rsplit(".", 1)[0])
    city = selectors.city()
    g.add((catalog, RDF.type, DCAT.Catalog))
    title = f"Satu Data {city.name}" if city else "Satu Data"
    g.add((catalog, DCTERMS.title, Literal(title, lang="id")))
    g.add((catalog, DCTERMS.title, Literal(f"{title} open data", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Data terbuka yang diterbitkan langsung oleh platform Kota Pintar.", lang="id"),
        )
    )
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Open data published live by the Kota Pintar platform.", lang="en"),
        )
    )
    g.add((catalog, DCTERMS.publisher, _city_agent(g)))
    home = _url(reverse("opendata:list"))
    g.add((catalog, FOAF.homepage, home))
    g.add((home, RDF.type, FOAF.Document))
    g.add(
        (
            catalog,
            DCTERMS.language,
            _concept(g, URIRef(EU + "language/IND"), EU + "language", kind=DCTERMS.LinguisticSystem),
        )
    )
    if entries:
        g.add((catalog, DCTERMS.modified, Literal(entries[0].modified, datatype=XSD.dateTime)))
    for e in entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        g.add((catalog, DCAT.dataset, add_dataset(g, e)))
    return g, pages


def paging(g: Graph, *, base: str, page: int, pages: int, total: int) -> None:
    """Hydra's PartialCollectionView, as ckanext-dcat writes it."""
    node = URIRef(f"{base}?page={page}")
    g.add((node, RDF.type, HYDRA.PagedCollection))
    g.add((node, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    g.add((node, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    g.add((node, HYDRA.firstPage, Literal(f"{base}?page=1")))
    g.add((node, HYDRA.lastPage, Literal(f"{base}?page={pages}")))
    if page < pages:
        g.add((node, HYDRA.nextPage, Literal(f"{base}?page={page + 1}")))
    if page > 1:
        g.add((node, HYDRA.previousPage, Literal(f"{base}?page={page - 1}")))


def dataset_graph(e: Entry) -> Graph:
    g = _graph()
    add_dataset(g, e)
    return g


def serialize(g: Graph, fmt: str) -> bytes:
    rdf_format, _mime = RDF_FORMATS[fmt]
    return g.serialize(format=rdf_format, encoding="utf-8")
