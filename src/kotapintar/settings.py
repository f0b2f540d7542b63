"""One settings module, driven by environment variables (see the table in README.md).

With no configuration it runs on an embedded SQLite database; DATABASE_URL selects PostgreSQL.
Secrets may be given directly (NAME=...) or as a file (NAME_FILE=/run/secrets/...).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

from kotapintar.lib.ipnets import parse_networks

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """NAME, or the contents of the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DATA_DIR = Path(env("KOTAPINTAR_DATA_DIR", str(PROJECT_DIR / "var")))
DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("KOTAPINTAR_TESTING", False)  # the test suite sets it (tests/pytest_testing.py)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    # A first local run works without configuration: a random key is generated once and kept in
    # the data folder so that sessions survive restarts. A deployment sets SECRET_KEY(_FILE).
    import secrets

    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    else:
        SECRET_KEY = secrets.token_urlsafe(50)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(SECRET_KEY, encoding="utf-8")
        _key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The weight set the master plan's evaluation pack scores with (its newest version); Bappeda adds
# versions on the evaluation page, and `kotapintar masterplan-evaluation --weight-set CODE` picks one.
MASTERPLAN_EVALUATION_WEIGHT_SET = env("MASTERPLAN_EVALUATION_WEIGHT_SET", "kominfo-sleman")

INSTALLED_APPS = [
    "kotapintar.core.apps.AdminConfig",  # django.contrib.admin, open to the admin_kota role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kotapintar.core",
    "kotapintar.masterplan",
    "kotapintar.esign",
    "kotapintar.batik",
    "kotapintar.wallet",
    "kotapintar.flood",
    "kotapintar.opendata",
    "kotapintar.controlroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kotapintar.middleware.RequestGuardMiddleware",  # NUL characters, upload limits: before any body read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kotapintar.core.loginlimit.LoginLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "kotapintar.urls"
WSGI_APPLICATION = "kotapintar.wsgi.application"
ASGI_APPLICATION = "kotapintar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kotapintar.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
SQLITE_PATH = Path(env("SQLITE_PATH", str(DATA_DIR / "kotapintar.sqlite3")))
DATABASE_URL = env_secret("DATABASE_URL")
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT_S", 20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        # Django's backend, but a connection that served a request less than a second ago is not
        # pinged again before the next one (kotapintar.core.pgbackend: one round trip less per request)
        if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            DATABASES["default"]["ENGINE"] = "kotapintar.core.pgbackend"
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Server-binding cursors (core.db.hot_cursor: the token lookup and the POS payment) prepare
        # a statement once it has run this many times on a connection; Django's own cursors bind
        # on the client and never prepare. "none" turns it off, for a transaction-mode pooler that
        # cannot keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
        _prepare = env("DB_PREPARE_THRESHOLD", "5").strip().lower()
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
            None if _prepare in ("", "none") else int(_prepare)
        )
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (django-tasks) -------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Auth & security -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
# One-time password links an administrator issues (/kelola/): valid this many seconds, single use.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Sign-in limits (kotapintar.core.loginlimit, docs/security.md): failed attempts per identity and client
# (address, or the device cookie of an earlier sign-in) per window; per identity from all unknown
# clients together, and per address over all identities, per the longer window.
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 10)
LOGIN_RATE_WINDOW_S = env_int("LOGIN_RATE_WINDOW_S", 300)
LOGIN_IDENTITY_RATE_LIMIT = env_int("LOGIN_IDENTITY_RATE_LIMIT", 50)
LOGIN_ADDRESS_RATE_LIMIT = env_int("LOGIN_ADDRESS_RATE_LIMIT", 100)
LOGIN_LONG_WINDOW_S = env_int("LOGIN_LONG_WINDOW_S", 3600)
LOGIN_DEVICE_DAYS = env_int("LOGIN_DEVICE_DAYS", 90)
# Invalid bearer tokens one client may send per LOGIN_RATE_WINDOW_S before it gets 429.
TOKEN_FAILURE_LIMIT = env_int("TOKEN_FAILURE_LIMIT", 20)
AUTHENTICATION_BACKENDS = ["kotapintar.core.loginlimit.RateLimitedModelBackend"]

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies (addresses or CIDRs) whose X-Forwarded-For is believed; empty: the header never is.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
parse_networks(TRUSTED_PROXIES)  # a bad entry stops the start, naming it
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Map tiles are off by default: the map draws the city's own GeoJSON and needs no internet.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
CONTROL_ROOM_POLL_S = max(5, env_int("CONTROL_ROOM_POLL_S", 30))  # /ruang-kendali/ refreshes its tiles
CONTROL_ROOM_ROTATE_S = max(5, env_int("CONTROL_ROOM_ROTATE_S", 20))  # kiosk: seconds per panel


def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme:
        return []
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return [f"{parts.scheme}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *_tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report",
    }
}

# --- i18n -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale/; listing them here gives our wording precedence
# over Django's own catalogues (e.g. "Kata sandi" rather than "Sandi").
LOCALE_PATHS = sorted(p for p in BASE_DIR.glob("*/locale") if p.is_dir())
TIME_ZONE = env(
    "TIME_ZONE", "Asia/Jakarta"
)  # the city's zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)
USE_I18N = True
USE_TZ = True

# --- Static & media ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders until collectstatic
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail -----------------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "kotapintar@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Write every e-mail as a file into this directory instead of sending it (a pilot without a mail
# server; the scale-out test counts what the workers sent).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "")
if EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# --- Platform -----------------------------------------------------------------------------------------
CITY_CODE = env("CITY_CODE", "")  # Kemendagri code of the city served; empty: the one set up (city-init)

# --- Open data (Satu Data): the CKAN Action API and the DCAT catalogue ---------------------------
OPENDATA_LICENSE = env("OPENDATA_LICENSE", "cc-by")  # cc-by (CC BY 4.0), cc-zero, odc-odbl, odc-by
OPENDATA_CONTACT_EMAIL = env("OPENDATA_CONTACT_EMAIL", "walidata@localhost")
OPENDATA_REFRESH_S = env_int("OPENDATA_REFRESH_S", 300)  # how often a dataset's data is compared
# A demo installation: the booth can play the QRIS provider (confirm a top-up itself). Never in production.
DEMO = env_bool("DEMO", False)
DEMO_PASSWORD = env_secret("DEMO_PASSWORD")  # demo users' password; printed once by seed-demo when empty
MQTT_URL = env("MQTT_URL", "mqtt://127.0.0.1:1883")
MQTT_USERNAME = env("MQTT_USERNAME", "")
MQTT_PASSWORD = env_secret("MQTT_PASSWORD")
MQTT_SHARE_GROUP = env("MQTT_SHARE_GROUP", "")  # consumers of one group share the stream ($share/<group>/…)
MQTT_STORE_MAX_TRIES = env_int(
    "MQTT_STORE_MAX_TRIES", 5
)  # then a message that cannot be stored is quarantined
# Flood readings (docs/flood.md "History"): raw readings older than this many days are dropped (0: kept
# for ever; at least 7; whole months on PostgreSQL); monthly partitions created this many months ahead.
FLOOD_RAW_RETENTION_DAYS = env_int("FLOOD_RAW_RETENTION_DAYS", 0)
FLOOD_PARTITIONS_AHEAD_MONTHS = env_int("FLOOD_PARTITIONS_AHEAD_MONTHS", 3)
KEY_ENCRYPTION_KEY = env_secret("KEY_ENCRYPTION_KEY")  # protects CA and service keys at rest
AUDIT_HMAC_KEY = env_secret("AUDIT_HMAC_KEY")  # keys the audit hash chain; empty: derived from SECRET_KEY
AUDIT_ANCHOR_INTERVAL_H = env_int("AUDIT_ANCHOR_INTERVAL_H", 24)  # the city TSA timestamps the chain head
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", bool(EMAIL_HOST))  # also e-mail in-app notifications
RUN_EXTRA_PROCESSES = env_bool("RUN_EXTRA_PROCESSES", True)  # `kotapintar run` starts app processes too
# Outbound HTTP (kotapintar.core.net): hosts inside the network the platform may still call (host or
# host:port, comma-separated; e.g. the city's TSA or a BSrE service on 10.x), timeout, answer size cap.
OUTBOUND_ALLOW_HOSTS = env_list("OUTBOUND_ALLOW_HOSTS")
OUTBOUND_TIMEOUT_S = env_int("OUTBOUND_TIMEOUT_S", 10)
OUTBOUND_MAX_RESPONSE_BYTES = env_int("OUTBOUND_MAX_RESPONSE_BYTES", 10 * 1024 * 1024)
# A claimed task or alert delivery whose worker stopped beating is taken back after this many seconds
# (longer than any send's timeout); a process whose heartbeat is older than HEARTBEAT_STALE_S is
# reported stale by /healthz (each process beats every quarter of it).
WORK_LEASE_S = env_int("WORK_LEASE_S", 120)
HEARTBEAT_STALE_S = env_int("HEARTBEAT_STALE_S", 60)
BSRE_BASE_URL = env("BSRE_BASE_URL", "").rstrip("/")  # BSrE Esign Client Service, e.g. http://10.0.0.5
BSRE_USERNAME = env_secret("BSRE_USERNAME")  # HTTP Basic credentials issued to the agency by BSrE
BSRE_PASSWORD = env_secret("BSRE_PASSWORD")
BSRE_TIMEOUT_S = env_int("BSRE_TIMEOUT_S", 60)  # a sign call that outlives this is "outcome unknown"

# --- Modules -----------------------------------------------------------------------------------------
# TTE (esign): signing backend and level, upload limit, extra trusted roots for verification.
ESIGN_BACKEND = env("ESIGN_BACKEND", "citypki").strip().lower()  # citypki | bsre
ESIGN_LEVEL = env("ESIGN_LEVEL", "B-LT").strip().upper()  # B-B | B-T | B-LT
ESIGN_MAX_UPLOAD_BYTES = env_int("ESIGN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
ESIGN_TRUST_ROOTS_FILE = env("ESIGN_TRUST_ROOTS_FILE", "")  # PEM bundle, e.g. the BSrE chain
# Officials' keys in a PKCS#11 token (docs/esign.md "Keys in a token"): the module, the token's label,
# its user PIN (ESIGN_PKCS11_PIN or ESIGN_PKCS11_PIN_FILE; never in the database or the repository).
ESIGN_PKCS11_MODULE = env("ESIGN_PKCS11_MODULE", "")  # e.g. /usr/lib/softhsm/libsofthsm2.so
ESIGN_PKCS11_TOKEN = env("ESIGN_PKCS11_TOKEN", "")
ESIGN_PKCS11_PIN = env_secret("ESIGN_PKCS11_PIN")
# Wallet (Batik Fusion city card): limits in integer rupiah, fees, QRIS acquirer callback secret.
WALLET_MIN_AMOUNT_IDR = env_int("WALLET_MIN_AMOUNT_IDR", 1)
WALLET_MAX_TOPUP_IDR = env_int("WALLET_MAX_TOPUP_IDR", 2_000_000)
WALLET_MAX_PAYMENT_IDR = env_int("WALLET_MAX_PAYMENT_IDR", 5_000_000)
WALLET_MAX_BALANCE_IDR = env_int("WALLET_MAX_BALANCE_IDR", 10_000_000)
WALLET_SETTLEMENT_FEE_BPS = env_int("WALLET_SETTLEMENT_FEE_BPS", 0)  # MDR in basis points (0 for UMI)
WALLET_CASHOUT_FEE_IDR = env_int("WALLET_CASHOUT_FEE_IDR", 0)
WALLET_QRIS_TOPUP_TTL_S = env_int("WALLET_QRIS_TOPUP_TTL_S", 15 * 60)
WALLET_MAX_CARDS_PER_USER = env_int("WALLET_MAX_CARDS_PER_USER", 3)
WALLET_PIN_MAX_ATTEMPTS = env_int("WALLET_PIN_MAX_ATTEMPTS", 5)  # wrong PINs/codes: charging by number locks
WALLET_CARD_CODE_TTL_S = env_int("WALLET_CARD_CODE_TTL_S", 5 * 60)  # one-time code from the card page
WALLET_AUDIT_MAX_LAG_S = env_int("WALLET_AUDIT_MAX_LAG_S", 10 * 60)  # /healthz unhealthy beyond this
WALLET_QRIS_WEBHOOK_SECRET = env_secret("WALLET_QRIS_WEBHOOK_SECRET")  # empty: derived from SECRET_KEY (dev)
# The city's own QRIS merchant that receives top-ups (the acquirer account of the city float).
WALLET_QRIS_MERCHANT_NAME = env("WALLET_QRIS_MERCHANT_NAME", "")  # tag 59, max 25; empty: "Dompet <city>"
WALLET_QRIS_MERCHANT_CITY = env("WALLET_QRIS_MERCHANT_CITY", "")  # tag 60, max 15; empty: the city's name
WALLET_QRIS_MERCHANT_MCC = env("WALLET_QRIS_MERCHANT_MCC", "9399")  # tag 52
WALLET_QRIS_MERCHANT_PAN = env("WALLET_QRIS_MERCHANT_PAN", "936000000000337500")  # 26.01, 16-19 digits
WALLET_QRIS_MERCHANT_ID = env("WALLET_QRIS_MERCHANT_ID", "KPWALLET")  # 26.02
WALLET_QRIS_MERCHANT_NMID = env("WALLET_QRIS_MERCHANT_NMID", "ID1026337500001")  # 51.02
WALLET_QRIS_MERCHANT_CRITERIA = env("WALLET_QRIS_MERCHANT_CRITERIA", "BLU")  # UMI UKE UME UBE URE PSO BLU
WALLET_QRIS_MERCHANT_POSTAL_CODE = env("WALLET_QRIS_MERCHANT_POSTAL_CODE", "")  # tag 61 (optional)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
