"""Wallet payments through the HTTP API vs pgbench's TPC-B-like run on the same PostgreSQL server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kotapintar .venv/bin/python bench/wallet.py

Needs `wrk` and `pgbench` (Debian: apt-get install wrk postgresql-contrib). Creates two scratch
databases next to the one in DATABASE_URL (`<name>_wbench` for the app, `<name>_pgbench` for
pgbench) and drops them at the end. The API is served by gunicorn with the project's configuration
(kotapintar.gunicorn_conf: preloaded application, start-up objects frozen out of the collector).
The 16 clients are wrk connections (a C load generator, like pgbench on the other side, so the
client does not eat the server's two cores); each POSTs /api/v1/wallet/payments with a fresh
Idempotency-Key, a random card out of 50 funded ones and one of 16 merchants (one stall per POS),
signed in with the merchants' owner token and paying by the card's scanned QR token. Each round
is a pgbench run, a saturation run and an open-loop run at half the saturation rate; the medians
over the rounds are printed:

    payments_per_s       acknowledged payments per second (HTTP 201) through the API, 16 clients
    tpcb_tps             pgbench -c 16 -j 2 -T N (scale 16, TPC-B-like), same server, same round
    ratio_vs_tpcb        payments_per_s / tpcb_tps: web tier and database on the same 2 cores
    p99_ms               99th percentile payment latency at saturation (goal < 50 ms)
    p99_ms_at_half_load  99th percentile latency when payments arrive at a fixed rate of half this
                         round's payments_per_s (goal < 25 ms): open loop, 16 connections each
                         sending on its own schedule (bench/wallet_pay_open.lua, as wrk2 does),
                         latency from when a payment was due, not when it went out, so a slow
                         answer also counts against the payments queued behind it; a payment due
                         and still unanswered at the end counts as (end - due)
    db_ratio_vs_tpcb     cpu_ms_per_tpcb_tx_db / cpu_ms_per_payment_db: payments one database server
                         sustains per TPC-B transaction once the web processes run elsewhere
                         (goal >= 0.6)

On Linux it also prints where the CPU went, medians of the same rounds:

    cpu_ms_per_payment      CPU of the whole machine per acknowledged payment, wrk included
    cpu_ms_per_payment_web  of which the gunicorn workers (Django, ninja, psycopg, HTTP)
    cpu_ms_per_payment_db   the PostgreSQL backends serving the app's database, per payment
    cpu_ms_per_tpcb_tx      CPU of the whole machine per TPC-B transaction, pgbench included
    cpu_ms_per_tpcb_tx_db   the PostgreSQL backends serving pgbench, per TPC-B transaction

The *_db figures come from the /proc counters of the processes pg_stat_activity lists for that
database (its client backends and autovacuum workers; BackendCpu), not from the machine's total,
which on a shared machine also counts everyone else's work; the cluster's WAL writer, checkpointer
and background writer are left out on both sides. The machine-wide figures are exact
only on an otherwise idle machine (`uptime` before and after says how idle it was).

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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving one database over a block (Linux /proc).

    On a shared machine the machine-wide figures also count everyone else's work; this counts only
    the server processes of `db`. A thread asks pg_stat_activity for the backends' pids every
    `poll_s` and reads their /proc/<pid>/stat; a backend that started during the block counts from
    zero, one that ends during it counts up to its last reading (at most `poll_s` of it is lost)."""

    def __init__(self, url: str, db: str, poll_s: float = 0.1) -> None:
        self.url, self.db, self.poll_s = url, db, poll_s
        self.seconds: float | None = None
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._first = True
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def _cpu(pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _pids(self, conn: Any) -> list[int]:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.db]
        ).fetchall()
        return [int(r[0]) for r in rows]

    def _poll(self) -> None:
        import psycopg

        with psycopg.connect(_with_db(self.url, "postgres"), autocommit=True) as conn:
            while True:
                for pid in self._pids(conn):
                    cpu = self._cpu(pid)
                    if cpu is None:
                        continue
                    if pid not in self._start:
                        self._start[pid] = cpu if self._first else 0.0
                    self._last[pid] = cpu
                self._first = False
                self._ready.set()
                if self._stop.wait(self.poll_s):
                    return

    def __enter__(self) -> BackendCpu:
        self._start, self._last, self._first = {}, {}, True
        self._ready.clear()
        self._stop.clear()
        if Path("/proc/self/stat").exists():
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
            self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self.seconds = sum(self._last[pid] - start for pid, start in self._start.items())


def pgbench_tps(url: str, db: str, seconds: int, *script: str) -> tuple[float, int]:
    """pgbench's tps (without connection time) and the transactions it processed."""
    out = subprocess.run(
        ["pgbench", "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), "-n", *script, db],
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
    processed = re.search(r"number of transactions actually processed: (\d+)", out)
    if not processed:
        raise RuntimeError(f"pgbench output not understood:\n{out}")
    return float(match.group(1)), int(processed.group(1))


def direct_script(owner_id: int, token: str, cards: list[str]) -> str:
    """A pgbench script sending what the web tier sends the database for one payment: the token
    lookup (the same SQL, core.services) and the call of wallet_payment_post, each prepared."""
    from kotapintar.core.services import _token_hash, _token_user_query

    lookup, _converters = _token_user_query("postgresql")
    lookup = lookup.replace("%s", "now() - interval '60 seconds'", 1).replace(
        "%s", f"'{_token_hash(token)}'", 1
    )
    numbers = ",".join(f"'{card.split('.')[2]}'" for card in cards)  # KP1.<kid>.<number>.<signature>
    return (
        f"\\set c random(1, {len(cards)})\n"
        f"\\set m random(0, {CLIENTS - 1})\n"
        "\\set a random(100, 1000)\n"
        f"{lookup};\n"
        "SELECT r_outcome, r_id, r_balance, r_merchant_name FROM wallet_payment_post("
        f"'user:{owner_id}', 'pgb-' || gen_random_uuid(), repeat('f', 64), "
        "gen_random_uuid(), gen_random_uuid(), "
        f"(ARRAY[{numbers}])[:c], 'bench-' || :m, :a, '', '', 'card', {owner_id}, NULL, NULL, now());\n"
    )


def pgbench_direct(url: str, db: str, script: str, seconds: int) -> tuple[float, int]:
    """pgbench -c 16 -j 2 -M prepared running `script` against the app's database."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="kp-wallet-") as f:
        f.write(script)
        f.flush()
        return pgbench_tps(url, db, seconds, "-M", "prepared", "-f", f.name)


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


def run_wrk(
    script: str, threads: int, seconds: int, port: int, args: list[str], first_key: str
) -> dict[str, int]:
    """Run wrk with 16 connections and a script under bench/; the key=value line the script's
    done() prints (its first key `first_key`), as integers."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / script),
            f"http://127.0.0.1:{port}",
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith(f"{first_key}=")), None)
    if line is None:
        raise RuntimeError(f"wrk output not understood:\n{out}")
    return {k: int(v) for k, v in (item.split("=") for item in line.split())}


def _answers(f: dict[str, int]) -> dict[str, Any]:
    """The answer counts and latencies both Lua scripts print."""
    counts = {key: f[key] for key in ("acked", "refused", "other", "errors")}
    return counts | {f"{key}_ms": f[f"{key}_us"] / 1000 for key in ("p50", "p99", "max")}


def wrk_payments(
    port: int, token: str, merchants: list[str], cards: list[str], seconds: int, seed: int
) -> WrkRun:
    """16 connections (2 wrk threads) paying for `seconds`; the Lua script counts the answers."""
    f = run_wrk(
        "wallet_pay.lua", 2, seconds, port, [token, ",".join(merchants), ",".join(cards), str(seed)], "acked"
    )
    return WrkRun(seconds=f["duration_us"] / 1e6, **_answers(f))


@dataclass
class OpenRun:
    due: int
    answered: int
    unanswered: int
    acked: int
    refused: int
    other: int
    errors: int
    window_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float


def wrk_open_loop(
    port: int, token: str, merchants: list[str], cards: list[str], rate: float, seconds: int, seed: int
) -> OpenRun:
    """Payments arriving at `rate` per second whatever the answers do (wallet_pay_open.lua): 16
    connections, one per wrk thread, each sending its share on a fixed schedule; latency counted
    from when each payment was due. The window is the first `seconds`; wrk runs one more."""
    per_connection = f"{rate / CLIENTS:.6f}"
    f = run_wrk(
        "wallet_pay_open.lua",
        CLIENTS,
        seconds + 1,
        port,
        [
            token,
            ",".join(merchants),
            ",".join(cards),
            str(seed),
            per_connection,
            str(CLIENTS),
            str(seconds + 1),
        ],
        "due",
    )
    return OpenRun(
        due=f["due"],
        answered=f["answered"],
        unanswered=f["unanswered"],
        window_s=f["window_us"] / 1e6,
        **_answers(f),
    )


PRINTED = (
    "payments_per_s",
    "tpcb_tps",
    "ratio_vs_tpcb",
    "p99_ms",
    "p99_ms_at_half_load",
    "db_ratio_vs_tpcb",
    "db_ratio_vs_tpcb_in_http",
    "db_payments_per_s",
    "db_tps_ratio_vs_tpcb",
    "cpu_ms_per_payment",
    "cpu_ms_per_payment_web",
    "cpu_ms_per_payment_db",
    "cpu_ms_per_payment_db_direct",
    "cpu_ms_per_tpcb_tx",
    "cpu_ms_per_tpcb_tx_db",
)


def one_round(
    base_url: str,
    tpcb_db: str,
    app_db: str,
    port: int,
    web_pgid: int,
    token: str,
    merchants: list[str],
    cards: list[str],
    stored: Callable[[], int],
    direct: str,
    args: argparse.Namespace,
    run: int,
) -> dict[str, float]:
    """One TPC-B run, one run of the payment statements straight into the database, one saturation
    run through the API and one open-loop run at half the saturation rate."""
    with CpuMeter() as tpcb_meter, BackendCpu(base_url, tpcb_db) as tpcb_db_cpu:
        tps, tx = pgbench_tps(base_url, tpcb_db, args.seconds)
    with BackendCpu(base_url, app_db) as direct_db_cpu:
        direct_tps, direct_tx = pgbench_direct(base_url, app_db, direct, args.seconds)
    before = stored()
    with CpuMeter(web_pgid=web_pgid) as pay_meter, BackendCpu(base_url, app_db) as pay_db_cpu:
        result = wrk_payments(port, token, merchants, cards, args.seconds, seed=run + 11)
    # wrk stops at the deadline with up to one request per connection in flight: those are
    # stored but never counted, so the ledger may hold up to CLIENTS more than acknowledged.
    ledger_check(result.acked, result.refused + result.other + result.errors, stored() - before, result)
    got = {
        "payments_per_s": result.acked / result.seconds,
        "tpcb_tps": tps,
        "ratio_vs_tpcb": result.acked / result.seconds / tps,
        "p99_ms": result.p99_ms,
    }
    paid = pay_meter.split
    if tpcb_meter.split and paid and result.acked:
        got["cpu_ms_per_payment"] = paid.machine * 1000 / result.acked
        got["cpu_ms_per_payment_web"] = paid.web * 1000 / result.acked
        got["cpu_ms_per_tpcb_tx"] = tpcb_meter.split.machine * 1000 / tx
    got["db_payments_per_s"] = direct_tps
    got["db_tps_ratio_vs_tpcb"] = direct_tps / tps
    if tpcb_db_cpu.seconds and pay_db_cpu.seconds and direct_db_cpu.seconds and result.acked:
        got["cpu_ms_per_tpcb_tx_db"] = tpcb_db_cpu.seconds * 1000 / tx
        got["cpu_ms_per_payment_db"] = pay_db_cpu.seconds * 1000 / result.acked
        got["cpu_ms_per_payment_db_direct"] = direct_db_cpu.seconds * 1000 / direct_tx
        got["db_ratio_vs_tpcb"] = got["cpu_ms_per_tpcb_tx_db"] / got["cpu_ms_per_payment_db_direct"]
        got["db_ratio_vs_tpcb_in_http"] = got["cpu_ms_per_tpcb_tx_db"] / got["cpu_ms_per_payment_db"]
    time.sleep(1)
    rate = got["payments_per_s"] / 2
    before = stored()
    half = wrk_open_loop(port, token, merchants, cards, rate, args.seconds, seed=run + 51)
    ledger_check(half.acked, half.refused + half.other + half.errors, stored() - before, half)
    got["p99_ms_at_half_load"] = half.p99_ms
    got["half_load_per_s"] = half.answered / half.window_s
    if half.unanswered:
        print(
            f"# run {run + 1}: {half.unanswered} of {half.due} payments due unanswered at the end",
            file=sys.stderr,
        )
    return got


def ledger_check(acked: int, not_acked: int, stored: int, result: object) -> None:
    if not_acked or not 0 <= stored - acked <= CLIENTS:
        raise RuntimeError(f"payments and answers do not match: {result}, stored={stored}")


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
        from django.contrib.auth import get_user_model

        owner_id = get_user_model().objects.get(username="bench_merchant").pk
        direct = direct_script(owner_id, token, cards)

        port = loadgen.free_port()
        env = loadgen.server_env(app_url, SECRET_KEY=settings.SECRET_KEY)
        server = loadgen.start_server(
            port=port, env=env, kind="gunicorn", workers=args.workers, threads=args.threads
        )
        loadgen.wait_ready(port, proc=server)
        # warm-up: every worker connects to the database and runs the payment path
        wrk_payments(port, token, merchants, cards, args.warmup, seed=99)

        figures: dict[str, list[float]] = {}
        stored = Payment.objects.count
        for run in range(args.runs):
            got = one_round(
                base_url,
                tpcb_db,
                app_db,
                port,
                server.pid,
                token,
                merchants,
                cards,
                stored,
                direct,
                args,
                run,
            )
            for key, value in got.items():
                figures.setdefault(key, []).append(value)
            print(f"# run {run + 1}: " + " ".join(f"{k}={v:.2f}" for k, v in got.items()), file=sys.stderr)
            time.sleep(1)

        check = selectors.ledger_check()
        med = {key: statistics.median(values) for key, values in figures.items()}
        for key in PRINTED:
            if key in med:
                print(f"{key}={med[key]:.{3 if 'ratio' in key else 2 if key.startswith('cpu') else 1}f}")
        print(f"ledger_ok={str(check.ok).lower()}")
        kind = f"gthread-{args.workers}x{args.threads}" if args.threads > 1 else f"sync-{args.workers}"
        print(
            f"server=gunicorn-{kind} client=wrk clients={CLIENTS} runs={args.runs} seconds={args.seconds} "
            f"half_load_per_s={med['half_load_per_s']:.1f}"
        )
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
