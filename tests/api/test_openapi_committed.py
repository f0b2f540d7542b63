"""The API contract is committed as openapi/v1.json, so that every API change shows up in review."""

from pathlib import Path

from django.core.management import call_command

from kotapintar.api import api

COMMITTED = Path(__file__).resolve().parent.parent.parent / "openapi" / "v1.json"


def test_committed_schema_matches_the_code(tmp_path):
    fresh = tmp_path / "v1.json"
    call_command("export_openapi_schema", api="kotapintar.api.api", indent=2, sorted=True, output=str(fresh))
    assert fresh.read_text(encoding="utf-8").strip() == COMMITTED.read_text(encoding="utf-8").strip(), (
        "openapi/v1.json is out of date: run `make openapi` and commit it"
    )


def test_every_operation_documents_an_error_body():
    schema = api.get_openapi_schema()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not any(str(code).startswith("4") for code in operation["responses"])
    ]
    assert not missing, f"operations without a documented 4xx error body: {missing}"
