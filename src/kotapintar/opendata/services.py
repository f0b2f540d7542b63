"""Writes of the open data catalogue: the walidata's decisions, and the refresh that notices when a
dataset's data changed (so `metadata_modified` moves and an incremental harvest picks it up)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kotapintar.core import audit
from kotapintar.core.models import OPD, Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.opendata import errors, registry, selectors
from kotapintar.opendata.models import DatasetState


def data_digest(dataset: registry.Dataset) -> str:
    """A digest of every row of every resource: equal digests, equal published data."""
    h = hashlib.sha256()
    for resource in dataset.resources:
        h.update(resource.name.encode())
        for row in resource.rows():
            h.update(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False).encode())
            h.update(b"\n")
    return h.hexdigest()


def state_ensure(dataset: registry.Dataset, *, now: datetime | None = None) -> DatasetState:
    """The dataset's state row, created (private, organisation = its declared OPD) on first sight."""
    now = now or timezone.now()
    state, _created = DatasetState.objects.get_or_create(
        name=dataset.name,
        defaults={"metadata_changed_at": now, "opd": OPD.objects.filter(code=dataset.opd).first()},
    )
    return state


def states_refresh(*, names: list[str] | None = None, now: datetime | None = None) -> list[str]:
    """Compare each dataset's data with its last digest; the names whose data changed."""
    now = now or timezone.now()
    changed = []
    for dataset in registry.datasets():
        if names is not None and dataset.name not in names:
            continue
        digest = data_digest(dataset)
        with transaction.atomic():
            state = state_ensure(dataset, now=now)
            state = DatasetState.objects.select_for_update().get(pk=state.pk)
            fields = ["checked_at"]
            if digest != state.data_digest:
                state.data_digest, state.data_changed_at = digest, now
                fields += ["data_digest", "data_changed_at"]
                changed.append(dataset.name)
            state.checked_at = now
            state.save(update_fields=fields)
    return changed


def states_refresh_stale(*, now: datetime | None = None) -> list[str]:
    """Refresh only the datasets not checked for OPENDATA_REFRESH_S (what every catalogue read calls)."""
    stale = selectors.stale_names(now=now)
    return states_refresh(names=stale, now=now) if stale else []


def publication_set(*, actor: Actor, name: str, public: bool, opd_code: str | None = None) -> DatasetState:
    """The walidata makes a dataset public or private, and names its producing OPD."""
    user = require_role(actor, Role.WALIDATA)
    dataset = registry.dataset(name)
    if dataset is None:
        raise errors.DatasetUnknown()
    if public and dataset.personal:
        raise errors.DatasetPersonal()
    now = timezone.now()
    with transaction.atomic():
        state = state_ensure(dataset, now=now)
        state = DatasetState.objects.select_for_update().get(pk=state.pk)
        opd = state.opd
        if opd_code is not None:
            opd = OPD.objects.filter(code=opd_code).first()
            if opd is None:
                raise errors.OpdUnknown()
        if state.public == public and state.opd == opd:
            return state
        state.public, state.opd = public, opd
        state.metadata_changed_at, state.changed_by = now, user
        state.save(update_fields=["public", "opd", "metadata_changed_at", "changed_by"])
        audit.record(
            action="opendata.publication",
            actor=user,
            obj=state,
            data={"public": public, "opd": opd.code if opd else None},
        )
    return state
