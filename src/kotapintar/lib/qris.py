"""QRIS (EMVCo Merchant-Presented Mode) payloads: encode static and dynamic, decode and validate.

Pure Python, no Django. A payload is a sequence of data objects `ID(2 digits) LEN(2 digits) VALUE`;
templates (26–51 merchant account information, 62 additional data, 64 alternate language, 80–99)
nest the same structure in their value. Lengths count characters, not bytes; the CRC (tag 63,
CRC-16/CCITT-FALSE) covers the UTF-8 bytes of everything before its value, including "6304".

`decode()` raises `QrisError` with a stable `code` (`empty`, `too_long`, `bad_tag`, `bad_length`,
`duplicate_tag`, `missing_tag`, `out_of_range`, `crc_mismatch`, `crc_not_last`, `bad_format`) and the
tag path where it happened, so a scanner can say exactly what is wrong. `decode(lenient=True)` takes
payloads as found in the wild: format deviations (`out_of_range`, `missing_tag` other than the CRC)
become warnings with their tag; structure and CRC errors are refused in every mode.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MAX_PAYLOAD_CHARS = 512
QRIS_GUI = "ID.CO.QRIS.WWW"
MERCHANT_CRITERIA = {
    "UMI": "micro",
    "UKE": "small",
    "UME": "medium",
    "UBE": "large",
    "URE": "regular",
    "PSO": "public service obligation",
    "BLU": "public service agency",
}

ROOT_NAMES: dict[str, str] = {
    "00": "Payload Format Indicator",
    "01": "Point of Initiation Method",
    "52": "Merchant Category Code",
    "53": "Transaction Currency",
    "54": "Transaction Amount",
    "55": "Tip or Convenience Indicator",
    "56": "Value of Convenience Fee Fixed",
    "57": "Value of Convenience Fee Percentage",
    "58": "Country Code",
    "59": "Merchant Name",
    "60": "Merchant City",
    "61": "Postal Code",
    "62": "Additional Data Field Template",
    "63": "CRC",
    "64": "Merchant Information - Language Template",
}
ADDITIONAL_NAMES: dict[str, str] = {
    "01": "Bill Number",
    "02": "Mobile Number",
    "03": "Store Label",
    "04": "Loyalty Number",
    "05": "Reference Label",
    "06": "Customer Label",
    "07": "Terminal Label",
    "08": "Purpose of Transaction",
    "09": "Additional Consumer Data Request",
}
ACCOUNT_NAMES: dict[str, str] = {
    "00": "Globally Unique Identifier",
    "01": "Merchant PAN",
    "02": "Merchant ID",
    "03": "Merchant Criteria",
}
LANGUAGE_NAMES: dict[str, str] = {
    "00": "Language Preference",
    "01": "Merchant Name - Alternate Language",
    "02": "Merchant City - Alternate Language",
}

_DIGITS = re.compile(r"^[0-9]+$")
_AMOUNT = re.compile(r"^(?:[0-9]+(?:\.[0-9]{1,2})?|\.[0-9]{1,2})$")
_AMOUNT_ANY_DECIMALS = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$")


def crc16_hex(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 bytes of `text`, as 4 uppercase hex
    digits (the QRIS tag 63 value): `binascii.crc_hqx` started at 0xFFFF."""
    return f"{binascii.crc_hqx(text.encode('utf-8'), 0xFFFF):04X}"


class QrisError(ValueError):
    """An invalid payload: `code` is stable, `tag` the path (e.g. "62.05"), `message` in English."""

    def __init__(self, code: str, message: str, *, tag: str = "") -> None:
        self.code = code
        self.tag = tag
        self.message = message
        super().__init__(f"{code}: {message}" + (f" (tag {tag})" if tag else ""))


def root_name(tag: str) -> str:
    if tag in ROOT_NAMES:
        return ROOT_NAMES[tag]
    n = int(tag)
    if 2 <= n <= 25:
        return "Merchant Account Information (card network)"
    if 26 <= n <= 45:
        return "Merchant Account Information (domestic)"
    if 46 <= n <= 50:
        return "Merchant Account Information (reserved)"
    if n == 51:
        return "Merchant Account Information (national repository)"
    if 65 <= n <= 79:
        return "RFU for EMVCo"
    return "Unreserved Template"


def _is_template(tag: str) -> bool:
    n = int(tag)
    return 26 <= n <= 51 or n in (62, 64) or 80 <= n <= 99


def _child_name(parent: str, tag: str) -> str:
    p = int(parent)
    if 26 <= p <= 51 or 80 <= p <= 99:
        return (
            ACCOUNT_NAMES.get(tag, "Payment network specific")
            if 26 <= p <= 51
            else ("Globally Unique Identifier" if tag == "00" else "Context specific data")
        )
    if p == 62:
        if tag in ADDITIONAL_NAMES:
            return ADDITIONAL_NAMES[tag]
        return "RFU for EMVCo" if int(tag) < 50 else "Payment System specific template"
    if p == 64:
        return LANGUAGE_NAMES.get(tag, "RFU for EMVCo")
    return ""


@dataclass(frozen=True)
class DataObject:
    tag: str
    value: str
    name: str = ""
    children: tuple[DataObject, ...] = ()

    @property
    def length(self) -> int:
        return len(self.value)

    def child(self, tag: str) -> DataObject | None:
        return next((c for c in self.children if c.tag == tag), None)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tag": self.tag, "name": self.name, "length": self.length, "value": self.value}
        if self.children:
            out["children"] = [c.as_dict() for c in self.children]
        return out


def parse_tlv(text: str, *, path: str = "") -> list[tuple[str, str]]:
    """Split `text` into (tag, value) pairs; raise QrisError on a bad tag or length."""
    items: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        where = f"{path}.{text[pos : pos + 2]}" if path else text[pos : pos + 2]
        if pos + 4 > len(text):
            raise QrisError("bad_length", f"truncated data object header at character {pos}", tag=where)
        tag, length_text = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not (tag.isascii() and tag.isdigit()):
            raise QrisError("bad_tag", f"tag {tag!r} at character {pos} is not two digits", tag=path)
        if not (length_text.isascii() and length_text.isdigit()):
            raise QrisError("bad_length", f"length {length_text!r} is not two digits", tag=where)
        length = int(length_text)
        if length == 0:
            raise QrisError("bad_length", "a data object may not be empty", tag=where)
        end = pos + 4 + length
        if end > len(text):
            raise QrisError(
                "bad_length",
                f"declared length {length} runs past the end ({len(text) - pos - 4} characters left)",
                tag=where,
            )
        items.append((tag, text[pos + 4 : end]))
        pos = end
    return items


def _objects(text: str, *, parent: str = "") -> tuple[DataObject, ...]:
    result: list[DataObject] = []
    seen: set[str] = set()
    for tag, value in parse_tlv(text, path=parent):
        path = f"{parent}.{tag}" if parent else tag
        if tag in seen:
            raise QrisError("duplicate_tag", "the tag appears twice", tag=path)
        seen.add(tag)
        children: tuple[DataObject, ...] = ()
        if not parent and _is_template(tag):
            children = _objects(value, parent=tag)
        name = _child_name(parent, tag) if parent else root_name(tag)
        result.append(DataObject(tag=tag, value=value, name=name, children=children))
    return tuple(result)


@dataclass(frozen=True)
class Payload:
    """A decoded, validated payload."""

    raw: str
    objects: tuple[DataObject, ...]
    warnings: tuple[str, ...] = field(default=())

    def get(self, tag: str) -> DataObject | None:
        return next((o for o in self.objects if o.tag == tag), None)

    def value(self, tag: str, default: str = "") -> str:
        obj = self.get(tag)
        return obj.value if obj is not None else default

    @property
    def dynamic(self) -> bool:
        return self.value("01") == "12"

    @property
    def amount(self) -> str:
        return self.value("54")

    @property
    def amount_idr(self) -> int | None:
        """The amount in whole rupiah (QRIS amounts carry no cents), rounded half up; None when absent
        or not a number (a lenient decode's warning says so)."""
        text = self.amount
        if not _AMOUNT_ANY_DECIMALS.match(text):
            return None
        return int(Decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def merchant_name(self) -> str:
        return self.value("59")

    @property
    def merchant_city(self) -> str:
        return self.value("60")

    def merchant_accounts(self) -> list[DataObject]:
        return [o for o in self.objects if 2 <= int(o.tag) <= 51]

    def additional(self, sub: str) -> str:
        obj = self.get("62")
        child = obj.child(sub) if obj is not None else None
        return child.value if child is not None else ""

    def nmid(self) -> str:
        obj = self.get("51")
        child = obj.child("02") if obj is not None else None
        return child.value if child is not None else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": True,
            "initiation": "dynamic" if self.dynamic else "static",
            "merchant_name": self.merchant_name,
            "merchant_city": self.merchant_city,
            "currency": self.value("53"),
            "amount": self.amount or None,
            "crc": self.value("63"),
            "warnings": list(self.warnings),
            "tags": [o.as_dict() for o in self.objects],
        }


@dataclass
class _Rules:
    """Applies the format rules: a deviation raises QrisError, or, when `lenient`, becomes a warning
    "<tag>: <message>" and decoding goes on. Structure (TLV) and CRC errors never pass through here."""

    lenient: bool
    warnings: list[str] = field(default_factory=list)

    def deviation(self, code: str, message: str, *, tag: str) -> None:
        if not self.lenient:
            raise QrisError(code, message, tag=tag)
        self.warnings.append(f"{tag}: {message}")

    def text(self, obj: DataObject, path: str, *, max_len: int, min_len: int = 1) -> None:
        if not (min_len <= obj.length <= max_len):
            self.deviation("out_of_range", f"length {obj.length} is outside {min_len}..{max_len}", tag=path)

    def amount(self, obj: DataObject, path: str, what: str) -> None:
        value = obj.value
        if len(value) > 13:
            self.deviation("out_of_range", f"{what} has more than 13 characters", tag=path)
        if _AMOUNT.match(value):
            if not value.replace(".", "").strip("0"):
                self.deviation("out_of_range", f"{what} must be greater than zero", tag=path)
        elif _AMOUNT_ANY_DECIMALS.match(value) and value.replace(".", "").strip("0"):
            self.deviation("out_of_range", f"{what} {value!r} has more than 2 decimals", tag=path)
        else:
            self.deviation("out_of_range", f"{what} {value!r} is not a decimal number", tag=path)


def _validate_account(obj: DataObject, *, strict_qris: bool, rules: _Rules) -> None:
    n = int(obj.tag)
    if n < 26:
        return  # card-network accounts are primitive values defined by each network
    gui = obj.child("00")
    if gui is None:
        rules.deviation(
            "missing_tag", "merchant account template without a GUID (sub-tag 00)", tag=f"{obj.tag}.00"
        )
        return
    rules.text(gui, f"{obj.tag}.00", max_len=32)
    if not (strict_qris or gui.value.upper().startswith("ID.")):
        return  # another country's scheme: sub-tags 01.. are defined by its GUID owner
    pan = obj.child("01")
    if pan is not None:
        if not _DIGITS.match(pan.value) or pan.length > 19:
            rules.deviation("out_of_range", "merchant PAN must be up to 19 digits", tag=f"{obj.tag}.01")
        elif strict_qris and n != 51 and pan.length != 18:
            rules.warnings.append(f"{obj.tag}.01: QRIS merchant PAN is usually 18 digits")
    mid = obj.child("02")
    if mid is not None:
        rules.text(mid, f"{obj.tag}.02", max_len=15)
    crit = obj.child("03")
    if crit is not None and crit.value not in MERCHANT_CRITERIA:
        rules.deviation(
            "out_of_range",
            f"merchant criteria {crit.value!r} is not one of {', '.join(MERCHANT_CRITERIA)}",
            tag=f"{obj.tag}.03",
        )
    if strict_qris and n == 51 and mid is None:
        rules.deviation("missing_tag", "the national repository template carries the NMID", tag="51.02")


def _check_crc(payload: str, objects: tuple[DataObject, ...], warnings: list[str]) -> None:
    """The CRC is present, last, 4 hex digits and right: refused in every mode."""
    tags = [o.tag for o in objects]
    if "63" not in tags:
        raise QrisError("missing_tag", "CRC (tag 63) is missing", tag="63")
    if tags[-1] != "63":
        raise QrisError("crc_not_last", "the CRC must be the last data object", tag="63")
    crc_obj = objects[-1]
    if crc_obj.length != 4 or not re.match(r"^[0-9A-Fa-f]{4}$", crc_obj.value):
        raise QrisError("bad_length", "the CRC must be 4 hexadecimal characters", tag="63")
    expected = crc16_hex(payload[:-4])
    if crc_obj.value.upper() != expected:
        raise QrisError("crc_mismatch", f"CRC is {crc_obj.value}, computed {expected}", tag="63")
    if crc_obj.value != crc_obj.value.upper():
        warnings.append("63: CRC should be uppercase hexadecimal")


def decode(payload: str, *, strict_qris: bool = False, lenient: bool = False) -> Payload:
    """Parse and validate an EMVCo MPM payload.

    The structure (TLV: tags, lengths, no duplicates, the Payload Format Indicator first) and the CRC
    are always enforced. The format rules (lengths and formats of values, mandatory tags) raise too,
    unless `lenient`: then each deviation found in the wild (an amount with 3 decimals, a merchant city
    longer than 15 characters, …) is reported in `warnings` with its tag and the rest is decoded.
    With `strict_qris` (never lenient), also apply the QRIS rules (IDR currency, country ID, a QRIS
    national repository template, an amount on dynamic codes): what a payment the city accepts needs."""
    if not isinstance(payload, str) or not payload.strip():
        raise QrisError("empty", "the payload is empty")
    payload = payload.strip()
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise QrisError("too_long", f"{len(payload)} characters; at most {MAX_PAYLOAD_CHARS}")
    objects = _objects(payload)
    tags = [o.tag for o in objects]
    rules = _Rules(lenient=lenient and not strict_qris)

    if tags[0] != "00":
        raise QrisError("bad_format", "the payload must start with the Payload Format Indicator", tag="00")
    _check_crc(payload, objects, rules.warnings)

    mandatory = ["00", "52", "53", "58", "59", "60"]
    if strict_qris:
        mandatory.insert(1, "01")
    for tag in mandatory:
        if tag not in tags:
            rules.deviation("missing_tag", f"mandatory tag {tag} ({root_name(tag)}) is missing", tag=tag)
    accounts = [o for o in objects if 2 <= int(o.tag) <= 51]
    if not accounts:
        rules.deviation("missing_tag", "no merchant account information (tags 02–51)", tag="26")

    by_tag = {o.tag: o for o in objects}
    if by_tag["00"].value != "01":
        rules.deviation("out_of_range", "Payload Format Indicator must be 01", tag="00")
    if "01" in by_tag and by_tag["01"].value not in ("11", "12"):
        rules.deviation("out_of_range", "Point of Initiation must be 11 (static) or 12 (dynamic)", tag="01")
    if "52" in by_tag:
        mcc = by_tag["52"].value
        if not (len(mcc) == 4 and _DIGITS.match(mcc)):
            rules.deviation("out_of_range", "Merchant Category Code must be 4 digits", tag="52")
    if "53" in by_tag:
        cur = by_tag["53"].value
        if not (len(cur) == 3 and _DIGITS.match(cur)):
            rules.deviation("out_of_range", "currency must be a 3-digit ISO 4217 code", tag="53")
        if strict_qris and cur != "360":
            rules.deviation("out_of_range", "QRIS currency must be 360 (IDR)", tag="53")
    if "54" in by_tag:
        rules.amount(by_tag["54"], "54", "amount")
    elif strict_qris and by_tag.get("01") is not None and by_tag["01"].value == "12":
        rules.deviation("missing_tag", "a dynamic QRIS must carry the amount (tag 54)", tag="54")
    if "55" in by_tag:
        tip = by_tag["55"].value
        if tip not in ("01", "02", "03"):
            rules.deviation("out_of_range", "tip indicator must be 01, 02 or 03", tag="55")
        if tip == "02" and "56" not in by_tag:
            rules.deviation("missing_tag", "fixed convenience fee (56) missing for indicator 02", tag="56")
        if tip == "03" and "57" not in by_tag:
            rules.deviation("missing_tag", "percentage fee (57) missing for indicator 03", tag="57")
    if "56" in by_tag and not _AMOUNT.match(by_tag["56"].value):
        rules.deviation("out_of_range", "fixed convenience fee is not a decimal number", tag="56")
    if "57" in by_tag:
        pct = by_tag["57"].value
        whole_text = pct.partition(".")[0]
        whole = int(whole_text) if whole_text.isascii() and whole_text.isdigit() else 0
        if (
            not _AMOUNT.match(pct)
            or not pct.replace(".", "").strip("0")
            or whole > 100
            or (whole == 100 and pct.partition(".")[2].strip("0"))
        ):
            rules.deviation("out_of_range", "percentage fee must be between 0 and 100", tag="57")
    if "58" in by_tag:
        country = by_tag["58"].value
        if not (len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()):
            rules.deviation("out_of_range", "country code must be 2 uppercase letters", tag="58")
        if strict_qris and country != "ID":
            rules.deviation("out_of_range", "QRIS country code must be ID", tag="58")
    if "59" in by_tag:
        rules.text(by_tag["59"], "59", max_len=25)
    if "60" in by_tag:
        rules.text(by_tag["60"], "60", max_len=15)
    if "61" in by_tag:
        rules.text(by_tag["61"], "61", max_len=10)
    if "62" in by_tag:
        for child in by_tag["62"].children:
            if child.tag in ADDITIONAL_NAMES and child.tag != "09":
                rules.text(child, f"62.{child.tag}", max_len=25)
    for acc in accounts:
        _validate_account(acc, strict_qris=strict_qris, rules=rules)
    if strict_qris:
        qris = [a for a in accounts if (a.child("00") or DataObject("", "")).value == QRIS_GUI]
        if not qris:
            rules.deviation("missing_tag", f"no merchant account with GUID {QRIS_GUI}", tag="51")
    return Payload(raw=payload, objects=objects, warnings=tuple(rules.warnings))


def _tlv(tag: str, value: str) -> str:
    if not value:
        return ""
    if len(value) > 99:
        raise QrisError("out_of_range", f"value of {len(value)} characters is longer than 99", tag=tag)
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append tag 63 with the CRC over `body` + "6304"."""
    head = body + "6304"
    return head + crc16_hex(head)


@dataclass(frozen=True)
class Merchant:
    """What a merchant-presented QRIS needs to know about the merchant."""

    name: str
    city: str
    mcc: str
    pan: str  # merchant PAN at the acquirer (18 digits in QRIS)
    merchant_id: str  # the PJP's merchant id
    nmid: str  # national merchant id (ID...)
    acquirer_gui: str = "ID.CO.KOTAPINTAR.WWW"
    criteria: str = "UMI"
    postal_code: str = ""
    account_tag: str = "26"


def encode(
    merchant: Merchant,
    *,
    amount_idr: int | None = None,
    bill_number: str = "",
    reference: str = "",
    terminal: str = "",
    store: str = "",
    purpose: str = "",
    extra_additional: str = "",
) -> str:
    """A QRIS payload: static (tag 01 = 11) without an amount, dynamic (12) with one."""
    if amount_idr is not None and (isinstance(amount_idr, bool) or amount_idr <= 0):
        raise QrisError("out_of_range", "amount must be a positive whole number of rupiah", tag="54")
    if merchant.criteria not in MERCHANT_CRITERIA:
        raise QrisError("out_of_range", f"unknown merchant criteria {merchant.criteria!r}", tag="26.03")
    if not (1 <= len(merchant.name) <= 25):
        raise QrisError("out_of_range", "merchant name must be 1..25 characters", tag="59")
    if not (1 <= len(merchant.city) <= 15):
        raise QrisError("out_of_range", "merchant city must be 1..15 characters", tag="60")
    account = (
        _tlv("00", merchant.acquirer_gui)
        + _tlv("01", merchant.pan)
        + _tlv("02", merchant.merchant_id)
        + _tlv("03", merchant.criteria)
    )
    national = _tlv("00", QRIS_GUI) + _tlv("02", merchant.nmid) + _tlv("03", merchant.criteria)
    additional = (
        _tlv("01", bill_number)
        + _tlv("03", store)
        + _tlv("05", reference)
        + _tlv("07", terminal)
        + _tlv("08", purpose)
        + extra_additional  # already TLV-encoded sub-tags (e.g. a 50–99 payment-system template)
    )
    body = (
        _tlv("00", "01")
        + _tlv("01", "12" if amount_idr is not None else "11")
        + _tlv(merchant.account_tag, account)
        + _tlv("51", national)
        + _tlv("52", merchant.mcc)
        + _tlv("53", "360")
        + (_tlv("54", str(amount_idr)) if amount_idr is not None else "")
        + _tlv("58", "ID")
        + _tlv("59", merchant.name)
        + _tlv("60", merchant.city)
        + _tlv("61", merchant.postal_code)
        + _tlv("62", additional)
    )
    payload = with_crc(body)
    decode(payload, strict_qris=True)  # never hand out a payload we would reject ourselves
    return payload


def to_dynamic(static_payload: str, *, amount_idr: int, reference: str = "") -> str:
    """Turn a static payload into a dynamic one: 01 = 12, tag 54 before 58, new CRC.

    This only edits text: it proves nothing about a payment. Credit a wallet only on the
    acquirer's notification.
    """
    if isinstance(amount_idr, bool) or amount_idr <= 0:
        raise QrisError("out_of_range", "amount must be a positive whole number of rupiah", tag="54")
    decoded = decode(static_payload)
    parts: list[str] = []
    for obj in decoded.objects:
        if obj.tag in ("01", "54", "63"):
            continue
        if obj.tag == "58":
            parts.append(_tlv("54", str(amount_idr)))
        if obj.tag == "62" and reference:
            kept = "".join(_tlv(c.tag, c.value) for c in obj.children if c.tag != "05")
            parts.append(_tlv("62", kept + _tlv("05", reference)))
            continue
        parts.append(_tlv(obj.tag, obj.value))
        if obj.tag == "00":
            parts.append(_tlv("01", "12"))
    if reference and decoded.get("62") is None:
        idx = (
            next(i for i, p in enumerate(parts) if p.startswith("63"))
            if any(p.startswith("63") for p in parts)
            else len(parts)
        )
        parts.insert(idx, _tlv("62", _tlv("05", reference)))
    return with_crc("".join(parts))
