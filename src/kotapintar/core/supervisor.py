"""The supervisor of `kotapintar run`: starts its children, restarts one that dies, stops them all.

A child that exits (crash, kill -9, OOM) is started again after a back-off that doubles with each
quick death (`backoff_s`, 2×, 4×, … up to `backoff_max_s`) and starts over once a child has run for
`stable_s`; each death and restart is logged (logger `kotapintar.supervisor`) with the exit code or
signal. A real deployment may supervise the same processes with systemd instead (docs/deployment.md).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("kotapintar.supervisor")


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None
    exits: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(
        self,
        children: Sequence[tuple[str, list[str]]],
        *,
        backoff_s: float = 1.0,
        backoff_max_s: float = 60.0,
        stable_s: float = 60.0,
        spawn: Callable[[list[str]], subprocess.Popen[bytes]] = subprocess.Popen,
    ) -> None:
        self.children = [Child(name, list(argv)) for name, argv in children]
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.stable_s = stable_s
        self.spawn = spawn

    def _start(self, child: Child, now: float) -> None:
        child.proc = self.spawn(child.argv)
        child.started_at = now
        child.restart_at = None

    def start(self) -> None:
        now = time.monotonic()
        for child in self.children:
            log.info("starting %s: %s", child.name, " ".join(child.argv[2:]))
            self._start(child, now)

    def delay_for(self, child: Child) -> float:
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** max(0, child.quick_deaths - 1)))

    def poll(self, now: float | None = None) -> None:
        """Notice dead children and restart those whose back-off has passed."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._start(child, now)
                    pid = child.proc.pid if child.proc else "?"
                    log.warning("restarted %s (pid %s, restart %d)", child.name, pid, child.restarts)
                continue
            if child.proc is None:
                continue
            code = child.proc.poll()
            if code is None:
                continue
            ran = now - child.started_at
            child.exits.append(code)
            child.quick_deaths = 1 if ran >= self.stable_s else child.quick_deaths + 1
            delay = self.delay_for(child)
            child.restart_at = now + delay
            log.warning(
                "%s (pid %s) %s after %.1f s; restarting in %.1f s",
                child.name,
                child.proc.pid,
                describe_exit(code),
                ran,
                delay,
            )

    def status(self) -> dict[str, Any]:
        return {
            c.name: {"pid": c.proc.pid if c.proc and c.restart_at is None else None, "restarts": c.restarts}
            for c in self.children
        }

    def run(self, stopping: Callable[[], bool], tick_s: float = 0.5) -> None:
        while not stopping():
            self.poll()
            time.sleep(tick_s)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM every child, then SIGKILL those still running after `timeout_s`."""
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            proc.terminate()
        deadline = time.monotonic() + timeout_s
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
