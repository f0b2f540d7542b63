"""Locking one row for a state change (every status transition runs under `select_for_update`)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from kotapintar.core.errors import NotFound

M = TypeVar("M", bound=Model)


def row_lock(rows: QuerySet[M], pk: int) -> M:
    """Lock the row `pk` of `rows` for the rest of the transaction; NotFound when it is not there."""
    locked = rows.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound()
    return locked
