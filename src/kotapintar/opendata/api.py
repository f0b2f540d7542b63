"""/api/v1/opendata/: the walidata's view of the catalogue and the decision which dataset is public.
Harvesters use the CKAN Action API (/api/3/action/) and the DCAT catalogue (/catalog.ttl) instead."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.params.functions import Path

from kotapintar.core import siteurl
from kotapintar.core.auth import AUTH
from kotapintar.core.models import Role
from kotapintar.core.permissions import require_role
from kotapintar.core.schemas import ERRORS
from kotapintar.opendata import selectors, services
from kotapintar.opendata.schemas import DatasetStateOut, PublicationIn
from kotapintar.opendata.selectors import Entry

router = Router(tags=["opendata"])
E4 = ERRORS


def _out(e: Entry) -> DatasetStateOut:
    return DatasetStateOut(
        name=e.dataset.name,
        title=e.dataset.title_id,
        public=e.state.public,
        personal=e.dataset.personal,
        opd_code=e.state.opd.code if e.state.opd else None,
        metadata_modified=e.modified,
        url=siteurl.absolute_url(f"/data/{e.dataset.name}/"),
    )


@router.get(
    "/datasets", response={200: list[DatasetStateOut], **E4}, auth=AUTH, summary="Every declared dataset"
)
def dataset_states(request: HttpRequest) -> list[DatasetStateOut]:
    require_role(request.user, Role.WALIDATA)
    services.states_refresh_stale()
    return [_out(e) for e in selectors.catalogue(public_only=False)]


@router.put(
    "/datasets/{name}",
    response={200: DatasetStateOut, **E4},
    auth=AUTH,
    summary="Make a dataset public or private (walidata)",
)
def publication_set(
    request: HttpRequest,
    body: PublicationIn,
    name: str = Path(..., max_length=100, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
) -> DatasetStateOut:
    services.publication_set(actor=request.user, name=name, public=body.public, opd_code=body.opd_code)
    found = selectors.entry(name, public_only=False)
    assert found is not None
    return _out(found)
