"""Open data pages and endpoints: the public dataset pages, the live resource files, the CKAN Action
API and the DCAT catalogue. Thin: the work is in ckan.py, dcat.py, resources.py and the selectors."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kotapintar.core import siteurl
from kotapintar.core.errors import DomainError
from kotapintar.core.models import OPD, Role
from kotapintar.core.permissions import require_role
from kotapintar.opendata import ckan, dcat, errors, registry, resources, selectors, services


@csrf_exempt  # read-only; `ckanapi` POSTs its parameters as JSON
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> JsonResponse:
    help_url = siteurl.absolute_url(f"/api/3/action/help_show?name={name}")
    try:
        handler = ckan.ACTIONS.get(name)
        if handler is None:
            raise errors.CkanBadRequest(f"Bad request - Action name not known: {name}")
        params: dict[str, Any] = dict(request.GET.items())
        if request.method == "POST" and request.body:
            if request.content_type == "application/json":
                try:
                    body = json.loads(request.body)
                except ValueError:
                    raise errors.CkanBadRequest(
                        "Bad request - JSON Error: could not decode the request body"
                    ) from None
                if not isinstance(body, dict):
                    raise errors.CkanBadRequest(
                        "Bad request - JSON Error: request data must be a JSON object"
                    )
                params.update(body)
            else:
                params.update(request.POST.items())
        services.states_refresh_stale()
        result = handler(params)
    except errors.CkanError as exc:
        return JsonResponse({"help": help_url, "success": False, "error": exc.body()}, status=exc.status)
    return JsonResponse({"help": help_url, "success": True, "result": result})


@require_GET
def resource(
    request: HttpRequest, name: str, resource: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    found = selectors.entry(name)
    spec = next((r for r in found.dataset.resources if r.name == resource), None) if found else None
    if found is None or spec is None or fmt not in spec.formats:
        raise Http404
    filename = f"{name}-{resource}.{fmt}"
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            resources.csv_lines(spec), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = HttpResponse(resources.json_bytes(found.dataset, spec), content_type="application/json")
    else:
        response = HttpResponse(resources.geojson_bytes(spec), content_type="application/geo+json")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _rdf(g: Any, fmt: str) -> HttpResponse:
    response = HttpResponse(dcat.serialize(g, fmt), content_type=dcat.RDF_FORMATS[fmt][1] + "; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def catalog(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise errors.CatalogBadPage() from None
    if page < 1:
        raise errors.CatalogBadPage()
    since = None
    if request.GET.get("modified_since"):
        try:
            since = ckan.parse_time(request.GET["modified_since"])
        except errors.CkanError:
            raise errors.BadModifiedSince() from None
    services.states_refresh_stale()
    g, pages = dcat.catalog_graph(page=page, modified_since=since)
    total = len([e for e in selectors.catalogue() if since is None or e.modified >= since])
    dcat.paging(g, base=siteurl.absolute_url(request.path), page=page, pages=pages, total=total)
    return _rdf(g, fmt)


@require_GET
def dataset_rdf(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    services.states_refresh_stale()
    found = selectors.entry(name)
    if found is None:
        raise Http404
    return _rdf(dcat.dataset_graph(found), fmt)


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    services.states_refresh_stale()
    entries = selectors.catalogue()
    q = request.GET.get("q", "").strip().lower()
    opd = request.GET.get("organisasi", "")
    dim = request.GET.get("dimensi", "")

    def text(e: selectors.Entry) -> str:
        d = e.dataset
        return f"{d.title_id} {d.title_en} {d.notes_id} {' '.join(d.tags)}".lower()

    shown = [
        e
        for e in entries
        if (not q or q in text(e))
        and (not opd or (e.state.opd is not None and e.state.opd.code == opd))
        and (not dim or dim in e.dataset.dimensions)
    ]
    context = {
        "entries": shown,
        "total": len(entries),
        "organisations": selectors.organisations(entries),
        "dimensions": ckan.groups(),
        "q": request.GET.get("q", ""),
        "opd": opd,
        "dim": dim,
        "english": (get_language() or "id").startswith("en"),
    }
    return render(request, "opendata/list.html", context)


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    services.states_refresh_stale()
    found = selectors.entry(name)
    if found is None:
        raise Http404
    package = ckan.package_dict(found)
    english = (get_language() or "id").startswith("en")
    previews = [resources.preview(found.dataset, r, english=english) for r in found.dataset.resources]
    frequency = registry.FREQUENCY_LABELS[found.dataset.frequency][1 if english else 0]
    context = {
        "entry": found,
        "package": package,
        "previews": previews,
        "api_show": siteurl.absolute_url(f"/api/3/action/package_show?id={found.dataset.name}"),
        "dcat_ttl": siteurl.absolute_url(f"/dataset/{found.dataset.name}.ttl"),
        "english": english,
        "frequency": frequency,
        "cli_example": f"ckanapi action package_show id={found.dataset.name} -r {siteurl.site_url()}",
    }
    return render(request, "opendata/dataset.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The walidata's page: which declared dataset is public, and which OPD produces it."""
    require_role(request.user, Role.WALIDATA)
    if request.method == "POST":
        try:
            services.publication_set(
                actor=request.user,
                name=request.POST.get("name", ""),
                public=request.POST.get("public") == "1",
                opd_code=request.POST.get("opd") or None,
            )
            messages.success(request, _("Saved."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("opendata:manage")
    services.states_refresh_stale()
    context = {"entries": selectors.catalogue(public_only=False), "opds": OPD.objects.order_by("short_name")}
    return render(request, "opendata/manage.html", context)
