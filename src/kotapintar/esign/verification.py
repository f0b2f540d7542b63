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
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

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


def validation_context(*, moment: dt.datetime | None = None) -> ValidationContext:
    """Trust only the city's roots; revocation from the platform's own current CRLs (no network).

    With ``moment`` the chain is judged at that time (a timestamped signature made before a later
    revocation), accepting today's CRL as evidence about that earlier moment.
    """
    roots = [asn1_x509.Certificate.load(d) for d in selectors.trust_roots_der()] + extra_trust_roots()
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


def _signature_report(embedded: Any, vc: ValidationContext) -> dict[str, Any]:
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
        return {
            "field": field,
            "valid": False,
            "intact": False,
            "signature_valid": False,
            "trusted": False,
            "signer": {},
            "problems": ["unreadable_signature"],
            "reasons": [_("The signature cannot be read: %(error)s") % {"error": str(exc)[:200]}],
        }
    cert = status.signing_cert
    ts = status.timestamp_validity
    signing_time = ts.timestamp if ts is not None else status.signer_reported_dt
    if not status.intact:
        problem("digest_mismatch", _("The signed bytes were changed (the digest does not match)."))
    elif not status.valid:
        problem("bad_signature", _("The cryptographic signature is not valid."))
    chain: list[str] = []
    if status.validation_path is not None:
        chain = [c.subject.human_friendly for c in status.validation_path.iter_certs(include_root=True)]
    revocation = _city_revocation(cert)
    revoked_before = bool(revocation and signing_time and revocation.revoked_at <= signing_time)
    if revocation is not None and not revoked_before and ts is not None and ts.trusted and ts.valid:
        # Revoked after a trusted timestamp proved the signature existed: judge the chain at that time.
        vc_then = validation_context(moment=ts.timestamp)
        status = run_sync(lambda: validate_pdf_signature(embedded, vc_then, ts_validation_context=vc))
    if revocation is None:
        revocation_status = "good" if status.trusted else "unknown"
    elif revoked_before:
        revocation_status = "revoked_before_signing"
        problem(
            "revoked_before_signing",
            _("The certificate was revoked on %(date)s, before the signing time.")
            % {"date": revocation.revoked_at.isoformat()},
        )
    else:
        revocation_status = "revoked_after_signing"
    if not status.trusted and not revoked_before:
        indic = status.trust_problem_indic
        if revocation is not None or (indic is not None and "REVOKED" in str(indic)):
            problem("certificate_revoked", _("The signer's certificate is revoked."))
        else:
            problem("untrusted", _("The certificate does not chain to the city's trusted root."))
    ts_report: dict[str, Any] = {"present": ts is not None}
    if ts is not None:
        ts_ok = ts.intact and ts.valid and ts.trusted
        ts_report.update(time=_iso(ts.timestamp), time_local=_local(ts.timestamp), valid=ts_ok)
        if not ts_ok:
            problem("bad_timestamp", _("The timestamp is not valid or not trusted."))
    level = status.modification_level
    diff = status.diff_result
    changed_after = level is not None and level.name not in ("NONE", "LTA_UPDATES")
    modification = {
        "coverage": status.coverage.name if status.coverage is not None else None,
        "level": level.name if level is not None else None,
        "docmdp_ok": status.docmdp_ok,
        "changed_after_signing": changed_after,
        "changes_allowed": bool(status.docmdp_ok is not False and (level is None or level.name != "OTHER")),
    }
    if status.docmdp_ok is False or (level is not None and level.name == "OTHER"):
        if diff is not None and not hasattr(diff, "modification_level"):
            details.append(str(diff)[:500])
        problem(
            "modified_after_signing",
            _("The document was changed after signing in a way that is not allowed."),
        )
    valid = bool(status.bottom_line) and not revoked_before
    if status.bottom_line and revoked_before:
        valid = False
    if not valid and not reasons:
        problem("invalid", _("The signature did not pass validation."))
    return {
        "field": field,
        "valid": valid,
        "intact": bool(status.intact),
        "signature_valid": bool(status.valid),
        "trusted": bool(status.trusted),
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
        "modification": modification,
        "problems": problems,
        "reasons": reasons,
        "details": details,
    }


def _is_certification(embedded: Any) -> bool:
    try:
        return embedded.docmdp_level is not None
    except (PdfError, ValueError):  # an unreadable DocMDP entry (SignatureValidationError is a ValueError)
        return False


def verify_pdf(data: bytes) -> dict[str, Any]:
    """Validate every signature of the PDF; the report says ``valid`` only when all are valid and trusted."""
    documents.pdf_check(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:
        raise PdfBroken() from exc
    vc = validation_context()
    reports = [_signature_report(sig, vc) for sig in sigs]
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
