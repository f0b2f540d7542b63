"""Every audit action the code records is labelled in words, and the console shows the words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

import kotapintar
from kotapintar.core import audit, audit_labels
from kotapintar.core.models import Role

SRC = Path(kotapintar.__file__).parent


def _recorded_codes() -> set[str]:
    """The action codes written as constants in `audit.record(action=…)` calls, and the constant
    branches of conditional ones."""
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "record":
                continue
            for kw in node.keywords:
                if kw.arg != "action":
                    continue
                values = [kw.value.body, kw.value.orelse] if isinstance(kw.value, ast.IfExp) else [kw.value]
                codes |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return codes


def test_every_recorded_action_has_a_label() -> None:
    codes = _recorded_codes()
    assert len(codes) > 50  # the scan finds the calls
    assert sorted(codes - audit_labels.labelled()) == []


def test_an_unlabelled_code_is_shown_as_it_is() -> None:
    assert audit_labels.label("test.unknown_action") == "test.unknown_action"


def test_a_code_labelled_twice_differently_is_refused() -> None:
    with pytest.raises(ValueError, match="labelled twice"):
        audit_labels.register({"wallet.card_block": "something else"})


def test_labels_are_indonesian_first() -> None:
    with translation.override("id"):
        assert audit_labels.label("wallet.card_block") == "Kartu diblokir"
        assert audit_labels.label("masterplan.worksheet_submit") == "Lembar kerja diajukan"


@pytest.mark.django_db
def test_the_console_shows_the_action_in_words(client, make_user) -> None:
    admin = make_user(Role.ADMIN_KOTA, username="admin-kota")
    audit.record(action="wallet.card_block", actor=None, obj=None, data={})
    client.force_login(admin)

    page = client.get("/kelola/audit/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "Kartu diblokir" in page
    assert "wallet.card_block" in page  # the code stays visible for searches
