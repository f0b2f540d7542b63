"""Indonesian first: every message id of every app has an Indonesian translation, and the compiled
catalogue matches it. With GNU gettext installed, the ids are extracted afresh from the code, so a
string added without a translation fails here."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kotapintar"
APPS = sorted(p for p in SRC.iterdir() if (p / "apps.py").exists())
USES_GETTEXT = re.compile(r"gettext|{% *(translate|trans|blocktranslate|blocktrans)\b")


def _unquote(lines: list[str]) -> str:
    return "".join(
        bytes(line.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for line in lines
    )


def parse_po(path: Path) -> list[dict[str, str]]:
    """Each entry's keys (msgid, msgstr, …) unquoted; "fuzzy" is "fuzzy" or empty."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        flags = " ".join(ln for ln in lines if ln.startswith("#,"))
        keys: dict[str, list[str]] = {}
        current = None
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', ln)
            if m:
                current = m.group(1)
                keys[current] = [m.group(2)]
            elif ln.startswith('"') and current:
                keys[current].append(ln)
        if "msgid" not in keys:
            continue
        entry = {k: _unquote(v) for k, v in keys.items()}
        entry["fuzzy"] = "fuzzy" if "fuzzy" in flags else ""
        entries.append(entry)
    return entries


def _uses_gettext(app: Path) -> bool:
    for path in list(app.rglob("*.py")) + list(app.rglob("*.html")):
        if "migrations" in path.parts or "locale" in path.parts:
            continue
        if USES_GETTEXT.search(path.read_text(encoding="utf-8", errors="ignore")):
            return True
    return False


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_message_has_an_indonesian_translation(app: Path) -> None:
    if not _uses_gettext(app):
        pytest.skip("no translatable strings")
    po = app / "locale" / "id" / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{app.name} has translatable strings but no Indonesian catalogue ({po})"
    text = po.read_text(encoding="utf-8")
    plural_forms = re.search(r"nplurals=(\d+)", text)
    nplurals = int(plural_forms.group(1)) if plural_forms else 2
    wanted = {"msgstr"} | {f"msgstr[{i}]" for i in range(nplurals)}
    missing = []
    for entry in parse_po(po):
        if entry["msgid"] == "":
            continue
        values = [v for k, v in entry.items() if k in wanted]
        if entry["fuzzy"] or not all(values):
            missing.append(entry["msgid"])
    assert not missing, f"{app.name}: untranslated or fuzzy: {missing[:20]}"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_compiled_catalogue_matches_the_source(app: Path) -> None:
    po = app / "locale" / "id" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        pytest.skip("no catalogue")
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make messages"
    with mo.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = []
    for entry in parse_po(po):
        if entry["msgid"] and "msgstr" in entry and not entry.get("msgctxt"):
            if catalogue.gettext(str(entry["msgid"])) != entry["msgstr"]:
                stale.append(entry["msgid"])
    assert not stale, f"{app.name}: .mo is out of date for {stale[:10]} (run make messages)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_catalogue_has_every_string_in_the_code(app: Path, tmp_path: Path) -> None:
    if not (app / "locale").exists():
        pytest.skip("no catalogue")
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    for domain in ("django", "djangojs"):
        if domain == "djangojs" and not (app / "locale/id/LC_MESSAGES/djangojs.po").exists():
            continue
        subprocess.run(
            [
                str(Path(sys.executable).parent / "kotapintar"),
                "makemessages",
                "-l",
                "id",
                "-d",
                domain,
                "--no-obsolete",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        fresh = {e["msgid"] for e in parse_po(copy / f"locale/id/LC_MESSAGES/{domain}.po") if e["msgid"]}
        committed = {e["msgid"] for e in parse_po(app / f"locale/id/LC_MESSAGES/{domain}.po") if e["msgid"]}
        new = sorted(fresh - committed)
        assert not new, f"{app.name}/{domain}: strings missing from the catalogue: {new[:20]}"
