"""Verify every signature in a PDF: integrity, signer, chain to the city root, timestamp, revocation
status at signing time and pyHanko's difference analysis of later revisions.

The report is plain JSON-able data; the public page, the API and `kotapintar esign-verify` all show
the same dictionary.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

from kotapintar.core import localtime
from kotapintar.esign import documents, pki, selectors
from kotapintar.esign.errors import PdfBroken
from kotapintar.esign.models import CrlState, PkiCertificate, Revocation
from kotapintar.esign.pki_signing import run_sync

logger = logging.getLogger(__name__)


def _name_attr(cert: asn1_x509.Certificate, key: str) -> str:
    value = cert.subject.native.get(key, "")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value or "")


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _local(value: dt.datetime | None) -> str | None:
    """The time as people in the city read it (its zone: WIB, WITA or WIT)."""
    if value is None:
        return None
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M:%S ") + localtime.abbreviation()


def extra_trust_roots() -> list[asn1_x509.Certificate]:
    """Roots trusted besides the city's own, e.g. the BSrE / PSrE Induk chain for certified signatures:
    a PEM bundle named by ESIGN_TRUST_ROOTS_FILE (setting or environment)."""
    path = getattr(settings, "ESIGN_TRUST_ROOTS_FILE", None)
    if not path:
        return []
    try:
        data = Path(path).read_bytes()
    except OSError:
        logger.warning("ESIGN_TRUST_ROOTS_FILE %s cannot be read", path)
        return []
    result = []
    for _type, _headers, der in pem.unarmor(data, multiple=True):
        result.append(asn1_x509.Certificate.load(der))
    return result


def validation_context(
    *, moment: dt.datetime | None = None, extra_roots: tuple[asn1_x509.Certificate, ...] = ()
) -> ValidationContext:
    """Trust only the city's roots (plus ``extra_roots``); revocation from the platform's own current
    CRLs (no network).

    With ``moment`` the chain is judged at that time (a timestamped signature made before a later
    revocation), accepting today's CRL as evidence about that earlier moment.
    """
    roots = (
        [asn1_x509.Certificate.load(d) for d in selectors.trust_roots_der()]
        + extra_trust_roots()
        + list(extra_roots)
    )
    crls: list[bytes] = []
    for ca in PkiCertificate.objects.filter(kind__in=["root", "issuing"]):
        crls.append(pki.crl_current(ca=ca))
    return ValidationContext(
        trust_roots=roots,
        other_certs=[asn1_x509.Certificate.load(d) for d in selectors.ca_certs_der()],
        crls=crls,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        retroactive_revinfo=moment is not None,
    )


def _city_revocation(cert: asn1_x509.Certificate) -> Revocation | None:
    known = PkiCertificate.objects.filter(serial=str(cert.serial_number)).select_related("revocation").first()
    if known is None or known.cert_der is None or bytes(known.cert_der) != cert.dump():
        return None
    return Revocation.objects.filter(certificate=known).first()


#: The stable codes of each check of a signature, in the JSON (``checks``) and on the page.
CHECK_CODES: dict[str, tuple[str, ...]] = {
    "integrity": ("digest_ok", "digest_mismatch", "bad_signature", "unreadable_signature"),
    "trust": ("trusted", "untrusted", "certificate_revoked", "not_checked"),
    "revocation": ("good", "revoked_before_signing", "revoked_after_signing", "unknown"),
    "timestamp": ("timestamp_ok", "timestamp_absent", "bad_timestamp"),
    "modification": ("unchanged", "validation_data_added", "form_fill", "disallowed_change", "not_checked"),
    "coverage": ("entire_file", "entire_revision", "partial_coverage", "bad_byte_range"),
}

#: What a disallowed later revision touched, as ``modification.changes``.
CHANGE_KINDS = (
    "pages",
    "page_content",
    "annotations",
    "form_fields",
    "fonts",
    "xobjects",
    "catalog",
    "other",
)

CHANGE_LABELS = {
    "pages": gettext_lazy("pages added or removed"),
    "page_content": gettext_lazy("page content replaced"),
    "annotations": gettext_lazy("annotations added or changed"),
    "form_fields": gettext_lazy("form fields changed"),
    "fonts": gettext_lazy("fonts changed"),
    "xobjects": gettext_lazy("images or overlays changed"),
    "catalog": gettext_lazy("document structure changed"),
    "other": gettext_lazy("other objects changed"),
}

#: DocMDP permission of a certification signature, in words for clerks.
DOCMDP_LABELS = {
    1: gettext_lazy("Certified: no change allowed after this signature"),
    2: gettext_lazy("Certified: only filling in the prepared signature fields and form fields is allowed"),
    3: gettext_lazy("Certified: form filling and comments allowed"),
}

_ANNOT_SUBTYPES = {
    "/Text",
    "/Link",
    "/FreeText",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Stamp",
    "/Caret",
    "/Ink",
    "/Popup",
    "/FileAttachment",
    "/Sound",
    "/Movie",
    "/Screen",
    "/PrinterMark",
    "/TrapNet",
    "/Watermark",
    "/3D",
    "/Redact",
    "/Widget",
}


CHECK_LABELS = {
    "digest_ok": gettext_lazy("the signed bytes are unchanged"),
    "digest_mismatch": gettext_lazy("the signed bytes were changed: the digest does not match"),
    "bad_signature": gettext_lazy("the digest matches but the signature over it is not valid"),
    "unreadable_signature": gettext_lazy("the signature cannot be read"),
    "trusted": gettext_lazy("the certificate chains to a trusted root"),
    "untrusted": gettext_lazy("the certificate does not chain to a trusted root"),
    "certificate_revoked": gettext_lazy("the certificate is revoked"),
    "not_checked": gettext_lazy("not checked"),
    "good": gettext_lazy("not revoked at signing time"),
    "revoked_before_signing": gettext_lazy("revoked before the signing time"),
    "revoked_after_signing": gettext_lazy("revoked after the signing time (the signature stays valid)"),
    "unknown": gettext_lazy("unknown"),
    "timestamp_ok": gettext_lazy("a valid timestamp from a trusted authority"),
    "timestamp_absent": gettext_lazy("no timestamp (the time is the signer's own claim)"),
    "bad_timestamp": gettext_lazy("the timestamp is not valid or not trusted"),
    "unchanged": gettext_lazy("no change after signing"),
    "validation_data_added": gettext_lazy("only validation data added after signing"),
    "form_fill": gettext_lazy("only allowed changes: later signatures and form filling"),
    "disallowed_change": gettext_lazy("changed after signing in a way that is not allowed"),
    "entire_file": gettext_lazy("the signature covers the whole file"),
    "entire_revision": gettext_lazy("the signature covers its whole revision; later revisions were checked"),
    "partial_coverage": gettext_lazy("the signature does not cover its whole revision"),
    "bad_byte_range": gettext_lazy("the signed byte range is not the file's (possible signature wrapping)"),
}


def _check(code: str, ok: bool | None) -> dict[str, Any]:
    return {"code": code, "ok": ok, "label": str(CHECK_LABELS[code])}


def _kind_of(obj: Any, before: Any) -> set[str]:
    """What one object written in a later revision is, compared with its previous version."""
    if not isinstance(obj, generic.DictionaryObject):  # StreamObject is a DictionaryObject too
        return {"other"}
    kind = obj.get("/Type")
    subtype = obj.get("/Subtype")
    if kind == "/Page":
        changed = set()
        prev = before if isinstance(before, generic.DictionaryObject) else {}
        if before is None:
            changed.add("pages")
        if obj.get("/Contents") != prev.get("/Contents") or obj.get("/Resources") != prev.get("/Resources"):
            changed.add("page_content")
        if obj.get("/Annots") != prev.get("/Annots"):
            changed.add("annotations")
        return changed or {"other"}
    if kind == "/Pages":
        return {"pages"}
    if kind == "/Catalog":
        return {"catalog"}
    if kind in ("/Font", "/FontDescriptor") or subtype in ("/Type1", "/TrueType", "/Type0", "/Type3"):
        return {"fonts"}
    if "/FT" in obj or ("/T" in obj and "/Parent" in obj) or "/Fields" in obj:
        return {"form_fields"}
    if kind == "/Annot" or (subtype in _ANNOT_SUBTYPES and "/Rect" in obj):
        return {"annotations"}
    if subtype in ("/Form", "/Image"):
        return {"xobjects"}
    if isinstance(obj, generic.StreamObject) and kind is None:
        return {"page_content"}
    return {"other"}


def changes_after(reader: PdfFileReader, revision: int) -> list[str]:
    """Kinds of objects (``CHANGE_KINDS``) the revisions after ``revision`` wrote: a description of a
    disallowed change for people, not a verdict (pyHanko's difference analysis gives that)."""
    found: set[str] = set()
    try:
        total = reader.xrefs.total_revisions
        for rev in range(revision + 1, total):
            now = reader.get_historical_resolver(rev)
            then = reader.get_historical_resolver(rev - 1)
            trailer = now.trailer_view
            info = trailer.raw_get("/Info").idnum if "/Info" in trailer else None
            known_before = int(then.trailer_view.get("/Size", 0))
            for ref in reader.xrefs.explicit_refs_in_revision(rev):
                if ref.idnum == info:  # the document information (producer, dates): no content
                    continue
                obj = now(ref)
                if isinstance(obj, dict) and obj.get("/Type") in ("/XRef", "/ObjStm"):
                    continue
                before = then(ref) if ref.idnum < known_before else None
                found |= _kind_of(obj, before)
    except Exception:  # noqa: BLE001 - a damaged later revision is itself a change worth naming
        found.add("other")
    return [kind for kind in CHANGE_KINDS if kind in found]


def _trust_apart(embedded: Any, vc: ValidationContext) -> bool | None:
    """Does the signer's certificate chain to a trusted root? Asked on its own when the signature itself
    does not verify (pyHanko then skips the chain), so that a flipped byte is not called untrusted."""
    try:
        others = [c.chosen for c in embedded.signed_data["certificates"] if c.name == "certificate"]
        validator = CertificateValidator(
            embedded.signer_cert, intermediate_certs=others, validation_context=vc
        )
        run_sync(lambda: asyncio.run(validator.async_validate_usage(set())))  # type: ignore[no-untyped-call]  # pyhanko-certvalidator leaves it unannotated
    except (PathBuildingError, PathValidationError, ValidationError):
        return False
    except Exception:  # noqa: BLE001 - an unreadable certificate set: the chain cannot be told
        return None
    return True


def _unreadable(field: str, exc: Exception) -> dict[str, Any]:
    checks = {
        "integrity": _check("unreadable_signature", False),
        "trust": _check("not_checked", None),
        "revocation": _check("unknown", None),
        "timestamp": _check("timestamp_absent", None),
        "modification": {**_check("not_checked", None), "changes": []},
        "coverage": _check("bad_byte_range", False),
    }
    return {
        "field": field,
        "valid": False,
        "intact": False,
        "signature_valid": False,
        "trusted": False,
        "signer": {},
        "checks": checks,
        "problems": ["unreadable_signature"],
        "reasons": [_("The signature cannot be read: %(error)s") % {"error": str(exc)[:200]}],
        "details": [],
    }


def _signature_report(
    embedded: Any,
    vc: ValidationContext,
    reader: PdfFileReader,
    extra_roots: tuple[asn1_x509.Certificate, ...] = (),
) -> dict[str, Any]:
    reasons: list[str] = []
    problems: list[str] = []
    details: list[str] = []  # technical detail from the validator (English), shown apart

    def problem(code: str, message: str) -> None:
        problems.append(code)
        reasons.append(message)

    field = embedded.field_name
    try:
        status = run_sync(lambda: validate_pdf_signature(embedded, vc, ts_validation_context=vc))
    except Exception as exc:  # noqa: BLE001 - public check of any uploaded file: whatever pyHanko raises on a malformed signature is reported as unreadable, never a 500
        return _unreadable(field, exc)
    cert = status.signing_cert
    ts = status.timestamp_validity
    signing_time = ts.timestamp if ts is not None else status.signer_reported_dt

    # integrity: the digest of the signed bytes, then the signature over it
    if not status.intact:
        integrity = _check("digest_mismatch", False)
        problem("digest_mismatch", _("The signed bytes were changed (the digest does not match)."))
    elif not status.valid:
        integrity = _check("bad_signature", False)
        problem("bad_signature", _("The cryptographic signature is not valid."))
    else:
        integrity = _check("digest_ok", True)

    # coverage: what the ByteRange covers
    coverage_level = status.coverage.name if status.coverage is not None else None
    if coverage_level == "ENTIRE_FILE":
        coverage = _check("entire_file", True)
    elif coverage_level == "ENTIRE_REVISION":
        coverage = _check("entire_revision", True)
    elif coverage_level == "CONTIGUOUS_BLOCK_FROM_START":
        coverage = _check("partial_coverage", False)
        problem("partial_coverage", _("The signature does not cover the whole revision it belongs to."))
    else:
        coverage = _check("bad_byte_range", False)
        problem(
            "bad_byte_range",
            _(
                "The signed byte range does not start at the beginning of the file "
                "or skips more than the signature."
            ),
        )

    chain: list[str] = []
    if status.validation_path is not None:
        chain = [c.subject.human_friendly for c in status.validation_path.iter_certs(include_root=True)]
    revocation = _city_revocation(cert)
    revoked_before = bool(revocation and signing_time and revocation.revoked_at <= signing_time)
    if revocation is not None and not revoked_before and ts is not None and ts.trusted and ts.valid:
        # Revoked after a trusted timestamp proved the signature existed: judge the chain at that time.
        vc_then = validation_context(moment=ts.timestamp, extra_roots=extra_roots)
        status = run_sync(lambda: validate_pdf_signature(embedded, vc_then, ts_validation_context=vc))

    # signer trust: the chain to a trusted root (asked apart when the signature itself failed)
    chain_ok: bool | None = bool(status.trusted)
    if not (status.intact and status.valid):
        chain_ok = _trust_apart(embedded, vc)
    if revocation is None:
        revocation_status = "good" if chain_ok else "unknown"
    elif revoked_before:
        revocation_status = "revoked_before_signing"
        problem(
            "revoked_before_signing",
            _("The certificate was revoked on %(date)s, before the signing time.")
            % {"date": revocation.revoked_at.isoformat()},
        )
    else:
        revocation_status = "revoked_after_signing"
    indic = status.trust_problem_indic
    if chain_ok is None:
        trust = _check("not_checked", None)
    elif chain_ok:
        trust = _check("trusted", True)
    elif revoked_before or revocation is not None or (indic is not None and "REVOKED" in str(indic)):
        trust = _check("certificate_revoked", False)
        if not revoked_before:
            problem("certificate_revoked", _("The signer's certificate is revoked."))
    else:
        trust = _check("untrusted", False)
        problem("untrusted", _("The certificate does not chain to a trusted root."))

    ts_report: dict[str, Any] = {"present": ts is not None}
    if ts is not None:
        ts_ok = ts.intact and ts.valid and ts.trusted
        ts_report.update(time=_iso(ts.timestamp), time_local=_local(ts.timestamp), valid=ts_ok)
        timestamp = _check("timestamp_ok" if ts_ok else "bad_timestamp", ts_ok)
        if not ts_ok:
            problem("bad_timestamp", _("The timestamp is not valid or not trusted."))
    else:
        timestamp = _check("timestamp_absent", None)

    # modification after signing: pyHanko's difference analysis and the DocMDP permissions
    level = status.modification_level
    diff = status.diff_result
    disallowed = status.docmdp_ok is False or (level is not None and level.name in ("ANNOTATIONS", "OTHER"))
    changed_after = level is not None and level.name not in ("NONE", "LTA_UPDATES")
    changes: list[str] = []
    if disallowed:
        changes = changes_after(reader, embedded.signed_revision)
        modification_check = {**_check("disallowed_change", False), "changes": changes}
        if diff is not None and not hasattr(diff, "modification_level"):
            details.append(str(diff)[:500])
        problem(
            "modified_after_signing",
            _("The document was changed after signing in a way that is not allowed: %(what)s.")
            % {"what": ", ".join(str(CHANGE_LABELS[c]) for c in changes) or _("unknown change")},
        )
    elif level is None:
        modification_check = {**_check("not_checked", None), "changes": []}
    elif level.name == "NONE":
        modification_check = {**_check("unchanged", True), "changes": []}
    elif level.name == "LTA_UPDATES":
        modification_check = {**_check("validation_data_added", True), "changes": []}
    else:
        modification_check = {**_check("form_fill", True), "changes": []}
    modification = {
        "coverage": coverage_level,
        "level": level.name if level is not None else None,
        "docmdp_ok": status.docmdp_ok,
        "changed_after_signing": changed_after,
        "changes_allowed": not disallowed,
        "changes": changes,
    }
    checks = {
        "integrity": integrity,
        "trust": trust,
        "revocation": _check(revocation_status, revocation_status in ("good", "revoked_after_signing")),
        "timestamp": timestamp,
        "modification": modification_check,
        "coverage": coverage,
    }
    valid = bool(status.bottom_line) and not revoked_before and not disallowed and bool(coverage["ok"])
    if not valid and not reasons:
        problem("invalid", _("The signature did not pass validation."))
    return {
        "field": field,
        "valid": valid,
        "intact": bool(status.intact),
        "signature_valid": bool(status.valid),
        "trusted": bool(chain_ok),
        "signer": {
            "name": _name_attr(cert, "common_name"),
            "nip": _name_attr(cert, "serial_number"),
            "title": _name_attr(cert, "title"),
            "opd": _name_attr(cert, "organizational_unit_name"),
            "organization": _name_attr(cert, "organization_name"),
            "serial": str(cert.serial_number),
            "issuer": cert.issuer.human_friendly,
        },
        "signing_time": _iso(signing_time),
        "signing_time_local": _local(signing_time),
        "claimed_time": _iso(status.signer_reported_dt),
        "chain": chain,
        "timestamp": ts_report,
        "revocation": {
            "status": revocation_status,
            "revoked_at": _iso(revocation.revoked_at) if revocation else None,
        },
        "certification": _is_certification(embedded),
        "docmdp": _docmdp(embedded),
        "checks": checks,
        "modification": modification,
        "problems": problems,
        "reasons": reasons,
        "details": details,
    }


def _docmdp(embedded: Any) -> dict[str, Any]:
    """The DocMDP level of a certification signature (None for an approval signature), with its label."""
    try:
        perm = embedded.docmdp_level
    except (PdfError, ValueError):
        perm = None
    if perm is None:
        return {"level": None, "label": str(_("Approval signature: the document was not certified by it"))}
    return {"level": int(perm.value), "label": str(DOCMDP_LABELS.get(int(perm.value), ""))}


def _is_certification(embedded: Any) -> bool:
    try:
        return embedded.docmdp_level is not None
    except (PdfError, ValueError):  # an unreadable DocMDP entry (SignatureValidationError is a ValueError)
        return False


def verify_pdf(data: bytes, *, extra_roots: tuple[bytes, ...] = ()) -> dict[str, Any]:
    """Validate every signature of the PDF; the report says ``valid`` only when all are valid and trusted.

    ``extra_roots`` (DER) are trusted besides the city's roots and ESIGN_TRUST_ROOTS_FILE."""
    documents.pdf_check(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:
        raise PdfBroken() from exc
    roots = tuple(asn1_x509.Certificate.load(der) for der in extra_roots)
    vc = validation_context(extra_roots=roots)
    reports = [_signature_report(sig, vc, reader, roots) for sig in sigs]
    all_valid = bool(reports) and all(r["valid"] for r in reports)
    if not reports:
        conclusion = "NO_SIGNATURE"
    else:
        conclusion = "VALID" if all_valid else "INVALID"
    return {
        "conclusion": conclusion,
        "valid": all_valid,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "signature_count": len(reports),
        "signatures": reports,
    }


def verify_stored(pdf: bytes, *, sha256: str) -> dict[str, Any]:
    """The report for a stored revision, cached for a few minutes per (revision, CRL state, language):
    the public QR page is opened often, and a new revocation changes the CRL numbers and so the key."""
    crl_state = "-".join(f"{s.ca_id}.{s.number}" for s in CrlState.objects.order_by("ca_id"))
    key = f"esign:report:{sha256}:{crl_state}:{get_language()}"
    report: dict[str, Any] | None = cache.get(key)
    if report is None:
        report = verify_pdf(pdf)
        cache.set(key, report, timeout=300)
    return report


@dataclass(frozen=True)
class TimestampCheck:
    """An RFC 3161 token checked against the city trust roots and an expected SHA-256 imprint."""

    ok: bool
    time: dt.datetime | None
    reason: str = ""


def timestamp_token_check(token_der: bytes, *, digest: bytes) -> TimestampCheck:
    """Is `token_der` (a TimeStampToken, CMS ContentInfo, DER) intact, signed by a TSA certificate
    that chains to a trusted root, with SHA-256 message imprint `digest`? Used by the audit anchors."""
    try:
        info = cms.ContentInfo.load(token_der)
        signed = info["content"]
        if info["content_type"].native != "signed_data" or not isinstance(signed, cms.SignedData):
            return TimestampCheck(False, None, "not a CMS SignedData")
        signed.native  # noqa: B018 - forces a full parse so malformed input fails here
    except (ValueError, TypeError, KeyError) as exc:
        return TimestampCheck(False, None, f"unreadable token: {exc}")
    vc = validation_context()  # reads the database: before the worker thread of run_sync

    def expected(algorithm: str) -> bytes:
        return digest if algorithm == "sha256" else b""

    try:
        status = run_sync(lambda: asyncio.run(validate_tst_signed_data(signed, vc, expected)))
    except (SignatureValidationError, ValueError, TypeError, KeyError) as exc:
        return TimestampCheck(False, None, f"invalid token: {exc}")
    time = status.get("timestamp")
    if not (status.get("intact") and status.get("valid")):
        return TimestampCheck(False, time, "signature or imprint does not match")
    if status.get("trust_problem_indic") is not None:
        return TimestampCheck(False, time, "the TSA certificate is not trusted")
    return TimestampCheck(True, time)
