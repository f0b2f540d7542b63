"""Writes of the administration console on the city's OPD (perangkat daerah): add one, edit one.

An OPD is not deleted here: worksheets, documents and users refer to it. Its code is its stable key
(URLs, imports), so a change of code is audited with the old and the new value.
"""

from __future__ import annotations

import re

from django.db import transaction

from kotapintar.core import audit, selectors
from kotapintar.core.errors import BadOpd, OpdCodeTaken, OpdNotFound
from kotapintar.core.models import OPD
from kotapintar.core.types import Actor
from kotapintar.core.useradmin import require_admin

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def _clean(code: str, name: str, short_name: str, kind: str) -> tuple[str, str, str, str]:
    code, name, short_name, kind = code.strip().lower(), name.strip(), short_name.strip(), kind.strip()
    if not CODE_RE.match(code) or not name or not short_name:
        raise BadOpd()
    return code, name[:255], short_name[:64], kind[:64]


def opd_create(*, actor: Actor, code: str, name: str, short_name: str, kind: str = "") -> OPD:
    admin = require_admin(actor)
    code, name, short_name, kind = _clean(code, name, short_name, kind)
    city = selectors.city_get()
    with transaction.atomic():
        if OPD.objects.filter(code=code).exists():
            raise OpdCodeTaken(detail={"field": "code"})
        opd = OPD.objects.create(city=city, code=code, name=name, short_name=short_name, kind=kind)
        audit.record(action="core.opd_create", actor=admin, obj=opd, data={"code": code, "name": name})
    return opd


def opd_update(*, actor: Actor, opd_id: int, code: str, name: str, short_name: str, kind: str = "") -> OPD:
    admin = require_admin(actor)
    code, name, short_name, kind = _clean(code, name, short_name, kind)
    with transaction.atomic():
        opd = OPD.objects.select_for_update().filter(pk=opd_id).first()
        if opd is None:
            raise OpdNotFound()
        if OPD.objects.filter(code=code).exclude(pk=opd.pk).exists():
            raise OpdCodeTaken(detail={"field": "code"})
        changes = {
            field: {"from": getattr(opd, field), "to": value}
            for field, value in (("code", code), ("name", name), ("short_name", short_name), ("kind", kind))
            if getattr(opd, field) != value
        }
        if changes:
            for field, change in changes.items():
                setattr(opd, field, change["to"])
            opd.save()
            audit.record(action="core.opd_update", actor=admin, obj=opd, data=changes)
    return opd
