"""Wallet payments through the HTTP API vs pgbench's TPC-B-like run on the same PostgreSQL server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kotapintar .venv/bin/python bench/wallet.py

Needs `wrk` and `pgbench` (Debian: apt-get install wrk postgresql-contrib). Creates two scratch
databases next to the one in DATABASE_URL (`<name>_wbench` for the app, `<name>_pgbench` for
pgbench) and drops them at the end. The API is served by gunicorn with the project's configuration
(kotapintar.gunicorn_conf: preloaded application, start-up objects frozen out of the collector).
The 16 clients are wrk connections (a C load generator, like pgbench on the other side, so the
client does not eat the server's two cores); each POSTs /api/v1/wallet/payments with a fresh
Idempotency-Key, a random card out of 50 funded ones and one of 16 merchants (one stall per POS),
signed in with the merchants' owner token. Runs alternate (pgbench, payments, pgbench, payments,
...) and the medians are printed:

    payments_per_s   acknowledged payments per second (HTTP 201) through the API, 16 clients
    tpcb_tps         pgbench -c 16 -j 2 -T N (scale 16, TPC-B-like), same server, same run
    ratio_vs_tpcb    payments_per_s / tpcb_tps      (goal >= 0.25 on 2 cores)
    p99_ms           99th percentile payment latency at the client (goal < 50 ms)

On Linux it also prints where the machine's CPU went, from /proc and the clients' rusage, medians
of the same runs (steal time excluded):

    cpu_ms_per_payment      CPU of the whole machine per acknowledged payment, wrk included
    cpu_ms_per_payment_web  of which the gunicorn workers (Django, ninja, psycopg, HTTP)
    cpu_ms_per_payment_db   of which everything but the web workers and wrk: PostgreSQL, kernel
    cpu_ms_per_tpcb_tx      CPU of the whole machine per TPC-B transaction, pgbench included

When both kinds of run keep the two cores busy, ratio_vs_tpcb is close to
cpu_ms_per_tpcb_tx / cpu_ms_per_payment, so the goal of 0.25 is a budget: a payment may cost the
machine four TPC-B transactions.

After every run the bench checks that every answer was a 201 and that the ledger holds the
acknowledged payments (plus at most one per connection still in flight when wrk stopped); at the
end, that all accounts sum to zero. Exactly-once under retries and a killed server is the
concurrency test's job (tests/wallet/test_concurrency_pg.py).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests.wallet.loadgen: the servers and POS clients the concurrency test uses

CLIENTS = 16
WORKERS = 6  # sync workers: measured best on 2 cores (docs/wallet.md)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": parts.hostname or "127.0.0.1",
            "PGPORT": str(parts.port or 5432),
            "PGUSER": parts.username or "postgres",
        }
    )
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def machine_busy_s() -> float | None:
    """CPU seconds the machine has spent busy so far (Linux /proc/stat, steal excluded), or None."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in first[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def group_cpu_s(pgid: int) -> float:
    """CPU seconds used so far by the live processes of a process group (Linux /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuSplit:
    """CPU seconds over one run: the whole machine, the web server's processes, the load client."""

    machine: float
    web: float
    client: float


class CpuMeter:
    """Measures a CpuSplit around a block, where /proc exists."""

    def __init__(self, web_pgid: int | None = None) -> None:
        self.web_pgid = web_pgid
        self.split: CpuSplit | None = None

    def _read(self) -> tuple[float, float, float] | None:
        busy = machine_busy_s()
        if busy is None:
            return None
        web = group_cpu_s(self.web_pgid) if self.web_pgid is not None else 0.0
        return busy, web, children_cpu_s()

    def __enter__(self) -> CpuMeter:
        self._start = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._read()
        if self._start is not None and end is not None:
            self.split = CpuSplit(*(b - a for a, b in zip(self._start, end, strict=True)))


def pgbench_tps(url: str, db: str, seconds: int) -> float:
    out = subprocess.run(
        ["pgbench", "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), "-n", db],
        env=_pg_env(url),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out) or re.search(
        r"tps = ([0-9.]+)", out
    )
    if not match:
        raise RuntimeError(f"pgbench output not understood:\n{out}")
    return float(match.group(1))


def seed_app(cards: int) -> tuple[str, list[str], list[str]]:
    """Operator, merchant owner with a token, 16 merchants, `cards` cards filled to the limit."""
    import uuid

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from kotapintar.core import services as core_services
    from kotapintar.wallet import services

    User = get_user_model()
    operator = User.objects.create_user(username="bench_operator", password=uuid.uuid4().hex)
    operator.groups.add(Group.objects.get_or_create(name="dinas_pariwisata")[0])
    owner = User.objects.create_user(username="bench_merchant", password=uuid.uuid4().hex)
    owner.groups.add(Group.objects.get_or_create(name="merchant")[0])
    merchants = []
    for i in range(CLIENTS):  # one stall per POS terminal
        m = services.merchant_create(
            actor=operator, code=f"bench-{i}", name=f"Bench {i}", category="kuliner", owner=owner
        )
        merchants.append(m.code)
    numbers = []
    for _ in range(cards):  # each card filled to the balance limit, so a fast machine cannot drain it
        card = services.card_issue(actor=operator)
        for _topup in range(settings.WALLET_MAX_BALANCE_IDR // settings.WALLET_MAX_TOPUP_IDR):
            services.topup_cash(
                actor=operator,
                card_number=card.number,
                amount_idr=settings.WALLET_MAX_TOPUP_IDR,
                idempotency_key=str(uuid.uuid4()),
            )
        numbers.append(card.qr_token)  # the POS scans the card (a typed number needs a PIN)
    _token, raw = core_services.api_token_create(user=owner, name="bench")
    return raw, merchants, numbers


@dataclass
class WrkRun:
    acked: int
    refused: int
    other: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float


def wrk_payments(
    port: int, token: str, merchants: list[str], cards: list[str], seconds: int, seed: int
) -> WrkRun:
    """16 connections (2 wrk threads) paying for `seconds`; the Lua script counts the answers."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wallet_pay.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            token,
            ",".join(merchants),
            ",".join(cards),
            str(seed),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("acked=")), None)
    if line is None:
        raise RuntimeError(f"wrk output not understood:\n{out}")
    f = {k: int(v) for k, v in (item.split("=") for item in line.split())}
    return WrkRun(
        acked=f["acked"],
        refused=f["refused"],
        other=f["other"],
        errors=f["errors"],
        seconds=f["duration_us"] / 1e6,
        p50_ms=f["p50_us"] / 1000,
        p99_ms=f["p99_us"] / 1000,
        max_ms=f["max_us"] / 1000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind (median reported)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync worker)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of payments before measuring")
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("error=DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    missing = [tool for tool in ("wrk", "pgbench") if shutil.which(tool) is None]
    if missing:
        print(f"error=missing {' '.join(missing)} (apt-get install wrk postgresql-contrib)", file=sys.stderr)
        return 2
    base_name = urlsplit(base_url).path.lstrip("/") or "kotapintar"
    app_db, tpcb_db = f"{base_name}_wbench", f"{base_name}_pgbench"
    app_url = _with_db(base_url, app_db)

    for db in (app_db, tpcb_db):
        _admin(base_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _admin(base_url, f'CREATE DATABASE "{db}"')
    server = None
    try:
        subprocess.run(
            ["pgbench", "-i", "-q", "-s", str(CLIENTS), tpcb_db],
            env=_pg_env(base_url),
            check=True,
            capture_output=True,
        )
        os.environ["DATABASE_URL"] = app_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
        os.environ["KOTAPINTAR_TESTING"] = "0"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from tests.wallet import loadgen

        from kotapintar.wallet import selectors
        from kotapintar.wallet.models import Payment

        call_command("migrate", verbosity=0)
        token, merchants, cards = seed_app(args.cards)

        port = loadgen.free_port()
        env = loadgen.server_env(app_url, SECRET_KEY=settings.SECRET_KEY)
        server = loadgen.start_server(
            port=port, env=env, kind="gunicorn", workers=args.workers, threads=args.threads
        )
        loadgen.wait_ready(port, proc=server)
        # warm-up: every worker connects to the database and runs the payment path
        wrk_payments(port, token, merchants, cards, args.warmup, seed=99)

        tps_runs: list[float] = []
        pay_runs: list[float] = []
        p99_runs: list[float] = []
        cpu: dict[str, list[float]] = {}
        for run in range(args.runs):
            with CpuMeter() as tpcb_meter:
                tps_runs.append(pgbench_tps(base_url, tpcb_db, args.seconds))
            before = Payment.objects.count()
            with CpuMeter(web_pgid=server.pid) as pay_meter:  # gunicorn runs in its own session
                result = wrk_payments(port, token, merchants, cards, args.seconds, seed=run + 11)
            stored = Payment.objects.count() - before
            # wrk stops at the deadline with up to one request per connection in flight: those are
            # stored but never counted, so the ledger may hold up to CLIENTS more than acknowledged.
            if result.refused or result.other or result.errors or not 0 <= stored - result.acked <= CLIENTS:
                raise RuntimeError(f"payments and answers do not match: {result}, stored={stored}")
            pay_runs.append(result.acked / result.seconds)
            p99_runs.append(result.p99_ms)
            if tpcb_meter.split and pay_meter.split and result.acked:
                tx, paid = tps_runs[-1] * args.seconds, pay_meter.split
                for key, seconds, count in (
                    ("cpu_ms_per_payment", paid.machine, result.acked),
                    ("cpu_ms_per_payment_web", paid.web, result.acked),
                    ("cpu_ms_per_payment_db", paid.machine - paid.web - paid.client, result.acked),
                    ("cpu_ms_per_tpcb_tx", tpcb_meter.split.machine, tx),
                ):
                    cpu.setdefault(key, []).append(seconds * 1000 / count)
            print(
                f"# run {run + 1}: tpcb_tps={tps_runs[-1]:.0f} payments_per_s={pay_runs[-1]:.0f} "
                f"p50_ms={result.p50_ms:.1f} p99_ms={result.p99_ms:.1f} max_ms={result.max_ms:.1f} "
                + " ".join(f"{key}={values[-1]:.2f}" for key, values in cpu.items()),
                file=sys.stderr,
            )
            time.sleep(1)

        check = selectors.ledger_check()
        payments = statistics.median(pay_runs)
        tps = statistics.median(tps_runs)
        print(f"payments_per_s={payments:.1f}")
        print(f"tpcb_tps={tps:.1f}")
        print(f"ratio_vs_tpcb={payments / tps:.3f}")
        print(f"p99_ms={statistics.median(p99_runs):.1f}")
        for key, values in cpu.items():
            print(f"{key}={statistics.median(values):.2f}")
        print(f"ledger_ok={str(check.ok).lower()}")
        kind = f"gthread-{args.workers}x{args.threads}" if args.threads > 1 else f"sync-{args.workers}"
        print(f"server=gunicorn-{kind} client=wrk clients={CLIENTS} runs={args.runs} seconds={args.seconds}")
        return 0 if check.ok else 1
    finally:
        if server is not None:
            from tests.wallet import loadgen

            loadgen.stop(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            for db in (app_db, tpcb_db):
                _admin(base_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
