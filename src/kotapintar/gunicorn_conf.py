"""gunicorn settings for Kota Pintar: `gunicorn -c python:kotapintar.gunicorn_conf kotapintar.wsgi`.

Every setting can still be given on the command line (it wins over this file) or through
GUNICORN_CMD_ARGS. What this file adds to gunicorn's defaults:

- The application is loaded once in the master before the workers fork (`preload_app`), with the
  URL configuration and every view module imported, so a new worker answers its first request at
  once instead of importing the PDF, spreadsheet and geometry libraries on the first request.
- The objects loaded at start-up are frozen out of the garbage collector (`gc.freeze`): they live
  as long as the process, and without this every full collection in a worker walks all of them —
  a pause of tens of milliseconds in the middle of a request. Frozen before the fork, they also stay
  shared between the workers instead of being copied by the collector touching them.
- Workers: WEB_WORKERS (default 2 × cores), threads per worker WEB_THREADS (default 1: the sync
  worker), bound to WEB_BIND (default 127.0.0.1:8000).
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "0")) or 2 * (os.cpu_count() or 1)
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
keepalive = 30
backlog = 256
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()

# No collection while the application loads: what it allocates lives as long as the process.
gc.disable()


def when_ready(server: Any) -> None:
    """In the master, after the application is loaded and before any worker forks."""
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module now
    # A connection opened while loading must not be inherited: forked workers would share its socket.
    connections.close_all()
    gc.collect()
    gc.freeze()
    gc.enable()


def post_fork(server: Any, worker: Any) -> None:
    gc.enable()
