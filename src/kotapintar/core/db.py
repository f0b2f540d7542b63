"""A cursor for the statements that run on almost every request (token lookup, POS payment)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def hot_cursor() -> Iterator[Any]:
    """A DB-API cursor on Django's connection, in its current transaction.

    On PostgreSQL it is a psycopg cursor with server-side parameter binding: the parameters travel
    beside the statement in binary instead of being quoted into it in Python (Django's cursor binds
    on the client), and psycopg prepares a statement once it has run DB_PREPARE_THRESHOLD times
    (default 5) on the connection, so the server no longer parses and plans it. Django turns that
    off unless the database OPTIONS set `prepare_threshold`; settings.py does, and it touches only
    cursors like this one, since Django's own bind on the client and never prepare. Errors come
    out as Django's database errors, as from `connection.cursor()`, and the connection's health
    check runs first the same way. Elsewhere it is Django's cursor. Statements here use `%s`
    placeholders and no `%` of their own.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor
