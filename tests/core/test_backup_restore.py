"""`kotapintar backup` then `kotapintar restore` on a fresh database: the platform comes back whole.

The backup runs in this process (on the test database, data committed); restore and the checks run
as separate `python -m kotapintar` processes on another database and data folder, as an operator
would on a new server: audit-verify, wallet-check and esign-verify on the restored copy."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from kotapintar.core import audit
from kotapintar.core.backup import database
from kotapintar.core.errors import BackupToolMissing, BackupToolTooOld
from kotapintar.core.models import Role
from kotapintar.esign import selectors as esign_selectors
from kotapintar.wallet import services as wallet
from tests.esign.conftest import letter_pdf, make_official, passphrase, pki  # noqa: F401
from tests.esign.helpers import sign_in_sequence

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[2] / "src"
BACKUP_PASSPHRASE = "kunci-cadangan-kota-2026"
SECRETS_STRIPPED = (
    "DATABASE_URL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "KEY_ENCRYPTION_KEY",
    "KEY_ENCRYPTION_KEY_FILE",
    "WALLET_QRIS_WEBHOOK_SECRET",
    "WALLET_QRIS_WEBHOOK_SECRET_FILE",
    "ESIGN_TRUST_ROOTS_FILE",
    "MEDIA_ROOT",
    "SQLITE_PATH",
    "STATIC_ROOT",
)


@dataclass
class Platform:
    """What the backed-up installation holds, to find again in the restored one."""

    document_id: str
    pdf_sha256: str
    photo_name: str
    photo: bytes


@pytest.fixture
def report_photo(settings: Any, tmp_path: Path) -> tuple[str, bytes]:
    """A citizen report photo as the flood app stores it, in the media folder."""
    settings.MEDIA_ROOT = tmp_path / "media-origin"
    photo = b"\xff\xd8\xff\xe0 foto laporan banjir \xff\xd9"
    return default_storage.save(f"flood/reports/{uuid.uuid4()}.jpg", ContentFile(photo)), photo


@pytest.fixture
def platform(
    report_photo: tuple[str, bytes],
    make_user: Callable[..., Any],
    make_official: Callable[..., Any],  # noqa: F811
    letter_pdf: Callable[..., bytes],  # noqa: F811
    passphrase: str,  # noqa: F811
    opd: Any,
) -> Platform:
    """A signed letter, a wallet payment, a citizen report photo in the media folder, audit entries."""
    creator = make_user(Role.OPD, opd=opd)
    official, _cert = make_official()
    doc = sign_in_sequence(creator=creator, officials=[official], pdf=letter_pdf(), passphrase=passphrase)
    pdf = bytes(esign_selectors.revision_latest(doc).pdf)

    operator = make_user(Role.DINAS_PARIWISATA, username="operator_booth")
    merchant = wallet.merchant_create(actor=operator, code="batik-setono", name="Batik Setono")
    card = wallet.card_issue(actor=operator)
    wallet.topup_cash(
        actor=operator, card_number=card.number, amount_idr=100_000, idempotency_key=str(uuid.uuid4())
    )
    wallet.payment_create(
        actor=operator,
        merchant_code=merchant.code,
        card_number=card.number,
        card_token=card.qr_token,  # the card scanned at the stall
        amount_idr=35_000,
        idempotency_key=str(uuid.uuid4()),
    )
    name, photo = report_photo
    return Platform(
        document_id=str(doc.public_id),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        photo_name=name,
        photo=photo,
    )


def make_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out), "--passphrase-env", "KP_BACKUP_PASSPHRASE", verbosity=0)
    return out


@pytest.fixture
def backup_dir(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The backup of the whole platform (signing, wallet, media)."""
    return make_backup(tmp_path, monkeypatch)


@pytest.fixture
def small_backup(
    report_photo: tuple[str, bytes], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A backup of a migrated database with one audit entry, one photo and KEY_ENCRYPTION_KEY set:
    enough for what restore refuses, much faster to make than the whole platform."""
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    audit.record(action="test.backup", object_type="test", object_id="1")
    return make_backup(tmp_path, monkeypatch)


class Server:
    """A new server: its own data folder and database, reached through `python -m kotapintar`."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.data = root
        self.env = {k: v for k, v in os.environ.items() if k not in SECRETS_STRIPPED}
        self.env.update(
            PYTHONPATH=str(SRC),
            KOTAPINTAR_DATA_DIR=str(root),
            DATABASE_URL=database_url,
            KP_BACKUP_PASSPHRASE=BACKUP_PASSPHRASE,
        )

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kotapintar", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def load_env_file(self, path: Path) -> None:
        for line in path.read_text().splitlines():
            name, _, value = line.partition("=")
            self.env[name] = value.strip("'")


def _listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def restore_and_check(server: Server, backup: Path, platform: Platform) -> None:
    secrets = server.data / "secrets.env"
    before = _listing(backup)
    done = server.run(
        "restore", str(backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE", "--secrets-out", str(secrets)
    )
    assert done.returncode == 0, done.stderr
    assert _listing(backup) == before  # restore reads the backup and writes nothing beside it
    # The test process keeps KEY_ENCRYPTION_KEY in its settings (no file), so it comes back as an env line.
    assert "KEY_ENCRYPTION_KEY=" in secrets.read_text()
    assert oct(secrets.stat().st_mode & 0o777) == "0o600"
    server.load_env_file(secrets)

    audit = server.run("audit-verify")
    assert audit.returncode == 0, audit.stderr
    assert "audit log intact" in audit.stdout
    assert int(audit.stdout.split(":")[1].split()[0]) > 0  # the signing and the payment left entries

    ledger = server.run("wallet-check", "--json")
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr
    check = json.loads(ledger.stdout)
    assert check["ok"] is True
    assert check["transfers"] >= 2

    pdf_path = server.data / "restored.pdf"
    export = server.run(
        "shell",
        "-c",
        "from pathlib import Path; from kotapintar.esign import selectors; "
        "from kotapintar.esign.models import Document; "
        f"doc = Document.objects.get(public_id='{platform.document_id}'); "
        f"Path('{pdf_path}').write_bytes(bytes(selectors.revision_latest(doc).pdf))",
    )
    assert export.returncode == 0, export.stderr
    assert hashlib.sha256(pdf_path.read_bytes()).hexdigest() == platform.pdf_sha256
    verified = server.run("esign-verify", str(pdf_path), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["conclusion"] == "VALID"

    assert (server.data / "media" / platform.photo_name).read_bytes() == platform.photo


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
def test_sqlite_backup_restores_on_a_new_server(backup_dir: Path, platform: Platform, tmp_path: Path) -> None:
    server_root = tmp_path / "server"
    server = Server(server_root, f"sqlite:///{server_root / 'kotapintar.sqlite3'}")
    restore_and_check(server, backup_dir, platform)


@pytest.fixture
def pg_restore_url() -> Iterator[str]:
    """A second database (<name>_restore, e.g. kp_bk_restore) created empty for the test, then dropped."""
    origin = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{origin['NAME']}_restore"
    admin = {**os.environ, "PGPASSWORD": str(origin.get("PASSWORD") or "")}
    base = ["--host", str(origin["HOST"]), "--port", str(origin["PORT"]), "--username", str(origin["USER"])]
    subprocess.run(["dropdb", *base, "--if-exists", "--force", name], env=admin, check=True)
    subprocess.run(["createdb", *base, name], env=admin, check=True)
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    yield url
    subprocess.run(["dropdb", *base, "--if-exists", "--force", name], env=admin, check=True)


@pytest.mark.postgres
def test_postgresql_backup_restores_into_an_empty_database(
    backup_dir: Path, platform: Platform, pg_restore_url: str, tmp_path: Path
) -> None:
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"]["engine"] == "postgresql"
    server = Server(tmp_path / "server", pg_restore_url)
    restore_and_check(server, backup_dir, platform)


# --- what a backup holds ---------------------------------------------------------------------------


def test_backup_never_holds_a_key_in_clear(small_backup: Path, settings: Any) -> None:
    secrets = [settings.SECRET_KEY.encode(), settings.KEY_ENCRYPTION_KEY.encode()]
    for path in small_backup.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), path


def test_manifest_lists_every_file_with_its_hash(small_backup: Path, report_photo: tuple[str, bytes]) -> None:
    manifest = json.loads((small_backup / "manifest.json").read_text())
    assert f"media/{report_photo[0]}" in manifest["files"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((small_backup / name).read_bytes()).hexdigest() == entry["sha256"]
    apps = {head.split(".")[0] for head in manifest["migration_heads"]}
    assert {"core", "esign", "wallet"} <= apps
    assert "KEY_ENCRYPTION_KEY" in manifest["keys"]


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="backup_folder_not_empty"):
        call_command("backup", "--out", str(tmp_path), "--passphrase-env", "KP_BACKUP_PASSPHRASE")


def test_backup_refuses_a_short_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KP_BACKUP_PASSPHRASE", "pendek")
    with pytest.raises(CommandError, match="backup_passphrase_weak"):
        call_command("backup", "--out", str(tmp_path / "b"), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert not (tmp_path / "b").exists()


def test_missing_pg_tool_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackupToolMissing):
        database.pg_tool("pg_dump", at_least=99)


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="no pg_dump installed")
def test_pg_tool_older_than_the_server_is_refused() -> None:
    with pytest.raises(BackupToolTooOld):
        database.pg_tool("pg_dump", at_least=99)


def test_sqlite_copy_of_a_live_wal_database_is_one_file_read_without_a_trace(tmp_path: Path) -> None:
    """The platform's SQLite runs in WAL mode; its copy must not make readers create -wal/-shm files
    in the backup folder (read-only media, and the manifest lists every file)."""
    live = sqlite3.connect(tmp_path / "live.sqlite3")
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE t (x)")
    live.execute("INSERT INTO t VALUES (1)")
    live.commit()
    folder = tmp_path / "backup"
    folder.mkdir()
    database.sqlite_copy(live, folder / "database.sqlite3")
    live.close()
    database.sqlite_check_archive(folder / "database.sqlite3")
    assert [p.name for p in folder.iterdir()] == ["database.sqlite3"]


# --- what restore refuses, before writing anything --------------------------------------------------


@pytest.fixture
def empty_server(tmp_path: Path, request: pytest.FixtureRequest) -> Server:
    """A new server on the engine under test, its database empty."""
    root = tmp_path / "server"
    if connection.vendor == "postgresql":
        return Server(root, request.getfixturevalue("pg_restore_url"))
    return Server(root, f"sqlite:///{root / 'kotapintar.sqlite3'}")


def _nothing_written(server: Server) -> None:
    tables = server.run(
        "shell", "-c", "from django.db import connection; print(len(connection.introspection.table_names()))"
    )
    assert tables.stdout.split()[-1:] == ["0"], tables.stdout + tables.stderr
    assert not list(server.data.glob("media/**/*.jpg"))
    assert not (server.data / "secret_key.pre-restore").exists()
    assert not (server.data / "secrets.env").exists()


def test_restore_refuses_a_tampered_file(
    small_backup: Path, report_photo: tuple[str, bytes], empty_server: Server
) -> None:
    photo = small_backup / "media" / report_photo[0]
    photo.write_bytes(photo.read_bytes().replace(b"banjir", b"BANJIR"))
    server = empty_server
    done = server.run("restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert done.returncode == 1
    assert "backup_corrupt" in done.stderr
    assert report_photo[0] in done.stderr
    _nothing_written(server)


def test_restore_refuses_a_tampered_manifest(
    small_backup: Path, report_photo: tuple[str, bytes], empty_server: Server
) -> None:
    """Who alters a file and its hash in the manifest still fails: the sealed keys are bound to it."""
    photo = small_backup / "media" / report_photo[0]
    altered = photo.read_bytes().replace(b"banjir", b"BANJIR")
    photo.write_bytes(altered)
    manifest_path = small_backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][f"media/{report_photo[0]}"]["sha256"] = hashlib.sha256(altered).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    server = empty_server
    done = server.run("restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert done.returncode == 1
    assert "backup_wrong_passphrase" in done.stderr
    _nothing_written(server)


def test_restore_refuses_a_wrong_passphrase(small_backup: Path, empty_server: Server) -> None:
    server = empty_server
    secrets = server.data / "secrets.env"
    done = server.run(
        "restore",
        str(small_backup),
        "--passphrase-env",
        "KP_BACKUP_PASSPHRASE",
        "--secrets-out",
        str(secrets),
        env={"KP_BACKUP_PASSPHRASE": "bukan-frasa-yang-benar"},
    )
    assert done.returncode == 1
    assert "backup_wrong_passphrase" in done.stderr
    _nothing_written(server)


def test_restore_refuses_a_database_that_is_not_empty(
    small_backup: Path, report_photo: tuple[str, bytes]
) -> None:
    """Here the target is the test database itself, which holds the platform."""
    media = Path(default_storage.path(report_photo[0]))
    before = media.stat().st_mtime_ns
    with pytest.raises(CommandError, match="restore_target_not_empty"):
        call_command("restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert media.stat().st_mtime_ns == before


def test_restore_refuses_a_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="backup_not_found"):
        call_command("restore", str(tmp_path), "--passphrase-env", "KP_BACKUP_PASSPHRASE")


def test_restore_refuses_env_secrets_it_cannot_set(small_backup: Path, empty_server: Server) -> None:
    """KEY_ENCRYPTION_KEY came from the environment: without --secrets-out the restore stops first."""
    server = empty_server
    done = server.run("restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert done.returncode == 1
    assert "restore_secrets_differ" in done.stderr
    assert "KEY_ENCRYPTION_KEY" in done.stderr
    _nothing_written(server)


def test_force_restores_over_a_migrated_database(small_backup: Path, empty_server: Server) -> None:
    server = empty_server
    assert server.run("migrate", "-v0").returncode == 0
    refused = server.run("restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE")
    assert "restore_target_not_empty" in refused.stderr
    secrets = server.data / "secrets.env"
    done = server.run(
        "restore", str(small_backup), "--passphrase-env", "KP_BACKUP_PASSPHRASE", "--force",
        "--secrets-out", str(secrets),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    server.load_env_file(secrets)
    audit_run = server.run("audit-verify")
    assert audit_run.returncode == 0, audit_run.stderr
    assert "1 entries" in audit_run.stdout
