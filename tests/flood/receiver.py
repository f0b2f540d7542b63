"""A loopback webhook receiver for the delivery tests: records every request with its delivery id
header, answers 200, and can hold the first request open until released (to kill the sender mid-send)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    delivery_id: str
    body: dict[str, Any]
    completed: bool = False  # handled and answered 200 (the held first request is not)


@dataclass
class Receiver:
    hold_first: bool = False
    requests: list[Request] = field(default_factory=list)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                request = Request(self.headers.get("X-Kotapintar-Delivery", ""), body)
                with lock:
                    receiver.requests.append(request)
                    first = len(receiver.requests) == 1
                if first and receiver.hold_first:
                    receiver.first_arrived.set()
                    receiver.release.wait(60)
                    return  # the sender is gone (killed): nobody to answer
                request.completed = True  # before answering: the sender returns once it reads it
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def completed_ids(self) -> list[str]:
        return [r.delivery_id for r in self.requests if r.completed]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
