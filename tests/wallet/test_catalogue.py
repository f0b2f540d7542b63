"""The wallet's Indonesian catalogue is complete (nothing empty or fuzzy) and compiled."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "src/kotapintar/wallet/locale/id/LC_MESSAGES/django.po"


def _entries() -> list[tuple[str, str, bool]]:
    result = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", flags=re.M)
        if not match:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
        result.append((msgid, msgstr, bool(re.search(r"^#,.*fuzzy", block, flags=re.M))))
    return result


def test_every_entry_is_translated() -> None:
    missing = [msgid for msgid, msgstr, _fuzzy in _entries() if msgid and not msgstr]
    assert len(_entries()) > 100
    assert missing == []


def test_no_fuzzy_entries() -> None:
    assert [msgid for msgid, _s, fuzzy in _entries() if fuzzy] == []


def test_compiled_catalogue_is_used() -> None:
    from kotapintar.wallet.errors import InsufficientBalance

    with translation.override("id"):
        assert str(InsufficientBalance.default_message) == "Saldo kartu tidak cukup untuk jumlah ini."
