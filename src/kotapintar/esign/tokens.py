"""Officials' keys in a PKCS#11 token (SoftHSM2 in tests and the demo; a hardware HSM in production).

The key pair is generated *in* the token, RSA-2048, the private half with ``CKA_SENSITIVE`` true and
``CKA_EXTRACTABLE`` false: it never leaves the token, the platform keeps only its id
(``PkiCertificate.token_key_id``) and the certificate the city's issuing CA made for the public half.

Configuration (settings, from the environment; docs/esign.md "Keys in a token"): ``ESIGN_PKCS11_MODULE``
(the PKCS#11 library, e.g. ``/usr/lib/softhsm/libsofthsm2.so``), ``ESIGN_PKCS11_TOKEN`` (the token label)
and ``ESIGN_PKCS11_PIN`` / ``ESIGN_PKCS11_PIN_FILE`` (the token's user PIN; never in the database).

One logged-in session per token and process (PKCS#11 logs in per application, not per session),
opened on first use and shared under a lock: a token signs one thing at a time anyway. A failure is one
of the ``token_*`` rows of ``kotapintar.esign.errors``.

No Django models: ``pki_signing`` and ``services`` use it; ``fastsign`` only sees :class:`TokenKey`
through its raw-signer protocol.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pkcs11.util.rsa import encode_rsa_public_key
from pyhanko.sign.pkcs11 import PKCS11Signer

from kotapintar.esign.errors import (
    SigningError,
    TokenKeyMissing,
    TokenMissing,
    TokenPinLocked,
    TokenPinWrong,
    TokenUnavailable,
)

__all__ = [
    "TokenConfig",
    "TokenKey",
    "close_sessions",
    "key_generate",
    "key_open",
    "pyhanko_signer",
    "softhsm_init",
    "token_config",
]

KEY_BITS = 2048


@dataclass(frozen=True)
class TokenConfig:
    module: str
    label: str
    pin: str = ""

    def __repr__(self) -> str:  # never print the PIN
        return f"TokenConfig(module={self.module!r}, label={self.label!r})"


def token_config() -> TokenConfig:
    """The configured token; ``token_unavailable`` when no module is configured."""
    module = str(getattr(settings, "ESIGN_PKCS11_MODULE", "") or "").strip()
    label = str(getattr(settings, "ESIGN_PKCS11_TOKEN", "") or "").strip()
    if not module or not label:
        raise TokenUnavailable(detail="ESIGN_PKCS11_MODULE and ESIGN_PKCS11_TOKEN must be set")
    return TokenConfig(module=module, label=label, pin=str(getattr(settings, "ESIGN_PKCS11_PIN", "") or ""))


_lock = threading.RLock()
_sessions: dict[tuple[str, str], Any] = {}


def _open(config: TokenConfig) -> Any:
    try:
        library = pkcs11.lib(config.module)
    except p11.PKCS11Error as exc:  # the module is absent or not a PKCS#11 library
        raise TokenUnavailable(detail=str(exc)[:200]) from exc
    try:
        token = library.get_token(token_label=config.label)
    except (p11.NoSuchToken, p11.MultipleTokensReturned) as exc:
        raise TokenMissing(detail={"token": config.label}) from exc
    try:
        return token.open(user_pin=config.pin, rw=True)
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange, p11.ArgumentsBad) as exc:
        raise TokenPinWrong() from exc
    except p11.PinLocked as exc:
        raise TokenPinLocked() from exc
    except p11.PKCS11Error as exc:
        raise TokenUnavailable(detail=type(exc).__name__) from exc


@contextmanager
def _session(config: TokenConfig) -> Iterator[Any]:
    """The token's logged-in session, held under the lock; dropped when the token fails under it."""
    key = (config.module, config.label)
    with _lock:
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = _open(config)
        try:
            yield session
        except (p11.SessionHandleInvalid, p11.SessionClosed, p11.TokenNotPresent, p11.DeviceRemoved) as exc:
            _sessions.pop(key, None)
            raise TokenMissing(detail={"token": config.label}) from exc
        except p11.PKCS11Error as exc:
            raise TokenUnavailable(detail=type(exc).__name__) from exc


def close_sessions() -> None:
    """Log out of and close every open token session (tests; a changed PIN or token)."""
    with _lock:
        for session in _sessions.values():
            try:
                session.close()
            except p11.PKCS11Error:
                pass
        _sessions.clear()


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"  # Debian's softhsm2 package


def softhsm_init(directory: Path, *, label: str, pin: str, so_pin: str) -> Path:
    """A new SoftHSM2 token in ``directory`` (tests, the benchmark, a demo): writes ``softhsm2.conf``
    there and initialises the token with ``softhsm2-util``; returns the configuration file, which
    ``SOFTHSM2_CONF`` must name before the module is first loaded in a process."""
    tokens_dir = directory / "tokens"
    tokens_dir.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens_dir}\nobjectstore.backend = file\nlog.level = ERROR\n")
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin],
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        check=True,
        capture_output=True,
    )
    return conf


def key_generate(*, config: TokenConfig, label: str) -> tuple[bytes, rsa.RSAPublicKey]:
    """A new RSA key pair in the token; returns its ``CKA_ID`` and the public key.

    The private key is a token object, private, sensitive and not extractable: no call can read it out.
    """
    key_id = secrets.token_bytes(16)
    with _session(config) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA,
            KEY_BITS,
            id=key_id,
            label=label,
            store=True,
            public_template={Attribute.VERIFY: True, Attribute.ENCRYPT: False, Attribute.WRAP: False},
            private_template={
                Attribute.SIGN: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.PRIVATE: True,
                Attribute.DECRYPT: False,
                Attribute.UNWRAP: False,
            },
        )
        der = encode_rsa_public_key(public)
    loaded = serialization.load_der_public_key(der)
    assert isinstance(loaded, rsa.RSAPublicKey)
    return key_id, loaded


class TokenKey:
    """A private key in the token, by id. Signs like a ``cryptography`` RSA key (PKCS#1 v1.5, SHA-256),
    so that ``fastsign`` uses it in place of a key held in memory."""

    key_size = KEY_BITS

    def __init__(self, config: TokenConfig, key_id: bytes) -> None:
        self.config = config
        self.key_id = key_id

    def _handle(self, session: Any) -> Any:
        try:
            return session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=self.key_id)
        except (p11.NoSuchKey, p11.MultipleObjectsReturned) as exc:
            raise TokenKeyMissing(detail={"token": self.config.label, "key_id": self.key_id.hex()}) from exc

    def check(self) -> None:
        """The key is in the token (raises ``token_key_missing`` otherwise)."""
        with _session(self.config) as session:
            self._handle(session)

    def attribute(self, attribute: Attribute) -> Any:
        """One attribute of the private key object as the token reports it (tests, diagnostics); a value
        the token refuses to reveal raises ``pkcs11.exceptions.AttributeSensitive``."""
        with _session(self.config) as session:
            try:
                return self._handle(session)[attribute]
            except p11.AttributeSensitive as exc:
                refused = exc
        raise refused

    def sign(self, data: bytes, pad: padding.AsymmetricPadding, algorithm: hashes.HashAlgorithm) -> bytes:
        if not isinstance(pad, padding.PKCS1v15) or not isinstance(algorithm, hashes.SHA256):
            raise SigningError(detail="token keys sign with RSA PKCS#1 v1.5 and SHA-256 only")
        with _session(self.config) as session:
            return bytes(self._handle(session).sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))


def key_open(*, config: TokenConfig, key_id: bytes) -> TokenKey:
    """The token key with this id, checked to be present (and the token reachable, the PIN right)."""
    key = TokenKey(config, key_id)
    key.check()
    return key


class _SerialPkcs11Signer(PKCS11Signer):
    """pyHanko's PKCS#11 signer on the shared session, one operation at a time."""

    def __init__(self, key: TokenKey, session: Any, **kwargs: Any) -> None:
        super().__init__(session, key_id=key.key_id, other_certs_to_pull=(), **kwargs)
        self._token_key = key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        with _session(self._token_key.config):
            return await super().async_sign_raw(data, digest_algorithm)


def pyhanko_signer(
    key: TokenKey, *, signing_cert: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
) -> PKCS11Signer:
    """A ``pyhanko.sign.pkcs11.PKCS11Signer`` for the token key (certificates given, none pulled)."""
    with _session(key.config) as session:
        signer = _SerialPkcs11Signer(key, session, signing_cert=signing_cert, ca_chain=chain)
        # pyHanko finds the key handle lazily, on the first use of ``signing_cert``: do it now, under
        # the lock, so that only ``async_sign_raw`` (also under the lock) touches the session later.
        _ = signer.signing_cert
        return signer
