"""The Indonesian catalogue of the esign app is complete: no empty and no fuzzy entries."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import kotapintar.esign

PO = Path(kotapintar.esign.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def entries() -> list[tuple[str, str, bool]]:
    result = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0], flags=re.M))
        msgstr = "".join(re.findall(r"^\s*\"(.*)\"$", block.split("msgstr", 1)[-1], flags=re.M))
        fuzzy = bool(re.search(r"^#,.*fuzzy", block, flags=re.M))
        if "msgid" in block:
            result.append((msgid, msgstr, fuzzy))
    return result


def test_every_message_is_translated() -> None:
    missing = [msgid for msgid, msgstr, _fuzzy in entries() if msgid and not msgstr]
    assert missing == []


def test_no_fuzzy_entries() -> None:
    assert [msgid for msgid, _msgstr, fuzzy in entries() if fuzzy] == []


def test_compiled_catalogue_is_used() -> None:
    with translation.override("id"):
        assert translation.gettext("The passphrase is wrong.") == "Passphrase salah."
