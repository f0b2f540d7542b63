"""A local stand-in for a BSrE Esign Client Service (API v2), for tests.

A real HTTP server on 127.0.0.1 (free port) in a thread. It follows the documented shapes:

- HTTP Basic credentials per agency (401 otherwise);
- ``POST /api/v2/sign/pdf`` ``{nik|email, passphrase|totp, signatureProperties, file: [b64]}`` →
  ``{"time": "... ms", "file": [b64]}``; the PDF is really signed (PAdES B-T, incremental update)
  with a test PKI so that the result validates;
- ``POST /api/v2/verify/pdf`` ``{file}`` → ``{signatureCount, conclusion, signatureInformations}``
  (with the API's own spelling ``timestampInfomation``);
- ``POST /api/v2/user/check/status`` ``{nik|email}`` → ``{"status": "ISSUE"}`` or the errors;
- errors as ``{"status_code": N, "error": "..."}``: 2011 not registered, 2021 no certificate,
  2031 wrong passphrase, 4014 missing field / 4015 invalid value (validation), and, with codes BSrE
  has not published (so the client must not rely on them), expired and revoked certificates.

Every request is recorded (path, headers, parsed body) before it is answered, so a test can assert
that a timed-out sign call was sent exactly once. Knobs: ``sign_delay_s`` (slow answers),
``sign_reply`` (a forced ``(status, body)``).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kotapintar.esign import fastsign
from tests.esign.demo_pki import DemoPki

NOT_REGISTERED = (2011, "Penandatangan tidak terdaftar")
NO_CERTIFICATE = (2021, "Penandatangan belum memiliki sertifikat")
WRONG_PASSPHRASE = (2031, "Passphrase anda salah !!!")
# Not published by BSrE: the fake uses its own numbers; the client recognises these by their text.
EXPIRED = (2051, "Sertifikat penandatangan sudah kadaluarsa")
REVOKED = (2052, "Sertifikat penandatangan telah dicabut")


@dataclass
class FakeUser:
    nik: str
    email: str
    passphrase: str
    status: str = "ISSUE"  # ISSUE, NO_CERTIFICATE, EXPIRED, REVOKE
    totp: str = "123456"


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeBsre:
    username: str = "agency-pekalongan"
    password: str = "rahasia-agency"
    users: list[FakeUser] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    sign_delay_s: float = 0.0
    sign_reply: tuple[int, bytes] | None = None
    pki: DemoPki = field(default_factory=DemoPki.generate)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._key = self.pki.signer_key_obj()
        self._tsa = self.pki.timestamper()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                fake._reply(self, 405, {"status_code": 405, "error": "Method Not Allowed"})

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    # -- helpers ------------------------------------------------------------------------------

    @property
    def root(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.pki.root.public_bytes(serialization.Encoding.DER))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _find(self, body: dict[str, Any]) -> FakeUser | None:
        for user in self.users:
            if (body.get("nik") and body["nik"] == user.nik) or (
                body.get("email") and body["email"] == user.email
            ):
                return user
        return None

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler, status: int, payload: Any, *, raw: bytes | None = None
    ) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if raw is None else "text/html")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except OSError:  # the client gave up (timeout test)
            pass

    @staticmethod
    def _error(handler: BaseHTTPRequestHandler, status: int, code_message: tuple[int, str]) -> None:
        FakeBsre._reply(handler, status, {"status_code": code_message[0], "error": code_message[1]})

    # -- dispatch -----------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length)
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = None
        with self._lock:
            self.requests.append(Recorded(h.path, dict(h.headers.items()), body))
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if h.headers.get("Authorization") != expected:
            self._reply(h, 401, {"error": "Unauthorized", "status_code": 401})
            return
        if not isinstance(body, dict):
            self._error(h, 400, (4015, "Format request tidak sesuai"))
            return
        if h.path == "/api/v2/sign/pdf":
            self._sign(h, body)
        elif h.path == "/api/v2/verify/pdf":
            self._verify(h, body)
        elif h.path == "/api/v2/user/check/status":
            self._status(h, body)
        else:
            self._reply(h, 404, {"status_code": 404, "error": "Not Found"})

    def _status(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if not body.get("nik") and not body.get("email"):
            self._error(h, 400, (4014, "NIK atau email harus diisi"))
            return
        user = self._find(body)
        if user is None:
            self._reply(
                h,
                400,
                {"status_code": NOT_REGISTERED[0], "status": "NOT_REGISTERED", "error": NOT_REGISTERED[1]},
            )
            return
        if user.status == "NO_CERTIFICATE":
            self._reply(
                h,
                400,
                {"status_code": NO_CERTIFICATE[0], "status": "NO_CERTIFICATE", "error": NO_CERTIFICATE[1]},
            )
            return
        self._reply(
            h,
            200,
            {"status_code": 1111, "status": user.status, "message": f"Status sertifikat {user.status}"},
        )

    def _sign(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if self.sign_delay_s:
            time.sleep(self.sign_delay_s)
        if self.sign_reply is not None:
            status, payload = self.sign_reply
            self._reply(h, status, None, raw=payload)
            return
        if not body.get("nik") and not body.get("email"):
            self._error(h, 400, (4014, "NIK harus diisi"))
            return
        files = body.get("file")
        props = body.get("signatureProperties")
        if (
            not isinstance(files, list)
            or not files
            or not isinstance(props, list)
            or len(props) != len(files)
        ):
            self._error(h, 400, (4014, "File dan signatureProperties harus diisi"))
            return
        user = self._find(body)
        if user is None:
            self._error(h, 400, NOT_REGISTERED)
            return
        if user.status == "NO_CERTIFICATE":
            self._error(h, 400, NO_CERTIFICATE)
            return
        if user.status == "EXPIRED":
            self._error(h, 400, EXPIRED)
            return
        if user.status == "REVOKE":
            self._error(h, 400, REVOKED)
            return
        if "totp" in body:
            if body["totp"] != user.totp:
                self._error(h, 400, (2032, "TOTP tidak valid"))
                return
        elif body.get("passphrase") != user.passphrase:
            self._error(h, 400, WRONG_PASSPHRASE)
            return
        started = time.perf_counter()
        signed_files = []
        for b64, prop in zip(files, props, strict=True):
            try:
                pdf = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError, TypeError):
                self._error(h, 400, (4015, "File harus berformat base64"))
                return
            if not pdf:
                # Observed in production: an empty input gives HTTP 500.
                self._reply(h, 500, None, raw=b"<html><body>Internal Server Error</body></html>")
                return
            if not pdf.startswith(b"%PDF-"):
                self._error(h, 400, (4015, "File harus berformat PDF"))
                return
            if prop.get("tampilan") not in ("VISIBLE", "INVISIBLE"):
                self._error(h, 400, (4015, "tampilan harus VISIBLE atau INVISIBLE"))
                return
            if prop.get("tampilan") == "VISIBLE":
                page = prop.get("page")
                pages = int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
                if not prop.get("imageBase64") or not isinstance(page, int) or not 1 <= page <= pages:
                    self._error(h, 400, (4015, "Properti tampilan tidak sesuai"))
                    return
            (signed,) = fastsign.sign_batch(
                [pdf],
                signer=self._key,
                level="B-T",
                timestamper=self._tsa,
                field_name=f"BSrE-{len(self.requests)}",
                reason=str(prop.get("reason") or ""),
                location=str(prop.get("location") or ""),
            )
            signed_files.append(base64.b64encode(signed).decode())
        elapsed = int((time.perf_counter() - started) * 1000)
        self._reply(h, 200, {"time": f"{elapsed} ms", "file": signed_files})

    def _verify(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        try:
            pdf = base64.b64decode(body.get("file") or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            self._error(h, 400, (4015, "File harus berformat base64"))
            return
        if not pdf.startswith(b"%PDF-"):
            self._error(h, 400, (4015, "File harus berformat PDF"))
            return
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        infos = []
        for sig in reader.embedded_signatures:
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=[self.root]))
            ts = status.timestamp_validity
            infos.append(
                {
                    "id": sig.field_name,
                    "signerName": status.signing_cert.subject.native.get("common_name", ""),
                    "signatureFormat": "PAdES-BASELINE-T" if ts is not None else "PAdES-BASELINE-B",
                    "integrityValid": bool(status.intact and status.valid),
                    "certificateTrusted": bool(status.trusted),
                    "ltv": False,
                    "timestampInfomation": (
                        {
                            "id": "tsa",
                            "signerName": "Kota Pintar Test TSA",
                            "timestamp": ts.timestamp.isoformat(),
                        }
                        if ts is not None
                        else None
                    ),
                }
            )
        conclusion = (
            "NO_SIGNATURE"
            if not infos
            else ("VALID" if all(i["integrityValid"] for i in infos) else "INVALID")
        )
        self._reply(
            h, 200, {"signatureCount": len(infos), "conclusion": conclusion, "signatureInformations": infos}
        )
