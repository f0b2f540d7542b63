"""Settings come from the environment: defaults, DATABASE_URL, *_FILE secrets."""

import importlib
import sys

import pytest


def _load(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("KOTAPINTAR_DATA_DIR", str(tmp_path))
    for key in (
        "DATABASE_URL",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "MAP_TILE_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("kotapintar._settings_probe", None)
    settings_spec = importlib.util.find_spec("kotapintar.settings")
    assert settings_spec is not None and settings_spec.origin is not None
    spec = importlib.util.spec_from_file_location("kotapintar._settings_probe", settings_spec.origin)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults_are_sqlite_wal_immediate_and_indonesian(monkeypatch, tmp_path):
    s = _load(monkeypatch, tmp_path)
    db = s.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5
    assert s.LANGUAGE_CODE == "id" and [code for code, _name in s.LANGUAGES] == ["id", "en"]
    assert s.TIME_ZONE == "Asia/Jakarta" and s.USE_TZ
    assert s.DEBUG is False


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    s = _load(monkeypatch, tmp_path, DATABASE_URL="postgres://kp:rahasia@db.internal:5432/kotapintar")
    db = s.DATABASES["default"]
    assert db["ENGINE"] == "kotapintar.core.pgbackend"  # Django's, with a cheaper health check
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "kotapintar", "kp")


def test_secret_key_file_variant(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("dari-berkas-rahasia\n")
    s = _load(monkeypatch, tmp_path, SECRET_KEY_FILE=str(secret))
    assert s.SECRET_KEY == "dari-berkas-rahasia"


def test_generated_secret_key_is_kept_between_starts(monkeypatch, tmp_path):
    first = _load(monkeypatch, tmp_path).SECRET_KEY
    assert first == _load(monkeypatch, tmp_path).SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secure_cookies_on_https_outside_debug(monkeypatch, tmp_path):
    s = _load(monkeypatch, tmp_path, SITE_URL="https://smartcity.pekalongankota.go.id")
    assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_debug_only_when_asked(monkeypatch, tmp_path, value):
    assert _load(monkeypatch, tmp_path, DEBUG=value).DEBUG is True


def test_allowed_hosts_from_environment(monkeypatch, tmp_path):
    s = _load(monkeypatch, tmp_path, ALLOWED_HOSTS="smartcity.pekalongankota.go.id, 10.0.0.5")
    assert s.ALLOWED_HOSTS == ["smartcity.pekalongankota.go.id", "10.0.0.5"]


def test_tile_host_is_allowed_by_csp_only_when_configured(monkeypatch, tmp_path):
    s = _load(monkeypatch, tmp_path, MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "https://*.tile.example.org" in s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
