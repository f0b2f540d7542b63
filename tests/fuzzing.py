"""What every schemathesis fuzz test shares: the platform's OpenAPI schema served in-process over
WSGI, the checks that fail a response, and the hypothesis settings.

The schema is lazy: `schema` names the session fixture `api_schema` (tests/conftest.py), which builds it
the first time a fuzz test runs. Collection no longer renders and parses the whole OpenAPI document, so
`pytest -k something` or any run without the fuzz tests does not pay for it. Each fuzz test is one pytest
item whose operations run as subtests, labelled `METHOD /path`.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
fuzz_settings = settings(
    max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", "25")),
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def load_schema() -> BaseSchema:
    """The platform's schema, fetched from the WSGI application itself (what clients are served)."""
    from kotapintar.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
