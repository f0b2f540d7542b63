"""Loaded with `-p tests.pytest_testing` (pyproject addopts) before pytest-django reads the settings.

The settings do not guess from `sys.modules` whether they run under a test runner: the suite says so
explicitly through KOTAPINTAR_TESTING, which selects the immediate task backend, a fast password
hasher and the in-memory e-mail backend.
"""

from __future__ import annotations

import os

os.environ.setdefault("KOTAPINTAR_TESTING", "1")
