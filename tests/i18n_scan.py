"""What a reader of an Indonesian page sees, and the English in it.

`visible_text(html)` collects the text a person reads on a page: text nodes (not scripts or styles),
the attributes shown to people or screen readers (title, placeholder, aria-label, alt, a button's
value), the labels handed to scripts in `data-l…`/`data-label…` attributes, and the label-like values
of `json_script` blocks that charts draw (labels, legends, dataset names). `english_in(texts)` returns
each piece that is English (or a raw code) with the reason, from three independent sources:

- the English message ids of our own catalogues whose Indonesian differs: a page showing one means a
  lookup ran in the wrong language or outside a request (e.g. a label computed once at import);
- a list of English words that are not Indonesian words: catches literals never wrapped for
  translation ("Booth cash (pariwisata)");
- the stored values of every model choice whose label differs from it (`refunded`, `OTHER`,
  `tide_level`): a template printing the field rather than `get_…_display`;

plus numbers written the English way next to a unit ("0.39 mm", "1,250 m") and words said twice
("nama pengguna nama pengguna": a translation that repeats what its placeholder brings).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "kotapintar"

# Attributes whose text a person reads (or hears): everything else is code.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Keys of json_script data whose values a chart or map shows as text.
SHOWN_JSON_KEYS = re.compile(
    r"^(label|labels|legend|title|name|names|sources|dimensions|series_label|unit_label)$"
)

# English words that are not Indonesian words (nor names used on our pages). Short, common ones that
# Indonesian also writes ("data", "status", "total", "program", "link", "online", "no") are not here.
ENGLISH_WORDS = frozenset(
    """
    the and of with from for to is are was were has have had not this that these those each every all
    none other others only more less than when which who what where while into onto about after before
    between during without within your our their its you we they he she it be been being will would
    can could should must may might do does did done here there yes
    active inactive cards card wallet turnover issued issue official certificate certificates alerts
    alert flood floods cash booth refunded refund refunds pending paid failed closed draft signed
    submitted approved rejected cancelled canceled expired revoked invalid verified unverified
    open opened old level levels sea tide water rainfall river rivers pump pumps gate gates
    report reports event events ticket tickets visit visits visitors programme programmes budget
    source sources funding amount amounts balance payment payments top-up topup
    signing signature signatures document documents letter letters verify verification
    login logout password username user users search save cancel delete edit back next previous
    download upload submit view show hide home page settings profile help contact
    date time today yesterday tomorrow week month year years day days hour hours minute minutes
    seconds ago since until daily weekly monthly inferred totals
    january february june july august september october december
    monday tuesday wednesday thursday friday saturday sunday
    worksheet worksheets meeting meetings clinic queue
    plans evaluation score scores weight weights targets
    station stations shelter shelters reading readings threshold thresholds
    forecast warning warnings siren
    """.split()
)
# Not in the list, though English: words Indonesian writes as they are (mentor, target, slot, valid,
# merchant, April, November, baseline, output, outcome, quick win — the Kominfo masterplan's own terms
# — and review), and words our content uses in names ("New Sakpore").
REPEATED = re.compile(r"\b([a-z]{3,}(?: [a-z]{3,}){0,2}) \1\b", re.I)

NUMBER_THE_ENGLISH_WAY = re.compile(
    r"(?<![\d.,])(\d+\.\d+|\d{1,3}(?:,\d{3})+)\s?(mm|cm|m|km|m³/s|L/s|%|°C|jam|menit|hari)(?![\w])"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip: list[str] = []
        self._json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key, value in a.items():
            if (
                key in SHOWN_ATTRIBUTES
                or key.startswith(("data-l-", "data-label"))
                or re.match(r"data-l[A-Z]", key)
            ):
                self.texts.append(value)
            elif re.match(r"^data-l[a-z]", key) and not key.startswith(("data-lat", "data-lon", "data-lng")):
                self.texts.append(value)
        if tag in ("input", "button") and a.get("type") in ("submit", "button") and a.get("value"):
            self.texts.append(a["value"])
        if tag == "script" and a.get("type") == "application/json":
            self._json = []
        elif tag in ("script", "style", "template", "noscript", "code", "pre", "kbd", "samp"):
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json is not None:
            try:
                self.texts.extend(json_labels(json.loads("".join(self._json))))
            except ValueError:
                pass
            self._json = None
        elif self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if self._json is not None:
            self._json.append(data)
        elif not self._skip and data.strip():
            self.texts.append(data)


def json_labels(value: object, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_labels(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from json_labels(v, key)
    elif isinstance(value, str) and SHOWN_JSON_KEYS.match(key):
        yield value


def visible_text(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    return [" ".join(t.split()) for t in page.texts if t.strip()]


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


def catalogues() -> list[Path]:
    return sorted(SRC.glob("*/locale/id/LC_MESSAGES/*.po"))


def english_ids() -> set[str]:
    """Our English message ids whose Indonesian is different, without placeholders (those are only
    shown filled in) and of at least two words or one word of five letters or more."""
    entries = [e for po in catalogues() for e in parse_po(po)]
    indonesian = {" ".join(e.get("msgstr", "").split()).lower() for e in entries}
    ids = set()
    for e in entries:
        msgid = " ".join(e["msgid"].split())
        if not msgid or "%" in msgid or "{" in msgid or "<" in msgid or not e.get("msgstr"):
            continue
        if msgid.lower() in indonesian:  # also an Indonesian text ("Status", "Mentor", "Rp")
            continue
        words = WORD.findall(msgid)
        if len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 5 and words[0] == msgid):
            ids.add(msgid)
    return ids


def raw_choice_values() -> set[str]:
    """Stored values of model choices whose Indonesian label is something else (`refunded`, `OTHER`,
    `tide_level`): a page showing one prints the field instead of its label."""
    from django.apps import apps
    from django.utils import translation

    values = set()
    with translation.override("id"):
        for model in apps.get_models():
            if not model.__module__.startswith("kotapintar."):
                continue
            for field in model._meta.get_fields():
                for value, label in getattr(field, "flatchoices", None) or []:
                    if (
                        isinstance(value, str)
                        and re.search(r"[A-Za-z]{3}", value)
                        and value.lower() != str(label).lower()
                    ):
                        values.add(value)
    return values


LEADING_MARKS = re.compile(r"^[\W\d_]+")
#: Paths and addresses (/api/v1/wallet/keys, https://…) are written as they are.
PATH = re.compile(r"\S*/\S*")
#: Data shown as it is, whatever the language: the X.509 subject names of the city's certificate
#: authorities ("Kota Pekalongan Root CA", "… Issuing CA 1") are written into every certificate.
SHOWN_AS_STORED = re.compile(r"\b(Root CA|Issuing CA)\b")


class EnglishFinder:
    def __init__(self, *, names: Iterable[str] = ()) -> None:
        """`names`: data shown as it is, e.g. the usernames of the readers ("merchant", "admin")."""
        self.ids = english_ids()
        self.codes = raw_choice_values()
        self.names = set(names)
        self._ids_re = re.compile(
            r"(?<![\w])("
            + "|".join(re.escape(i) for i in sorted(self.ids, key=len, reverse=True))
            + r")(?![\w])"
        )

    def __call__(self, text: str) -> list[str]:
        """The reasons `text` (one piece of visible text) is not Indonesian; empty when it is."""
        found: list[str] = []
        if text.strip() in self.names:
            return found
        for m in NUMBER_THE_ENGLISH_WAY.finditer(text):
            found.append(f"number written the English way {m.group(0)!r}")
        for m in REPEATED.finditer(text):
            found.append(f"repeated words {m.group(0)!r}")
        text = SHOWN_AS_STORED.sub(" ", PATH.sub(" ", text))
        label = LEADING_MARKS.sub("", text).strip()
        for m in self._ids_re.finditer(text):
            msgid = m.group(1)
            # A label of one or two words counts where labels stand: the whole piece, or its start
            # ("Quick win", "✔ Quick win", "Active cards: 39"); in running text ("tiga quick win
            # ditetapkan") it is a loanword of the content, not an untranslated label.
            if len(msgid.split()) >= 3 or label.startswith(msgid):
                found.append(f"English message {msgid!r}")
        for word in WORD.findall(text):
            if word.lower() in ENGLISH_WORDS:
                found.append(f"English word {word!r}")
        stripped = text.strip(" :.()")
        for token in re.findall(r"[A-Za-z_]+", text):
            if token in self.codes and ("_" in token or token == stripped):
                found.append(f"raw code {token!r}")
        return found


# --- Templates: literal text outside {% translate %} / {% blocktranslate %} --------------------------

_TAG = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_SHOWN_ATTR = re.compile(r"""\b(?:title|placeholder|aria-label|alt)\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_TEMPLATE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def template_literals(source: str) -> list[str]:
    """The pieces of literal text a template shows without a translation tag: text between tags and
    the shown attributes (title, placeholder, aria-label, alt), with the template's own tags,
    variables, comments, scripts and styles left out. {% blocktranslate %} bodies, {% comment %} and
    {% verbatim %} are skipped whole."""
    from django.template.base import Lexer, TokenType

    pieces: list[str] = []
    text: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip_until:
                if name == skip_until:
                    skip_until = None
                continue
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                skip_until = {"comment": "endcomment", "verbatim": "endverbatim"}.get(name, "end" + name)
            elif (
                name == "block"
                and token.contents.split()[1:2]
                and token.contents.split()[1].endswith("_class")
            ):
                skip_until = "endblock"  # {% block main_class %}container narrow{% endblock %}: CSS classes
            text.append("\0")  # a tag ends a piece of text
        elif token.token_type == TokenType.TEXT and not skip_until:
            text.append(token.contents)
        elif token.token_type == TokenType.VAR and not skip_until:
            text.append("\0")
    html = "".join(text)
    for m in _SHOWN_ATTR.finditer(html):
        pieces.extend(p for p in m.group(2).split("\0") if _TEMPLATE_WORD.search(p))
    for chunk in _TAG.sub("\0", html).split("\0"):
        if _TEMPLATE_WORD.search(chunk):
            pieces.append(" ".join(chunk.split()))
    return pieces


#: Templates whose literal text is meant to be as it is, and why.
TEMPLATES_AS_WRITTEN = {
    # Rendered by Django's server_error without a request context: it cannot choose a language, so it
    # says the same thing in both.
    "core/templates/500.html",
    # An official Indonesian letter (tata naskah dinas): its headings are Indonesian whoever prints it.
    "esign/templates/esign/pdf/letter.html",
}
#: Words a template may show as they are: units, the time zone, names of places, products and endpoints.
NAMES_AND_UNITS = frozenset(
    "Rp WIB cm mm km ha healthz Aula Bappeda Zoom Ruang Jetayu Setda Pekalongan Kota Pintar".split()
)


def untranslated_template_text(source: str) -> list[str]:
    """Literal pieces of a template with a word that is not a code (all capitals: PDF, QRIS, APBD),
    a unit, a name in NAMES_AND_UNITS or part of a path (/api/v1/wallet/keys)."""
    found = []
    for piece in template_literals(source):
        words = _TEMPLATE_WORD.findall(PATH.sub(" ", html.unescape(piece)))
        if any(not w.isupper() and w not in NAMES_AND_UNITS for w in words):
            found.append(piece)
    return found
