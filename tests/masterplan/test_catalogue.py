"""The Indonesian catalogue of the masterplan app is complete: no empty or fuzzy entry."""

from __future__ import annotations

import re
from pathlib import Path

import kotapintar.masterplan

PO = Path(kotapintar.masterplan.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str, str]]:
    out = []
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        mstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if mid and mstr:
            out.append(
                (
                    "".join(re.findall(r'"(.*)"', mid.group(1))),
                    "".join(re.findall(r'"(.*)"', mstr.group(1))),
                    flags,
                )
            )
    return out


def test_every_message_has_an_indonesian_translation():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[0]]
    assert len(entries) > 100
    untranslated = [mid for mid, mstr, _f in entries if not mstr]
    fuzzy = [mid for mid, _s, flags in entries if "fuzzy" in flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
