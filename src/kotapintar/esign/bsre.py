"""BSrE (BSSN) Esign Client Service API v2 client and the certified-TTE signing backend.

Endpoints used (JSON over HTTP, HTTP Basic credentials issued per agency):

- ``POST /api/v2/sign/pdf``: ``{nik|email, passphrase|totp, signatureProperties: [...], file: [base64]}``
  → ``{time, file: [base64]}``;
- ``POST /api/v2/verify/pdf``: ``{file, password?}`` → ``{signatureCount, conclusion,
  signatureInformations: [...]}`` (``timestampInfomation`` is misspelled by the API itself);
- ``POST /api/v2/user/check/status``: ``{nik|email}`` → ``{status: ISSUE|NOT_REGISTERED|NO_CERTIFICATE|…}``.

Errors come back as ``{"status_code": <BSrE code>, "error": "<message>"}`` with a 4xx/5xx status.
Documented codes: 2011 signer not registered, 2021 no certificate, 2031 wrong passphrase (juknis and
published integrations); 4xxx are request validation errors. Codes for an expired or revoked
certificate are not published: they are recognised from the user status (``EXPIRED``, ``REVOKE``,
``SUSPEND``) and from the error text.

**A sign call is never retried.** Once the request may have reached the service, any failure to read
a definite answer (timeout, reset connection, gateway timeout, a 200 without a PDF) raises
:class:`BsreOutcomeUnknown`: the document may or may not be signed at BSrE, and an operator must
reconcile it. Failures *before* the request left (connection refused, DNS) are definite
(:class:`BsreUnavailable`). The passphrase and TOTP are never logged nor put in an exception.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kotapintar.core import net
from kotapintar.esign.backends import LEGAL_CERTIFIED, LEVEL_BLT, SignerIdentity, StampSpec
from kotapintar.esign.errors import (
    BadNik,
    BadTotp,
    BsreBadRequest,
    BsreBadResponse,
    BsreCertifyUnsupported,
    BsreError,
    BsreLevelUnsupported,
    BsreNoCertificate,
    BsreNotAPdf,
    BsreNotConfigured,
    BsreNotIncremental,
    BsreNotRegistered,
    BsreServerError,
    BsreTimeout,
    BsreUnauthorised,
    BsreUnavailable,
    CertificateExpired,
    CertificateRevoked,
    NoIdentity,
    OutcomeUnknown,
    SigningError,
    WrongPassphrase,
)

log = logging.getLogger(__name__)

SIGN_PATH = "/api/v2/sign/pdf"
VERIFY_PATH = "/api/v2/verify/pdf"
STATUS_PATH = "/api/v2/user/check/status"

CODE_NOT_REGISTERED = 2011
CODE_NO_CERTIFICATE = 2021
CODE_WRONG_PASSPHRASE = 2031

STATUS_ISSUE = "ISSUE"
STATUS_NOT_REGISTERED = "NOT_REGISTERED"
STATUS_NO_CERTIFICATE = "NO_CERTIFICATE"
_EXPIRED_STATUSES = {"EXPIRED", "EXPIRE"}
_REVOKED_STATUSES = {"REVOKE", "REVOKED", "SUSPEND", "SUSPENDED"}

_NIK_RE = re.compile(r"^\d{16}$")
_EXPIRED_WORDS = ("kedaluwarsa", "kadaluarsa", "kadaluwarsa", "expired")
_REVOKED_WORDS = ("dicabut", "revoke", "suspend", "dibekukan")


# ---------------------------------------------------------------------------------------------
# Errors (their codes are declared in kotapintar.esign.errors)


class BsreWrongPassphrase(WrongPassphrase):
    def __init__(self, bsre_message: str = "") -> None:
        super().__init__()
        self.bsre_code = CODE_WRONG_PASSPHRASE
        self.bsre_message = bsre_message


class BsreCertificateExpired(CertificateExpired, BsreError):
    """BSrE says the signer's certificate expired: code ``certificate_expired``, with BsreError's data."""

    default_message = _("The signer's BSrE certificate has expired.")


class BsreCertificateRevoked(CertificateRevoked, BsreError):
    """BSrE says the signer's certificate is revoked or suspended: code ``certificate_revoked``."""

    default_message = _("The signer's BSrE certificate has been revoked or suspended.")


class BsreOutcomeUnknown(OutcomeUnknown):
    """The sign request may have reached BSrE but no definite answer came back.

    Never retry automatically: put the document in the "outcome unknown" state and let an operator
    reconcile (for example by verifying whatever copy BSrE or the signer holds).
    """

    def __init__(self, reason: str, *, elapsed_s: float = 0.0, http_status: int | None = None) -> None:
        super().__init__(
            _("BSrE did not give a definite answer; the document may or may not have been signed.")
        )
        self.reason = reason
        self.elapsed_s = elapsed_s
        self.http_status = http_status


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class BsreUserStatus:
    status: str
    bsre_code: int | None
    message: str

    @property
    def can_sign(self) -> bool:
        return self.status == STATUS_ISSUE


@dataclass(frozen=True)
class BsreSignatureInfo:
    signer_name: str
    integrity_valid: bool
    certificate_trusted: bool
    signature_format: str
    ltv: bool
    timestamp: dict[str, Any] | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class BsreVerification:
    conclusion: str
    signature_count: int
    signatures: tuple[BsreSignatureInfo, ...]

    @property
    def valid(self) -> bool:
        return self.conclusion == "VALID" and all(
            s.integrity_valid and s.certificate_trusted for s in self.signatures
        )


@dataclass(frozen=True)
class BsreSignResult:
    pdf: bytes
    time: str
    elapsed_s: float


# ---------------------------------------------------------------------------------------------
# Client


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def _error_fields(body: bytes) -> tuple[int | None, str]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    raw_code = data.get("status_code")
    code = raw_code if isinstance(raw_code, int) else None
    if isinstance(raw_code, str) and raw_code.isdigit():
        code = int(raw_code)
    message = data.get("error") or data.get("message") or ""
    return code, str(message)[:500]


def _classify(status: int, body: bytes) -> SigningError:
    """A definite error answer → the matching exception (the document was not signed)."""
    code, message = _error_fields(body)
    lowered = message.lower()
    kw: dict[str, Any] = {"http_status": status, "bsre_code": code, "bsre_message": message}
    if code == CODE_WRONG_PASSPHRASE:
        return BsreWrongPassphrase(message)
    if code == CODE_NOT_REGISTERED:
        return BsreNotRegistered(**kw)
    if code == CODE_NO_CERTIFICATE:
        return BsreNoCertificate(**kw)
    if any(word in lowered for word in _EXPIRED_WORDS):
        return BsreCertificateExpired(**kw)
    if any(word in lowered for word in _REVOKED_WORDS):
        return BsreCertificateRevoked(**kw)
    if "passphrase" in lowered:
        return BsreWrongPassphrase(message)
    if status in (401, 403):
        return BsreUnauthorised(**kw)
    if 400 <= status < 500:
        return BsreBadRequest(**kw)
    return BsreServerError(**kw)


class BsreClient:
    """One agency's connection to its Esign Client Service (settings ``BSRE_*`` by default)."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.base_url = (base_url if base_url is not None else settings.BSRE_BASE_URL).rstrip("/")
        self.username = username if username is not None else settings.BSRE_USERNAME
        self.password = password if password is not None else settings.BSRE_PASSWORD
        self.timeout = float(timeout if timeout is not None else settings.BSRE_TIMEOUT_S)
        if not self.base_url:
            raise BsreNotConfigured()
        parsed = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise BsreNotConfigured(_("BSRE_BASE_URL is not a valid http(s) URL."))
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port
        self._prefix = parsed.path.rstrip("/")

    def __repr__(self) -> str:
        return f"BsreClient(base_url={self.base_url!r}, username={self.username!r})"

    # -- transport ---------------------------------------------------------------------------

    def _connection(self) -> net.HTTPConnection:
        """Through the guarded outbound client; the host of the configured BSRE_BASE_URL (often on
        the agency's private network) is allowed, any other inside address is not."""
        conn, _path = net.connection(
            self.base_url, timeout=self.timeout, allow=net.service_hosts(settings.BSRE_BASE_URL)
        )
        return conn

    def _headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return {
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def _post(self, path: str, payload: dict[str, Any], *, unknown_on_failure: bool) -> _Response:
        """POST JSON once. Failures after the request may have left raise BsreOutcomeUnknown when
        ``unknown_on_failure`` (sign), else BsreUnavailable (reads are safe to repeat by hand)."""
        body = json.dumps(payload).encode("utf-8")
        conn = self._connection()
        started = time.monotonic()
        try:
            try:
                conn.connect()
            except OSError as exc:  # ssl.SSLError and the outbound client's refusal among them
                raise BsreUnavailable(bsre_message=type(exc).__name__) from exc
            try:
                conn.request("POST", self._prefix + path, body=body, headers=self._headers())
                response = conn.getresponse()
                data = net.read_capped(
                    response,
                    max_bytes=max(settings.OUTBOUND_MAX_RESPONSE_BYTES, 2 * settings.ESIGN_MAX_UPLOAD_BYTES),
                    deadline=started + 2 * self.timeout,
                )
            except (OSError, net.HTTPException) as exc:  # TimeoutError is an OSError
                elapsed = time.monotonic() - started
                log.warning("BSrE %s: no answer after %.1fs (%s)", path, elapsed, type(exc).__name__)
                if unknown_on_failure:
                    raise BsreOutcomeUnknown(type(exc).__name__, elapsed_s=elapsed) from exc
                raise BsreTimeout(bsre_message=type(exc).__name__) from exc
        finally:
            conn.close()
        return _Response(status=response.status, body=data)

    # -- API ---------------------------------------------------------------------------------

    def user_status(self, *, nik: str = "", email: str = "") -> BsreUserStatus:
        """Certificate status of a signer (``ISSUE`` means they can sign)."""
        payload = _identity(nik, email)
        response = self._post(STATUS_PATH, payload, unknown_on_failure=False)
        code, message = _error_fields(response.body)
        try:
            data = response.json()
        except ValueError:
            data = None
        status = data.get("status") if isinstance(data, dict) else None
        if isinstance(status, str) and status:
            return BsreUserStatus(
                status=status.upper(), bsre_code=code, message=message or str(data.get("message", ""))
            )
        if code == CODE_NOT_REGISTERED:
            return BsreUserStatus(status=STATUS_NOT_REGISTERED, bsre_code=code, message=message)
        if code == CODE_NO_CERTIFICATE:
            return BsreUserStatus(status=STATUS_NO_CERTIFICATE, bsre_code=code, message=message)
        raise _classify(response.status, response.body)

    def sign_pdf(
        self,
        pdf: bytes,
        *,
        nik: str = "",
        email: str = "",
        passphrase: str = "",
        totp: str = "",
        properties: dict[str, Any] | None = None,
    ) -> BsreSignResult:
        """Sign one PDF. Exactly one HTTP request; never retried (see module docstring)."""
        if not pdf.startswith(b"%PDF-"):
            raise BsreNotAPdf()
        payload = _identity(nik, email)
        if totp:
            if not re.fullmatch(r"\d{6,8}", totp):
                raise BadTotp()
            payload["totp"] = totp
        elif passphrase:
            payload["passphrase"] = passphrase
        else:
            raise BsreWrongPassphrase()
        payload["signatureProperties"] = [properties or {"tampilan": "INVISIBLE"}]
        payload["file"] = [base64.b64encode(pdf).decode("ascii")]
        started = time.monotonic()
        response = self._post(SIGN_PATH, payload, unknown_on_failure=True)
        elapsed = time.monotonic() - started
        if response.status in (502, 504):
            raise BsreOutcomeUnknown(
                f"HTTP {response.status}", elapsed_s=elapsed, http_status=response.status
            )
        if response.status != 200:
            code, _message = _error_fields(response.body)
            if response.status >= 500 and code is None:
                # No BSrE error document: a crash somewhere on the way; BSrE may have signed.
                raise BsreOutcomeUnknown(
                    f"HTTP {response.status}", elapsed_s=elapsed, http_status=response.status
                )
            raise _classify(response.status, response.body)
        try:
            data = response.json()
            files = data["file"]
            signed = base64.b64decode(files[0], validate=True)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BsreOutcomeUnknown(
                "malformed success response", elapsed_s=elapsed, http_status=200
            ) from exc
        if not signed.startswith(b"%PDF-"):
            raise BsreOutcomeUnknown("success response without a PDF", elapsed_s=elapsed, http_status=200)
        log.info("BSrE signed a document in %.2fs", elapsed)
        return BsreSignResult(pdf=signed, time=str(data.get("time", "")), elapsed_s=elapsed)

    def verify_pdf(self, pdf: bytes, *, password: str = "") -> BsreVerification:
        """BSrE's own verification report (slow for large files: tens of seconds)."""
        if not pdf.startswith(b"%PDF-"):
            raise BsreNotAPdf()
        payload: dict[str, Any] = {"file": base64.b64encode(pdf).decode("ascii")}
        if password:
            payload["password"] = password
        response = self._post(VERIFY_PATH, payload, unknown_on_failure=False)
        if response.status != 200:
            raise _classify(response.status, response.body)
        # An answer of another shape is BSrE's fault, never ours: each check names what it expects.
        try:
            data = response.json()
        except ValueError as exc:  # not JSON (UnicodeDecodeError is a ValueError)
            raise BsreBadResponse() from exc
        infos = data.get("signatureInformations") or [] if isinstance(data, dict) else None
        if not isinstance(infos, list) or not all(isinstance(item, dict) for item in infos):
            raise BsreBadResponse()
        signatures = tuple(_signature_info(item) for item in infos)
        count = data.get("signatureCount", len(signatures))
        if not isinstance(count, int | str) or not str(count).isdigit():
            raise BsreBadResponse()
        return BsreVerification(
            conclusion=str(data.get("conclusion", "")), signature_count=int(count), signatures=signatures
        )


def _identity(nik: str, email: str) -> dict[str, Any]:
    if nik:
        if not _NIK_RE.match(nik):
            raise BadNik()
        return {"nik": nik}
    if email and "@" in email and len(email) <= 254:
        return {"email": email}
    raise NoIdentity()


def _signature_info(item: dict[str, Any]) -> BsreSignatureInfo:
    timestamp = item.get("timestampInfomation", item.get("timestampInformation"))
    return BsreSignatureInfo(
        signer_name=str(item.get("signerName") or item.get("signatureName") or ""),
        integrity_valid=bool(item.get("integrityValid")),
        certificate_trusted=bool(item.get("certificateTrusted")),
        signature_format=str(item.get("signatureFormat") or ""),
        ltv=bool(item.get("ltv")),
        timestamp=timestamp if isinstance(timestamp, dict) else None,
        raw=item,
    )


# ---------------------------------------------------------------------------------------------
# Stamp image and the backend


def stamp_image_png(stamp: StampSpec, *, scale: float = 3.0) -> bytes:
    """The visible stamp as a PNG (QR code on the left, text lines on the right) for ``imageBase64``."""
    import segno
    from PIL import Image, ImageDraw, ImageFont

    width = max(int(stamp.width * scale), 60)
    height = max(int(stamp.height * scale), 30)
    image = Image.new("RGB", (width, height), "white")
    x_text = 6
    if stamp.qr_url:
        buf = io.BytesIO()
        segno.make(stamp.qr_url, error="m").save(buf, kind="png", scale=4, border=1)
        qr = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        side = height - 8
        image.paste(qr.resize((side, side), Image.Resampling.NEAREST), (4, 4))
        x_text = side + 12
    draw = ImageDraw.Draw(image)
    lines = stamp.lines or ()
    size = max(10, min(int(height / max(len(lines), 1) * 0.7), int(11 * scale)))
    font = ImageFont.load_default(size=size)
    y = 6
    for line in lines:
        draw.text((x_text, y), line, fill="black", font=font)
        y += int(size * 1.25)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def signature_properties(signer: SignerIdentity, stamp: StampSpec | None) -> dict[str, Any]:
    """``signatureProperties[0]`` for a sign call. Coordinates are sent in PDF points, as given."""
    props: dict[str, Any] = {
        "tampilan": "INVISIBLE",
        "location": signer.location,
        "reason": signer.reason or str(_("Signed electronically")),
    }
    if signer.email:
        props["contactInfo"] = signer.email
    if stamp is not None:
        props.update(
            {
                "tampilan": "VISIBLE",
                "imageBase64": base64.b64encode(stamp_image_png(stamp)).decode("ascii"),
                "page": stamp.page,
                "originX": stamp.x,
                "originY": stamp.y,
                "width": stamp.width,
                "height": stamp.height,
            }
        )
    return props


class BsreBackend:
    """Certified TTE through BSrE (PP 71/2019 art. 60). Conforms to ``backends.SigningBackend``.

    BSrE decides the field name and signature level (observed: PAdES B-T without LTV), and its API
    has no certification (DocMDP) option: ``certify=True`` and ``level="B-LT"`` are refused with a
    clear error rather than silently ignored. Before signing, the signer's certificate status is
    checked (a read, safe to repeat), so that an unregistered, expired or revoked signer is told so
    without a sign call. The sign call itself is sent once.
    """

    name = "bsre"
    legal_level = LEGAL_CERTIFIED
    supports_certification = False

    def __init__(self, client: BsreClient | None = None) -> None:
        self._client = client

    @property
    def client(self) -> BsreClient:
        if self._client is None:
            self._client = BsreClient()
        return self._client

    def check_signer(self, signer: SignerIdentity) -> BsreUserStatus:
        """Raise the matching error unless the signer's status is ``ISSUE``."""
        status = self.client.user_status(nik=signer.nik, email=signer.email)
        if status.can_sign:
            return status
        error: type[BsreError] = BsreNoCertificate
        if status.status == STATUS_NOT_REGISTERED:
            error = BsreNotRegistered
        elif status.status in _EXPIRED_STATUSES:
            error = BsreCertificateExpired
        elif status.status in _REVOKED_STATUSES:
            error = BsreCertificateRevoked
        raise error(bsre_code=status.bsre_code, bsre_message=status.message)

    def sign(
        self,
        *,
        document_pdf: bytes,
        signer: SignerIdentity,
        passphrase: str,
        field_name: str,
        certify: bool,
        stamp: StampSpec | None,
        level: str,
    ) -> bytes:
        if certify:
            raise BsreCertifyUnsupported()
        if level == LEVEL_BLT:
            raise BsreLevelUnsupported()
        if not passphrase and not signer.totp:
            raise BsreWrongPassphrase()
        self.check_signer(signer)
        result = self.client.sign_pdf(
            document_pdf,
            nik=signer.nik,
            email="" if signer.nik else signer.email,
            passphrase=passphrase,
            totp=signer.totp,
            properties=signature_properties(signer, stamp),
        )
        if b"/ByteRange" in document_pdf and not result.pdf.startswith(document_pdf):
            # Signed at BSrE, but rewritten: earlier signatures would break. Do not store it.
            raise BsreNotIncremental()
        return result.pdf
