"""The flood app's Indonesian catalogue is complete (nothing empty or fuzzy) and compiled."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "src/kotapintar/flood/locale/id/LC_MESSAGES/django.po"


def _entries() -> list[tuple[str, str, bool]]:
    result = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(
            r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)',
            block + "\n",
            flags=re.M,
        )
        if not match:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
        result.append((msgid, msgstr, bool(re.search(r"^#,.*fuzzy", block, flags=re.M))))
    return result


def test_every_entry_is_translated() -> None:
    missing = [msgid for msgid, msgstr, _fuzzy in _entries() if msgid and not msgstr]
    assert len(_entries()) > 200
    assert missing == []


def test_no_fuzzy_entries() -> None:
    assert [msgid for msgid, _s, fuzzy in _entries() if fuzzy] == []


def test_compiled_catalogue_is_used() -> None:
    from kotapintar.flood.errors import REJECT_REASONS

    with translation.override("id"):
        assert str(REJECT_REASONS["future_time"]) == "Waktu terlalu jauh di masa depan."


def test_rob_warning_reads_in_indonesian(db) -> None:
    from datetime import UTC, datetime

    from kotapintar.flood.formatting import rob_message

    with translation.override("id"):
        text = rob_message(
            "Siaga",
            datetime(2026, 1, 15, 11, 0, tzinfo=UTC),
            datetime(2026, 1, 15, 14, 0, tzinfo=UTC),
            ["Panjang Wetan", "Krapyak"],
        )
    assert text == "rob Siaga diperkirakan Kamis 18.00–21.00 di Panjang Wetan, Krapyak"
