"""A fast incremental-update signer for arbitrary input PDFs (the PDF structure half of ``fastsign``).

pyHanko's ``IncrementalPdfFileWriter`` parses the whole file before it appends a signature; here only
what the update touches is read: the trailer chain (classic xref tables, xref streams and hybrid
files), the catalog, the first page, the AcroForm with its fields, and the DocMDP and XMP metadata of
the catalog. One incremental update is appended with an invisible signature field and widget on the
first page (``/Rect [0 0 0 0]``, print flag, an empty appearance stream), the page's ``/Annots`` and the
AcroForm's ``/Fields`` extended, DocMDP when certifying, and a ``/ByteRange`` + ``/Contents``
placeholder; the two byte ranges are hashed and the CMS from ``cms_for(digest)`` (one call, the only
place a key is used) is written into the placeholder. :func:`append_dss` adds a Document Security
Store as a second update (B-LT).

What is not handled is never guessed at. :class:`Unsupported` (an odd structure: a filter other than
Flate, a broken xref, a field with kids, …) tells the caller to use pyHanko instead; a document that
must not be signed raises its declared error: encrypted (``pdf_encrypted``), no pages
(``pdf_no_pages``), certified with "no changes" (``pdf_certified``) or declaring PDF/A level A
(``pdfa_accessible``: the new field would have to be tagged in the structure tree).
PDF/A-1b/2b/2u/3b/3u stay valid: the update uses the original's kind of cross-reference section, keeps
the trailer ``/ID``, and the widget is printable with an appearance stream (no font).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kotapintar.esign.errors import (
    PdfaAccessible,
    PdfCertified,
    PdfEncrypted,
    PdfNoPages,
    PlaceholderTooSmall,
)

__all__ = ["Inspection", "Unsupported", "append_dss", "inspect", "sign_incremental"]


class Unsupported(Exception):
    """A structure this module does not read or write safely; sign with pyHanko instead."""


class Name(bytes):
    """A PDF name, raw as in the file (``b"/Type"``)."""


class Raw(bytes):
    """A token written back unchanged: a string, a real number, ``true``/``false``/``null``."""


@dataclass(frozen=True)
class Ref:
    num: int
    gen: int


@dataclass
class Stream:
    dict: dict[bytes, Any]
    raw: bytes  # the encoded bytes between ``stream`` and ``endstream``


_WS = b" \t\r\n\f\0"
_DELIM = b"()<>[]{}/%"
_TOKEN = re.compile(rb"[^ \t\r\n\f\0()<>\[\]{}/%]+")
_NUM = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)$")
_OBJ_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_REF_TAIL = re.compile(rb"\s+(\d+)\s+R(?=[\s()<>\[\]{}/%]|$)")


_SKIP = re.compile(rb"(?:[ \t\r\n\f\0]+|%[^\r\n]*)*")  # white space and comments
_SKIP_MATCH = _SKIP.match
_STRING_STOP = re.compile(rb"[()\\]")


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.d = data

    def skip(self, i: int) -> int:
        end = _SKIP.match(self.d, i)
        return end.end() if end else i

    def parse(self, i: int, depth: int = 0) -> tuple[Any, int]:
        if depth > 64:
            raise Unsupported("nesting too deep")
        d = self.d
        skip = _SKIP_MATCH
        i = skip(d, i).end()  # type: ignore[union-attr]  # matches the empty string
        if i >= len(d):
            raise Unsupported("unexpected end of file")
        c = d[i]
        if c == 0x2F:  # /Name
            m = _TOKEN.match(d, i + 1)
            end = m.end() if m else i + 1
            return Name(d[i:end]), end
        if c == 0x3C and d.startswith(b"<<", i):
            out: dict[bytes, Any] = {}
            i += 2
            while True:
                i = skip(d, i).end()  # type: ignore[union-attr]
                if d.startswith(b">>", i):
                    return out, i + 2
                if i >= len(d) or d[i] != 0x2F:
                    raise Unsupported("dictionary key is not a name")
                m = _TOKEN.match(d, i + 1)
                end = m.end() if m else i + 1
                key = d[i:end]
                value, i = self.parse(end, depth + 1)
                out[key] = value
        if c == 0x5B:  # [
            items: list[Any] = []
            i += 1
            while True:
                i = skip(d, i).end()  # type: ignore[union-attr]
                if d.startswith(b"]", i):
                    return items, i + 1
                value, i = self.parse(i, depth + 1)
                items.append(value)
        if c == 0x28:  # (literal string), balanced parentheses, backslash escapes
            j, level = i + 1, 1
            while level:
                stop = _STRING_STOP.search(d, j)
                if stop is None:
                    raise Unsupported("unterminated string")
                j = stop.end()
                ch = d[j - 1]
                if ch == 0x5C:
                    if j >= len(d):
                        raise Unsupported("unterminated string")
                    j += 1
                    continue
                level += 1 if ch == 0x28 else -1
            return Raw(d[i:j]), j
        if c == 0x3C:
            j = d.index(b">", i)
            return Raw(d[i : j + 1]), j + 1
        m = _TOKEN.match(d, i)
        if not m:
            raise Unsupported(f"unexpected byte at {i}")
        tok = m.group()
        if tok.isdigit():
            ref = _REF_TAIL.match(d, m.end())
            if ref:
                return Ref(int(tok), int(ref.group(1))), ref.end()
            return int(tok), m.end()
        if _NUM.match(tok):
            return (int(tok) if tok.lstrip(b"+-").isdigit() else Raw(tok)), m.end()
        if tok in (b"true", b"false", b"null"):
            return Raw(tok), m.end()
        raise Unsupported(f"unexpected token {tok[:20]!r}")


def dump(value: Any) -> bytes:
    if isinstance(value, Name | Raw):
        return bytes(value)
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, Ref):
        return b"%d %d R" % (value.num, value.gen)
    if isinstance(value, dict):
        return b"<<" + b"".join(k + b" " + dump(v) for k, v in value.items()) + b">>"
    if isinstance(value, list):
        return b"[" + b" ".join(dump(v) for v in value) + b"]"
    raise TypeError(type(value))


def _png_unpredict(data: bytes, columns: int) -> bytes:
    row_len = columns + 1
    if len(data) % row_len:
        raise Unsupported("predictor rows do not divide the stream")
    prev = bytearray(columns)
    out = bytearray()
    for r in range(0, len(data), row_len):
        kind, row = data[r], bytearray(data[r + 1 : r + row_len])
        for x in range(columns):
            left = row[x - 1] if x else 0
            up = prev[x]
            if kind == 1:
                row[x] = (row[x] + left) & 0xFF
            elif kind == 2:
                row[x] = (row[x] + up) & 0xFF
            elif kind == 3:
                row[x] = (row[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                ul = prev[x - 1] if x else 0
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                row[x] = (row[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else ul)) & 0xFF
            elif kind != 0:
                raise Unsupported("unknown PNG predictor")
        out += row
        prev = row
    return bytes(out)


def decode(stream: Stream) -> bytes:
    filters = stream.dict.get(b"/Filter")
    parms = stream.dict.get(b"/DecodeParms")
    if filters is None:
        return stream.raw
    if isinstance(filters, list):
        if len(filters) != 1:
            raise Unsupported("filter chain")
        filters = filters[0]
        parms = parms[0] if isinstance(parms, list) and parms else parms
    if filters != b"/FlateDecode":
        raise Unsupported(f"filter {bytes(filters)!r}")
    try:
        data = zlib.decompress(stream.raw)
    except zlib.error as exc:
        raise Unsupported("bad Flate data") from exc
    if isinstance(parms, dict) and isinstance(parms.get(b"/Predictor"), int) and parms[b"/Predictor"] >= 10:
        data = _png_unpredict(data, int(parms.get(b"/Columns", 1)))
    elif isinstance(parms, dict) and parms.get(b"/Predictor", 1) != 1:
        raise Unsupported("TIFF predictor")
    return data


class _Document:
    """The cross-reference chain of a PDF and lazy access to its objects.

    ``base``: a document ``data`` extends (its bytes are the start of ``data``, as after an incremental
    update written here). Where the chain of ``data`` reaches ``base``'s last section, ``base``'s
    cross-reference entries stand for the rest of the chain, and the objects already parsed at the same
    offsets of the same bytes are reused: only the update itself is read.
    """

    def __init__(self, data: bytes, base: _Document | None = None) -> None:
        self.data = data
        self.p = _Parser(data)
        self.xref: dict[int, tuple[int, int, int]] = {}  # num -> (kind 1|2, offset|stream, gen|index)
        self.trailer: dict[bytes, Any] = {}
        self.last_is_stream = False
        self._objstm: dict[int, tuple[bytes, list[tuple[int, int]], int]] = {}
        # offset -> (num, gen, value) of the objects parsed without resolving a reference
        self._objects: dict[int, tuple[int, int, Any]] = {}
        if base is not None and not (len(data) > len(base.data) and data.startswith(base.data)):
            base = None
        tail = data[-2048:]
        found = re.findall(rb"startxref\s+(\d+)", tail)
        if not found:
            raise Unsupported("no startxref")
        self.startxref = int(found[-1])
        offset: int | None = self.startxref
        seen: set[int] = set()
        first = True
        while offset is not None:
            if offset in seen or offset >= len(data) or len(seen) > 512:
                raise Unsupported("xref chain loops or points outside the file")
            seen.add(offset)
            if base is not None and not first and offset == base.startxref:
                self._extend(base)
                break
            trailer, is_stream = self._read_section(offset)
            if first:
                self.trailer, self.last_is_stream, first = trailer, is_stream, False
            hybrid = trailer.get(b"/XRefStm")
            if isinstance(hybrid, int):
                self._read_section(hybrid)
            prev = trailer.get(b"/Prev")
            offset = prev if isinstance(prev, int) else None
        if b"/Encrypt" in self.trailer:
            raise PdfEncrypted()
        if not isinstance(self.trailer.get(b"/Root"), Ref) or not isinstance(self.trailer.get(b"/Size"), int):
            raise Unsupported("trailer without /Root or /Size")

    def _extend(self, base: _Document) -> None:
        """The rest of the chain is ``base``'s: its entries, and what it parsed that is still current."""
        for num, entry in base.xref.items():
            self._set(num, entry)
        self._objects = dict(base._objects)
        for num, parsed in base._objstm.items():
            if self.xref.get(num) == base.xref.get(num):
                self._objstm[num] = parsed

    def _set(self, num: int, entry: tuple[int, int, int] | None) -> None:
        if num not in self.xref:
            self.xref[num] = entry if entry is not None else (0, 0, 0)

    def _read_section(self, offset: int) -> tuple[dict[bytes, Any], bool]:
        d = self.data
        i = self.p.skip(offset)
        if d.startswith(b"xref", i):
            i += 4
            while True:
                i = self.p.skip(i)
                if d.startswith(b"trailer", i):
                    trailer, _end = self.p.parse(i + 7)
                    if not isinstance(trailer, dict):
                        raise Unsupported("trailer is not a dictionary")
                    return trailer, False
                m = re.compile(rb"(\d+)\s+(\d+)").match(d, i)
                if not m:
                    raise Unsupported("bad xref subsection")
                start, count = int(m.group(1)), int(m.group(2))
                i = m.end()
                entry = re.compile(rb"\s*(\d{10})\s(\d{5})\s([nf])")
                for k in range(count):
                    e = entry.match(d, i)
                    if not e:
                        raise Unsupported("bad xref entry")
                    i = e.end()
                    if e.group(3) == b"n":
                        self._set(start + k, (1, int(e.group(1)), int(e.group(2))))
                    else:
                        self._set(start + k, None)
        obj = self._object_at(offset, None)
        if not isinstance(obj, Stream) or obj.dict.get(b"/Type") != b"/XRef":
            raise Unsupported("startxref does not point at a cross-reference section")
        widths = obj.dict.get(b"/W")
        if not (isinstance(widths, list) and len(widths) == 3 and all(isinstance(w, int) for w in widths)):
            raise Unsupported("bad /W")
        size = obj.dict.get(b"/Size")
        index = obj.dict.get(b"/Index", [0, size])
        body = decode(obj)
        w0, w1, w2 = widths
        row = w0 + w1 + w2
        pos = 0
        for s in range(0, len(index) - 1, 2):
            start, count = index[s], index[s + 1]
            if not (isinstance(start, int) and isinstance(count, int)):
                raise Unsupported("bad /Index")
            for k in range(count):
                rec = body[pos : pos + row]
                if len(rec) < row:
                    raise Unsupported("xref stream too short")
                pos += row
                kind = int.from_bytes(rec[:w0], "big") if w0 else 1
                f1 = int.from_bytes(rec[w0 : w0 + w1], "big")
                f2 = int.from_bytes(rec[w0 + w1 :], "big") if w2 else 0
                if kind in (1, 2):
                    self._set(start + k, (kind, f1, f2))
                elif kind == 0:
                    self._set(start + k, None)
        return obj.dict, True

    def _object_at(self, offset: int, expect: Ref | None) -> Any:
        known = self._objects.get(offset)
        if known is not None and (expect is None or (known[0], known[1]) == (expect.num, expect.gen)):
            return known[2]
        d = self.data
        m = _OBJ_HEAD.match(d, offset)
        if not m or (expect is not None and (int(m.group(1)), int(m.group(2))) != (expect.num, expect.gen)):
            raise Unsupported(f"no object {expect} at offset {offset}")
        value, i = self.p.parse(m.end())
        i = self.p.skip(i)
        if not (isinstance(value, dict) and d.startswith(b"stream", i)):
            self._objects[offset] = (int(m.group(1)), int(m.group(2)), value)
            return value
        i += 6
        if d.startswith(b"\r\n", i):
            i += 2
        elif d[i : i + 1] in (b"\n", b"\r"):
            i += 1
        length = value.get(b"/Length")
        if isinstance(length, Ref):
            length = self.get(length)
        if not isinstance(length, int) or i + length > len(d):
            raise Unsupported("bad stream length")
        if not re.match(rb"\s*endstream", d[i + length : i + length + 32]):
            raise Unsupported("stream /Length does not end at endstream")
        stream = Stream(value, d[i : i + length])
        if isinstance(value.get(b"/Length"), int):  # an indirect length may differ in a later update
            self._objects[offset] = (int(m.group(1)), int(m.group(2)), stream)
        return stream

    def get(self, value: Any) -> Any:
        """``value`` itself, or the object a reference points at (``None`` for a free object)."""
        if not isinstance(value, Ref):
            return value
        entry = self.xref.get(value.num)
        if entry is None or entry[0] == 0:
            return None
        if entry[0] == 1:
            return self._object_at(entry[1], value)
        return self._from_objstm(entry[1], entry[2], value.num)

    def _from_objstm(self, stm_num: int, index: int, num: int) -> Any:
        if stm_num not in self._objstm:
            stm = self.get(Ref(stm_num, 0))
            if not isinstance(stm, Stream) or not isinstance(stm.dict.get(b"/First"), int):
                raise Unsupported("bad object stream")
            body = decode(stm)
            first, count = stm.dict[b"/First"], stm.dict.get(b"/N", 0)
            nums = [int(x) for x in body[:first].split()]
            pairs = [(nums[2 * k], nums[2 * k + 1]) for k in range(min(count, len(nums) // 2))]
            self._objstm[stm_num] = (body, pairs, first)
        body, pairs, first = self._objstm[stm_num]
        if index >= len(pairs) or pairs[index][0] != num:
            raise Unsupported("object stream index mismatch")
        value, _end = _Parser(body).parse(first + pairs[index][1])
        return value

    def dict_of(self, value: Any) -> dict[bytes, Any]:
        obj = self.get(value)
        if isinstance(obj, Stream):
            return obj.dict
        if not isinstance(obj, dict):
            raise Unsupported("expected a dictionary")
        return obj

    def list_of(self, value: Any) -> list[Any]:
        obj = self.get(value)
        if obj is None:
            return []
        if not isinstance(obj, list):
            raise Unsupported("expected an array")
        return obj


# ---------------------------------------------------------------------------------------------
# Reading what signing needs


def text_string(text: str) -> Raw:
    """A PDF text string: a literal for printable ASCII, UTF-16BE with a byte-order mark otherwise."""
    if all(32 <= ord(ch) < 127 for ch in text):
        return Raw(
            b"("
            + text.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            + b")"
        )
    return Raw(b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">")


_PDFA_PART = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']|>)\s*(\d)")
_PDFA_CONF = re.compile(rb"pdfaid:conformance\s*(?:=\s*[\"']|>)\s*([A-Za-z])")


@dataclass(frozen=True)
class _Field:
    ref: Ref
    dict: dict[bytes, Any]
    name: str
    signed: bool


@dataclass(frozen=True)
class Inspection:
    """What signing needs to know about a PDF, read without parsing the whole file."""

    pages: int
    signed_fields: tuple[str, ...]
    docmdp: int | None  # the /P of a certification signature, if any
    pdfa: str  # e.g. "2B"; "" when the metadata declares no PDF/A


class _Reader:
    doc: _Document

    def __init__(self, pdf: bytes, base: _Reader | None = None) -> None:
        self.doc = _Document(pdf, base.doc if base is not None else None)
        self.root_ref: Ref = self.doc.trailer[b"/Root"]
        self.catalog = self.doc.dict_of(self.root_ref)
        pages = self.doc.dict_of(self.catalog.get(b"/Pages"))
        count = pages.get(b"/Count")
        if not isinstance(count, int) or count < 1:
            raise PdfNoPages()
        self.page_count = count
        self.page_ref = self._first_page(pages)
        self.fields = self._fields()
        self.docmdp = self._docmdp()
        self.pdfa = self._pdfa()

    def _first_page(self, node: dict[bytes, Any]) -> Ref:
        for _depth in range(64):
            kids = self.doc.list_of(node.get(b"/Kids"))
            if not kids:
                raise PdfNoPages()
            if not isinstance(kids[0], Ref):
                raise Unsupported("page tree kid is not a reference")
            child = self.doc.dict_of(kids[0])
            if child.get(b"/Type") == b"/Page" or b"/Kids" not in child:
                return kids[0]
            node = child
        raise Unsupported("page tree too deep")

    def _fields(self) -> list[_Field]:
        acroform = self.catalog.get(b"/AcroForm")
        if acroform is None:
            return []
        found: list[_Field] = []

        def walk(refs: list[Any], prefix: str, ft: Any, depth: int) -> None:
            if depth > 16:
                raise Unsupported("field tree too deep")
            for ref in refs:
                if not isinstance(ref, Ref):
                    raise Unsupported("field is not a reference")
                field = self.doc.dict_of(ref)
                part = field.get(b"/T")
                name = prefix + (_decode_text(part) if isinstance(part, Raw) else "")
                kind = field.get(b"/FT", ft)
                kids = [k for k in self.doc.list_of(field.get(b"/Kids")) if b"/T" in self.doc.dict_of(k)]
                if kids:
                    walk(kids, name + ".", kind, depth + 1)
                elif kind == b"/Sig":
                    found.append(_Field(ref, field, name, field.get(b"/V") not in (None, b"null")))

        walk(self.doc.list_of(self.doc.dict_of(acroform).get(b"/Fields")), "", None, 0)
        return found

    def _docmdp(self) -> int | None:
        perms = self.catalog.get(b"/Perms")
        if perms is None:
            return None
        sig = self.doc.dict_of(perms).get(b"/DocMDP")
        if sig is None:
            return None
        for ref in self.doc.list_of(self.doc.dict_of(sig).get(b"/Reference")):
            ref_dict = self.doc.dict_of(ref)
            if ref_dict.get(b"/TransformMethod") == b"/DocMDP":
                p = self.doc.dict_of(ref_dict.get(b"/TransformParams", {})).get(b"/P", 2)
                return p if isinstance(p, int) else 2
        return 2

    def _pdfa(self) -> str:
        meta = self.doc.get(self.catalog.get(b"/Metadata"))
        if not isinstance(meta, Stream):
            return ""
        try:
            xmp = decode(meta)
        except Unsupported:
            return ""
        part, conf = _PDFA_PART.search(xmp), _PDFA_CONF.search(xmp)
        if part is None:
            return ""
        return part.group(1).decode() + (conf.group(1).decode().upper() if conf else "")


def _decode_text(raw: Raw) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii", "replace") + ("0" if len(raw) % 2 else ""))
    else:
        body = raw[1:-1]
        data = re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r?\n)", _unescape, body)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def _unescape(m: re.Match[bytes]) -> bytes:
    s = m.group(1)
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")"}
    if s in simple:
        return simple[s]
    if s == b"\\":
        return b"\\"
    if s[:1].isdigit():
        return bytes((int(s, 8) & 0xFF,))
    return b""


_recent: dict[bytes, _Reader] = {}
_recent_lock = threading.Lock()


def _read(pdf: bytes, base: _Reader | None = None) -> _Reader:
    """Read what signing needs; anything malformed the parser trips over is :class:`Unsupported`.

    The last few files read are kept by digest (readers are never changed after reading): the service
    inspects a revision and then signs it, and B-LT reads the signed file again for the DSS. ``base``:
    the reader of a file ``pdf`` extends by an update; only the update is parsed (see ``_Document``)."""
    key = hashlib.sha256(pdf).digest()
    with _recent_lock:
        hit = _recent.get(key)
    if hit is not None:
        return hit
    try:
        reader = _Reader(pdf, base)
    except (ValueError, IndexError, KeyError, TypeError, RecursionError, OverflowError) as exc:
        raise Unsupported(f"{type(exc).__name__}: {exc}"[:200]) from exc
    with _recent_lock:
        if len(_recent) >= 4:
            _recent.pop(next(iter(_recent)))
        _recent[key] = reader
    return reader


def inspect(pdf: bytes) -> Inspection:
    """Pages, signed signature fields, DocMDP level and PDF/A declaration of ``pdf``."""
    r = _read(pdf)
    return Inspection(
        pages=r.page_count,
        signed_fields=tuple(f.name for f in r.fields if f.signed),
        docmdp=r.docmdp,
        pdfa=r.pdfa,
    )


# ---------------------------------------------------------------------------------------------
# Writing one incremental update


class _Update:
    def __init__(self, doc: _Document, pdf: bytes) -> None:
        self.doc = doc
        self.out = bytearray(pdf)
        if not pdf.endswith((b"\n", b"\r")):
            self.out += b"\n"
        # A /Size below an object in use would make the update overwrite it: never trust it alone.
        self.next_num = max(int(doc.trailer[b"/Size"]), max(doc.xref, default=0) + 1)
        self.offsets: dict[int, tuple[int, int]] = {}

    def new_ref(self) -> Ref:
        ref = Ref(self.next_num, 0)
        self.next_num += 1
        return ref

    def write(self, ref: Ref, body: bytes) -> int:
        """Write object ``ref``; returns the offset of its body."""
        self.offsets[ref.num] = (len(self.out), ref.gen)
        self.out += b"%d %d obj\n" % (ref.num, ref.gen)
        at = len(self.out)
        self.out += body + b"\nendobj\n"
        return at

    def write_stream(self, ref: Ref, head: dict[bytes, Any], data: bytes) -> None:
        self.write(ref, _stream_body(head, data))

    def finish(self, root: Ref) -> bytearray:
        trailer: dict[bytes, Any] = {b"/Root": root}
        for key in (b"/Info", b"/ID"):
            if key in self.doc.trailer:
                trailer[key] = self.doc.trailer[key]
        trailer[b"/Prev"] = self.doc.startxref
        if self.doc.last_is_stream:
            xref_ref = self.new_ref()
            self.offsets[xref_ref.num] = (len(self.out), 0)
            rows, index = bytearray(), []
            for start, nums in _runs(sorted(self.offsets)):
                index += [start, len(nums)]
                for num in nums:
                    off, gen = self.offsets[num]
                    rows += b"\x01" + off.to_bytes(5, "big") + gen.to_bytes(2, "big")
            head = {b"/Type": Name(b"/XRef"), b"/Size": self.next_num, b"/W": [1, 5, 2], b"/Index": index}
            start_at = len(self.out)
            self.write_stream(xref_ref, {**head, **trailer}, bytes(rows))
            self.out += b"startxref\n%d\n%%%%EOF\n" % start_at
            return self.out
        start_at = len(self.out)
        self.out += b"xref\n"
        for start, nums in _runs(sorted(self.offsets)):
            self.out += b"%d %d\n" % (start, len(nums))
            for num in nums:
                off, gen = self.offsets[num]
                self.out += b"%010d %05d n\r\n" % (off, gen)
        self.out += b"trailer\n" + dump({b"/Size": self.next_num, **trailer}) + b"\n"
        self.out += b"startxref\n%d\n%%%%EOF\n" % start_at
        return self.out


def _stream_body(head: dict[bytes, Any], data: bytes) -> bytes:
    return dump({**head, b"/Length": len(data)}) + b"\nstream\n" + data + b"\nendstream"


def _runs(nums: list[int]) -> Iterable[tuple[int, list[int]]]:
    run: list[int] = []
    for n in nums:
        if run and n != run[-1] + 1:
            yield run[0], run
            run = []
        run.append(n)
    if run:
        yield run[0], run


def _pdf_date(when: datetime) -> Raw:
    return Raw(when.astimezone(UTC).strftime("(D:%Y%m%d%H%M%S+00'00')").encode("ascii"))


_BR_WIDTH = 10


def sign_incremental(
    pdf: bytes,
    *,
    cms_for: Callable[[bytes], bytes],
    reserve: int,
    field_name: str = "Signature1",
    certify: bool = False,
    reason: str = "",
    location: str = "",
    when: datetime | None = None,
) -> bytes:
    """Append an invisible PAdES signature (``ETSI.CAdES.detached``) to ``pdf`` in one update.

    ``cms_for(sha256 of the signed byte ranges) -> DER ContentInfo`` is called once; ``reserve`` is the
    largest CMS it may return (bytes). ``certify`` adds DocMDP P2 (form filling and signing allowed).
    """
    r = _read(pdf)
    if r.pdfa.endswith("A"):
        raise PdfaAccessible(detail={"pdfa": r.pdfa})
    docmdp = r.docmdp
    if docmdp == 1 or (certify and (docmdp is not None or any(f.signed for f in r.fields))):
        raise PdfCertified()
    upd = _Update(r.doc, pdf)
    sig_ref = upd.new_ref()
    catalog = dict(r.catalog)
    catalog_changed = False

    existing = [f for f in r.fields if f.name == field_name]
    if existing:
        (target,) = existing[:1]
        if target.signed or b"/Kids" in target.dict or target.dict.get(b"/Subtype") != b"/Widget":
            raise Unsupported("the named field is signed or not a single widget")
        upd.write(target.ref, dump({**target.dict, b"/V": sig_ref}))
    else:
        field_ref, ap_ref = upd.new_ref(), upd.new_ref()
        upd.write_stream(
            ap_ref, {b"/Type": Name(b"/XObject"), b"/Subtype": Name(b"/Form"), b"/BBox": [0, 0, 0, 0]}, b""
        )
        widget = {
            b"/Type": Name(b"/Annot"),
            b"/Subtype": Name(b"/Widget"),
            b"/FT": Name(b"/Sig"),
            b"/T": text_string(field_name),
            b"/F": 132,  # print, locked
            b"/Rect": [0, 0, 0, 0],
            b"/P": r.page_ref,
            b"/V": sig_ref,
            b"/AP": {b"/N": ap_ref},
        }
        upd.write(field_ref, dump(widget))
        page = dict(r.doc.dict_of(r.page_ref))
        annots = page.get(b"/Annots")
        if isinstance(annots, Ref):
            upd.write(annots, dump([*r.doc.list_of(annots), field_ref]))
        else:
            page[b"/Annots"] = [*(annots if isinstance(annots, list) else []), field_ref]
            upd.write(r.page_ref, dump(page))
        acro_val = catalog.get(b"/AcroForm")
        acro = dict(r.doc.dict_of(acro_val)) if acro_val is not None else {}
        fields_val = acro.get(b"/Fields")
        if isinstance(fields_val, Ref):
            upd.write(fields_val, dump([*r.doc.list_of(fields_val), field_ref]))
        else:
            acro[b"/Fields"] = [*(fields_val if isinstance(fields_val, list) else []), field_ref]
        acro[b"/SigFlags"] = 3
        if isinstance(acro_val, Ref):
            upd.write(acro_val, dump(acro))
        else:
            acro_ref = upd.new_ref()
            upd.write(acro_ref, dump(acro))
            catalog[b"/AcroForm"] = acro_ref
            catalog_changed = True

    sig: dict[bytes, Any] = {
        b"/Type": Name(b"/Sig"),
        b"/Filter": Name(b"/Adobe.PPKLite"),
        b"/SubFilter": Name(b"/ETSI.CAdES.detached"),
        b"/M": _pdf_date(when or datetime.now(UTC)),
    }
    if reason:
        sig[b"/Reason"] = text_string(reason)
    if location:
        sig[b"/Location"] = text_string(location)
    if certify:
        params = {b"/Type": Name(b"/TransformParams"), b"/V": Name(b"/1.2"), b"/P": 2}
        sig[b"/Reference"] = [
            {b"/Type": Name(b"/SigRef"), b"/TransformMethod": Name(b"/DocMDP"), b"/TransformParams": params}
        ]
        perms = dict(r.doc.dict_of(catalog[b"/Perms"])) if b"/Perms" in catalog else {}
        perms[b"/DocMDP"] = sig_ref
        catalog[b"/Perms"] = perms
        catalog_changed = True
    placeholder = b" ".join([b"0"] + [b"0" * _BR_WIDTH] * 3)
    body = dump(sig)[:-2] + b" /ByteRange [" + placeholder + b"] /Contents <"
    at = upd.write(sig_ref, body + b"0" * (2 * reserve) + b">>>")
    br_at = at + body.index(b"/ByteRange [") + len(b"/ByteRange [")
    contents_start = at + len(body) - 1
    contents_end = contents_start + 2 * reserve + 2
    if catalog_changed:
        upd.write(r.root_ref, dump(catalog))
    out = upd.finish(r.root_ref)
    ranges = b"0 %d %d %d" % (contents_start, contents_end, len(out) - contents_end)
    out[br_at : br_at + len(placeholder)] = ranges.ljust(len(placeholder))
    with memoryview(out) as view:
        digest = hashlib.sha256(view[:contents_start])
        digest.update(view[contents_end:])
    cms_der = cms_for(digest.digest())
    if len(cms_der) > reserve:
        raise PlaceholderTooSmall()
    hexed = cms_der.hex().encode("ascii")
    out[contents_start + 1 : contents_start + 1 + len(hexed)] = hexed
    signed = bytes(out)
    # Read the result back: its xref must lead to the catalog, the page and the field, now signed.
    if not any(f.name == field_name and f.signed for f in _read(signed, base=r).fields):
        raise Unsupported("the signed field is not found in the written update")
    return signed


@functools.lru_cache(maxsize=8)
def _dss_streams(
    certs: tuple[bytes, ...], crls: tuple[bytes, ...], ocsps: tuple[bytes, ...]
) -> tuple[tuple[bytes, tuple[bytes, ...]], ...]:
    """The bodies of the DSS's stream objects (Flate-compressed DER), made once per set of validation
    data and kept per process: a batch embeds the same chain, CRLs and OCSP response in every document."""
    head = {b"/Filter": Name(b"/FlateDecode")}
    return tuple(
        (key, tuple(_stream_body(head, zlib.compress(der)) for der in items))
        for key, items in ((b"/Certs", certs), (b"/CRLs", crls), (b"/OCSPs", ocsps))
    )


def append_dss(pdf: bytes, *, certs: Iterable[bytes], crls: Iterable[bytes], ocsps: Iterable[bytes]) -> bytes:
    """Append a Document Security Store (certificates, CRLs, OCSP responses, DER) as one more update;
    the entries of an existing DSS are kept."""
    r = _read(pdf)
    upd = _Update(r.doc, pdf)
    old_val = r.catalog.get(b"/DSS")
    dss = dict(r.doc.dict_of(old_val)) if old_val is not None else {}
    for key, bodies in _dss_streams(tuple(certs), tuple(crls), tuple(ocsps)):
        refs = list(r.doc.list_of(dss.get(key)))
        for body in bodies:
            ref = upd.new_ref()
            upd.write(ref, body)
            refs.append(ref)
        if refs:
            dss[key] = refs
    dss_ref = old_val if isinstance(old_val, Ref) else upd.new_ref()
    upd.write(dss_ref, dump(dss))
    if old_val != dss_ref:
        upd.write(r.root_ref, dump({**r.catalog, b"/DSS": dss_ref}))
    return bytes(upd.finish(r.root_ref))
