"""Money fields of every request schema accept only integers: `true`, `"1000"` and `1000.0` are refused
with a 422, not coerced (issue 12, item 10)."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

import pytest
from django.test import Client
from ninja import Schema
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

import kotapintar.api  # noqa: F401  (loads every app's schemas)

MONEY = re.compile(r"(^|_)(amount|price|budget|fee|balance|cost|total)(_|$)|_idr$")
NOT_INTEGERS = [True, "1000", 1000.0, "1e3"]


def _subclasses(cls: type[Schema]) -> list[type[Schema]]:
    out: list[type[Schema]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def _money_fields() -> list[tuple[str, str, Any]]:
    """(schema, field, type) of every integer money field of a request schema (…In / …IO) in our apps."""
    fields = []
    for cls in _subclasses(Schema):
        if not cls.__module__.startswith("kotapintar.") or not cls.__name__.endswith(("In", "IO")):
            continue
        for name, info in cls.model_fields.items():
            if MONEY.search(name) and int in (get_args(info.annotation) or (info.annotation,)):
                fields.append((cls.__name__, name, Annotated[info.annotation, info]))
    return fields


MONEY_FIELDS = _money_fields()


def test_the_money_fields_are_found():
    names = {(s, f) for s, f, _t in MONEY_FIELDS}
    assert {("TopUpIn", "amount_idr"), ("TicketTypeIn", "price_idr"), ("BudgetLineIO", "amount_idr")} <= names


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
@pytest.mark.parametrize(
    ("schema", "field", "annotation"), MONEY_FIELDS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_money_field_refuses_a_non_integer(schema, field, annotation, value):
    with pytest.raises(PydanticError):
        TypeAdapter(annotation).validate_python(value)


@pytest.mark.parametrize(
    ("schema", "field", "annotation"), MONEY_FIELDS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_money_field_takes_an_integer(schema, field, annotation):
    assert TypeAdapter(annotation).validate_python(1000) == 1000


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_cash_topup_with_a_non_integer_amount_is_a_422(value, make_user, token_client):
    from kotapintar.core.models import Role

    client: Client = token_client(make_user(Role.DINAS_PARIWISATA, username="booth"))
    response = client.post(
        "/api/v1/wallet/topups/cash",
        {"card_number": "1234", "amount_idr": value},
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
