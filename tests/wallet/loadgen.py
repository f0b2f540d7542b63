"""Drive the payment API over real HTTP: start server processes, run N concurrent POS clients.

Test and benchmark scaffolding, not part of the product: used by the PostgreSQL concurrency test
(tests/wallet/test_concurrency_pg.py) and by bench/wallet.py (which puts the project root on
sys.path). A client behaves like the POS page: it generates the Idempotency-Key *before* sending, and
when the connection fails (server killed, timeout) it retries with the same key — against another
server — until it gets a definitive answer, so no payment is ever lost or doubled.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "KOTAPINTAR_TESTING": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "kotapintar.settings",
        }
    )
    env.update(extra)
    return env


def start_server(
    *, port: int, env: dict[str, str], kind: str = "runserver", workers: int = 2, threads: int = 8
) -> subprocess.Popen[bytes]:
    """One server process: Django's threaded `runserver` or gunicorn (gthread workers)."""
    if kind == "runserver":
        cmd = [
            sys.executable,
            "-m",
            "kotapintar",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--skip-checks",
        ]
    elif kind == "gunicorn":
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:kotapintar.gunicorn_conf",
            "kotapintar.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
        ]
    else:
        raise ValueError(kind)
    # The request log goes to a file: an unread pipe would fill up and stall the server.
    log = tempfile.NamedTemporaryFile(prefix=f"kp-wallet-{port}-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        cmd, env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    proc.log_path = log.name  # type: ignore[attr-defined]
    return proc


def server_log(proc: subprocess.Popen[bytes], *, tail: int = 3000) -> str:
    path = getattr(proc, "log_path", "")
    return Path(path).read_text(errors="replace")[-tail:] if path and Path(path).exists() else ""


def wait_ready(port: int, *, timeout_s: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {server_log(proc)}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/api/v1/wallet/keys")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()  # also when the answer timed out: no socket left to the garbage collector
        time.sleep(0.2)
    raise TimeoutError(f"server on port {port} not ready")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    path = getattr(proc, "log_path", "")
    if path and Path(path).exists() and not os.environ.get("KP_KEEP_SERVER_LOGS"):
        Path(path).unlink()


@dataclass
class Outcome:
    key: str
    card: str
    amount: int
    status: int
    body: dict[str, Any]
    latency_s: float
    attempts: int


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    replays: list[tuple[Outcome, Outcome]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def acknowledged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 201]


class PosClient:
    """One POS terminal: keep-alive HTTP to a preferred server, fail over to the others."""

    def __init__(self, ports: list[int], token: str, first: int, keep_alive: bool = True) -> None:
        self.ports = ports
        self.token = token
        self.keep_alive = keep_alive
        self.index = first % len(ports)
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.ports[self.index], timeout=10)
        return self.conn

    def _drop(self, *, failover: bool) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        if failover:
            self.index = (self.index + 1) % len(self.ports)

    def close(self) -> None:
        self._drop(failover=False)

    def pay(
        self, *, key: str, body: dict[str, Any], stop_at: float | None = None
    ) -> tuple[int, dict[str, Any], int]:
        """Send until a definitive HTTP answer; returns (status, json, attempts)."""
        raw = json.dumps(body).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        if not self.keep_alive:
            headers["Connection"] = "close"
        attempts = 0
        while True:
            attempts += 1
            try:
                conn = self._connect()
                conn.request("POST", "/api/v1/wallet/payments", body=raw, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.status >= 500:
                    raise OSError(f"HTTP {resp.status}")
                if not self.keep_alive or resp.getheader("Connection", "").lower() == "close":
                    self._drop(failover=False)
                return resp.status, json.loads(data or b"{}"), attempts
            except (OSError, http.client.HTTPException):
                self._drop(failover=True)
                if attempts > 200 or (stop_at is not None and time.monotonic() > stop_at + 30):
                    raise
                time.sleep(0.05)


def run_payments(
    *,
    ports: list[int],
    token: str,
    merchants: list[str],
    cards: list[str],
    clients: int,
    duration_s: float,
    retry_fraction: float = 0.0,
    amount_range: tuple[int, int] = (1_000, 25_000),
    kill: tuple[float, subprocess.Popen[bytes]] | None = None,
    seed: int = 5,
    keep_alive: bool = True,
    tokens: dict[str, str] | None = None,
) -> LoadResult:
    """`clients` threads pay from random cards for `duration_s`; a `retry_fraction` of requests is
    sent again with the same key; `kill=(after_s, proc)` SIGKILLs a server mid-run. With `tokens`
    (card number → its QR token) the POS scans the card instead of typing its number (which needs
    the holder's PIN)."""
    result = LoadResult()
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + duration_s

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        client = PosClient(ports, token, first=n, keep_alive=keep_alive)
        local: list[Outcome] = []
        local_replays: list[tuple[Outcome, Outcome]] = []
        try:
            while time.monotonic() < stop_at:
                key = str(uuid.uuid4())
                card, amount = rng.choice(cards), rng.randint(*amount_range)
                body: dict[str, Any] = {
                    "merchant_code": rng.choice(merchants),
                    "card_number": card,
                    "amount_idr": amount,
                }
                if tokens is not None:
                    body["card_token"] = tokens[card]
                t0 = time.monotonic()
                status, data, attempts = client.pay(key=key, body=body, stop_at=stop_at)
                first = Outcome(
                    key,
                    card,
                    amount,
                    status,
                    data,
                    time.monotonic() - t0,
                    attempts,
                )
                local.append(first)
                if rng.random() < retry_fraction:
                    t1 = time.monotonic()
                    status2, data2, attempts2 = client.pay(key=key, body=body, stop_at=stop_at)
                    again = Outcome(
                        key,
                        card,
                        amount,
                        status2,
                        data2,
                        time.monotonic() - t1,
                        attempts2,
                    )
                    local_replays.append((first, again))
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            with lock:
                result.errors.append(f"client {n}: {exc!r}")
        finally:
            client.close()  # the keep-alive connection, or the socket is left to the garbage collector
        with lock:
            result.outcomes.extend(local)
            result.replays.extend(local_replays)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    if kill is not None:
        after_s, proc = kill
        time.sleep(after_s)
        os.killpg(proc.pid, signal.SIGKILL)
    for t in threads:
        t.join(timeout=duration_s + 90)
    result.elapsed_s = time.monotonic() - start
    return result


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[idx]
