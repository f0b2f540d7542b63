"""Indonesian first: every message id of every app (django and djangojs) has an Indonesian translation,
and the compiled catalogue matches it. With GNU gettext installed, the ids are extracted afresh from
the code, so a string added without a translation fails here. Templates show no literal text outside
the translation tags, and the pages every demo role opens, rendered in Indonesian, show no English
(tests/i18n_scan.py says what counts)."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.i18n_scan import (
    TEMPLATES_AS_WRITTEN,
    EnglishFinder,
    parse_po,
    untranslated_template_text,
    visible_text,
)

SRC = Path(__file__).resolve().parent.parent / "src" / "kotapintar"
APPS = sorted(p for p in SRC.iterdir() if (p / "apps.py").exists())
USES_GETTEXT = re.compile(r"gettext|{% *(translate|trans|blocktranslate|blocktrans)\b")


def _uses_gettext(app: Path) -> bool:
    for path in list(app.rglob("*.py")) + list(app.rglob("*.html")):
        if "migrations" in path.parts or "locale" in path.parts:
            continue
        if USES_GETTEXT.search(path.read_text(encoding="utf-8", errors="ignore")):
            return True
    return False


def untranslated(po: Path) -> list[str]:
    """The message ids of a catalogue without an Indonesian translation (empty, or marked fuzzy)."""
    text = po.read_text(encoding="utf-8")
    plural_forms = re.search(r"nplurals=(\d+)", text)
    nplurals = int(plural_forms.group(1)) if plural_forms else 2
    wanted = {"msgstr"} | {f"msgstr[{i}]" for i in range(nplurals)}
    missing = []
    for entry in parse_po(po):
        if entry["msgid"] == "":
            continue
        values = [v for k, v in entry.items() if k in wanted]
        if entry["fuzzy"] or not values or not all(values):
            missing.append(entry["msgid"])
    return missing


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_message_has_an_indonesian_translation(app: Path) -> None:
    if not _uses_gettext(app):
        pytest.skip("no translatable strings")
    po = app / "locale" / "id" / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{app.name} has translatable strings but no Indonesian catalogue ({po})"
    missing = untranslated(po)
    assert not missing, f"{app.name}: untranslated or fuzzy: {missing[:20]}"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_script_message_has_an_indonesian_translation(app: Path) -> None:
    """Scripts take their words from the page (data-l… attributes, json_script), so no app needs a
    djangojs catalogue today; one that gets one is held to the same rule."""
    po = app / "locale" / "id" / "LC_MESSAGES" / "djangojs.po"
    if not po.exists():
        uses_js_gettext = any(
            "gettext(" in p.read_text(encoding="utf-8") for p in app.rglob("static/**/*.js")
        )
        assert not uses_js_gettext, f"{app.name}: scripts call gettext but there is no {po}"
        return
    missing = untranslated(po)
    assert not missing, f"{app.name}/djangojs: untranslated or fuzzy: {missing[:20]}"


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


# --- Templates -------------------------------------------------------------------------------------

TEMPLATES = sorted(p for app in APPS for p in app.glob("templates/**/*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_have_no_literal_text_outside_translation_tags(template: Path) -> None:
    if str(template.relative_to(SRC)) in TEMPLATES_AS_WRITTEN:
        pytest.skip("written as it is on purpose (tests/i18n_scan.py)")
    assert untranslated_template_text(template.read_text(encoding="utf-8")) == []


# --- What Indonesian pages show -------------------------------------------------------------------

#: One visible text per case seen in the pages before: each must be found, for its own reason.
SEEN_BEFORE = [
    ("Wallet turnover (Rp)", "English message"),  # a figure label looked up in English
    ("Official certificates issued", "English message"),
    ("Booth cash (pariwisata)", "English word"),  # a literal never marked for translation
    ("refunded", "raw code"),  # the stored status printed instead of its label
    ("OTHER", "raw code"),  # a funding source column headed with its code
    ("tide_level (cm)", "raw code"),  # a chart legend made of the parameter's code
    ("Baseline, Output, Outcome inferred so that the set totals 100%", "English word"),
    ("Curah hujan 0.39 mm dalam 1 jam", "number written the English way"),
    ("58.3 cm", "number written the English way"),
    ("Masukkan nama pengguna nama pengguna dan sandi yang benar.", "repeated words"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "reason"), SEEN_BEFORE, ids=[t for t, _ in SEEN_BEFORE])
def test_the_scan_finds_each_case_seen_before(text: str, reason: str) -> None:
    assert any(found.startswith(reason) for found in EnglishFinder()(text)), EnglishFinder()(text)


@pytest.mark.django_db
def test_the_scan_reads_chart_labels_and_shown_attributes() -> None:
    page = (
        '<p title="Active cards">x</p><script type="application/json" id="c">'
        '{"parameter": "tide_level", "series": {"tide_level": {"label": "tide_level (cm)"}}}</script>'
        "<script>var s = 'Active cards';</script>"
    )
    assert visible_text(page) == ["Active cards", "x", "tide_level (cm)"]


@pytest.mark.django_db
def test_indonesian_text_passes_the_scan() -> None:
    finder = EnglishFinder()
    for text in [
        "Perputaran dompet (Rp)",
        "Curah hujan 0,39 mm dalam 1 jam, 22,2 mm dalam 24 jam.",
        "Rp95.228.000",
        "Mentor Kominfo · 27 Sep 2018 10.00",
        "Dikembalikan",
        "masing-masing dinilai 0–5",
    ]:
        assert finder(text) == [], text


DEMO_PASSWORD = "Demo-Pekalongan-2018"
#: Who opens the pages: anonymous, then every demo role (core/demo.py).
READERS = [
    None,
    "admin",
    "bappeda",
    "opd",
    "mentor",
    "dewan",
    "penandatangan",
    "pariwisata",
    "merchant",
    "bpbd",
]
#: Where each reader starts: the main page of every app; links found on the pages are followed.
START = [
    "/",
    "/akun/",
    "/masterplan/",
    "/masterplan/publik/",
    "/tte/",
    "/tte/verifikasi/",
    "/batik/",
    "/dompet/",
]
START += ["/banjir/", "/banjir/peringatan/", "/masuk/", "/ruang-kendali/", "/ruang-kendali/publik/"]
NOT_PAGES = re.compile(
    r"^/(keluar|i18n|api|static|media|admin)/|\.(pdf|xlsx|docx|csv|xml|json|geojson|ics|png|svg|zip)$"
    r"|/(unduh|ekspor|export|download)\b"
)
PAGES_PER_READER = 45
SAME_SHAPE = 2  # pages per URL shape (/x/<id>/…): the second confirms, more only repeat


def _shape(url: str) -> str:
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/*", url)


def _crawl(client: Client, found: dict[tuple[str, str], set[str]], finder: EnglishFinder) -> int:
    queue: list[str] = list(START)
    seen: set[str] = set()
    shapes: defaultdict[str, int] = defaultdict(int)
    while queue and len(seen) < PAGES_PER_READER:
        url = queue.pop(0)
        if url in seen or shapes[_shape(url)] >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        queue += [h for h in re.findall(r'href="(/[^"#?]*)', html) if not NOT_PAGES.search(h)]
        for text in visible_text(html):
            for reason in finder(text):
                found[(reason, text[:100])].add(url)
    return len(seen)


@pytest.mark.slow
@pytest.mark.django_db
def test_pages_in_indonesian_show_no_english(settings: object) -> None:
    """Every demo role opens the main pages of every app (and the pages they link to) in Indonesian;
    no English message, English word, raw code or English number reaches them. The login page with
    a wrong password shows its (stored) error message; /akun/ shows the stored notifications."""
    settings.DEMO_PASSWORD = DEMO_PASSWORD  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=io.StringIO())
    finder = EnglishFinder(names=[u for u in READERS if u])
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    opened = 0
    for username in READERS:
        client = Client()
        if username:
            assert client.login(username=username, password=DEMO_PASSWORD), username
        opened += _crawl(client, found, finder)
    wrong = Client().post("/masuk/", {"username": "bappeda", "password": "salah"}, HTTP_ACCEPT_LANGUAGE="id")
    for text in visible_text(wrong.content.decode()):
        for reason in finder(text):
            found[(reason, text[:100])].add("/masuk/ (wrong password)")
    assert opened > 150  # the crawl reached the pages, not only the login form
    report = [f"{reason} in {text!r} on {sorted(urls)[:2]}" for (reason, text), urls in sorted(found.items())]
    assert not report, "\n".join(report)
