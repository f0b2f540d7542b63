"""Notification channels cannot point inside the network (SSRF), at creation nor at delivery (issue 12.4)."""

import ipaddress
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from kotapintar.core import net
from kotapintar.flood import services
from kotapintar.flood.errors import ChannelTargetRefused
from kotapintar.flood.models import Channel, Delivery
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db

CHANNELS = "/api/v1/flood/channels"


class Receiver:
    """An HTTP server on 127.0.0.1 recording every request; ``redirect`` answers every request with a
    302 to that URL instead (urllib turned a POST's 302 into a GET and followed it)."""

    def __init__(self, redirect: str = "") -> None:
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                receiver.paths.append(self.path)
                self.send_response(200)
                self.end_headers()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.paths.append(self.path)
                if receiver.redirect:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect)
                else:
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.redirect = redirect
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def fake_dns(monkeypatch):
    """A resolver the test controls: name → addresses; unknown names do not resolve."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[net.Address]:
        if host not in table:
            raise net.Unresolvable(host)
        return [ipaddress.ip_address(a) for a in table[host]]

    monkeypatch.setattr(net, "resolve", resolve)
    return table


def escalate():
    return services.readings_ingest(readings=[reading("loji-1", 170, T0)], source="http").alerts[0]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8000/internal-admin",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://[::1]:8000/",
        "http://localhost./",
    ],
)
def test_the_api_refuses_a_webhook_into_the_network(token_client, operator, target):
    response = token_client(operator).post(
        CHANNELS, {"name": "Hook", "kind": "webhook", "target": target}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "channel_target_refused"
    assert "tidak diizinkan" in body["message"]  # Indonesian first
    assert not Channel.objects.exists()


def test_the_api_refuses_a_telegram_base_url_into_the_network(token_client, operator):
    response = token_client(operator).post(
        CHANNELS,
        {
            "name": "Bot",
            "kind": "telegram",
            "target": "-100",
            "secret": "T",
            "base_url": "http://192.168.1.1",
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (422, "channel_target_refused")


def test_a_name_resolving_inside_is_refused_at_creation(fake_dns):
    fake_dns["hooks.example.org"] = ["93.184.215.14", "10.1.2.3"]
    with pytest.raises(ChannelTargetRefused):
        services.channel_create(actor=None, name="H", kind="webhook", target="http://hooks.example.org/")


def test_a_name_that_does_not_resolve_is_refused_at_creation(fake_dns):
    with pytest.raises(ChannelTargetRefused) as excinfo:
        services.channel_create(actor=None, name="H", kind="webhook", target="http://typo.example.org/")
    assert excinfo.value.detail == {"reason": "unresolvable"}


def test_a_public_webhook_is_accepted(fake_dns):
    fake_dns["hooks.example.org"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    services.channel_create(actor=None, name="H", kind="webhook", target="https://hooks.example.org/x")
    assert Channel.objects.get().target == "https://hooks.example.org/x"


def test_delivery_is_refused_when_dns_turns_inside(
    river, receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns["hooks.example.org"] = ["93.184.215.14"]
    services.channel_create(
        actor=None, name="H", kind="webhook", target=f"http://hooks.example.org:{receiver.port}/internal"
    )
    fake_dns["hooks.example.org"] = ["127.0.0.1"]  # rebinding after the check at creation
    with django_capture_on_commit_callbacks(execute=True):
        alert = escalate()
    delivery = Delivery.objects.get(alert=alert)
    assert receiver.paths == []
    assert delivery.status == "pending"
    assert "OutboundRefused" in delivery.last_error and "loopback" in delivery.last_error


def test_an_allow_listed_host_is_reached(river, receiver, django_capture_on_commit_callbacks):
    with override_settings(OUTBOUND_ALLOW_HOSTS=[f"127.0.0.1:{receiver.port}"]):
        services.channel_create(
            actor=None, name="H", kind="webhook", target=f"http://127.0.0.1:{receiver.port}/hook"
        )
        with django_capture_on_commit_callbacks(execute=True):
            alert = escalate()
    assert receiver.paths == ["/hook"]
    assert Delivery.objects.get(alert=alert).status == "sent"


def test_the_allow_list_is_per_port(receiver):
    with override_settings(OUTBOUND_ALLOW_HOSTS=[f"127.0.0.1:{receiver.port + 1}"]):
        with pytest.raises(ChannelTargetRefused):
            services.channel_create(
                actor=None, name="H", kind="webhook", target=f"http://127.0.0.1:{receiver.port}/"
            )


def test_a_webhook_redirect_into_the_network_is_not_followed(river, django_capture_on_commit_callbacks):
    inside = Receiver()
    outside = Receiver(redirect=f"http://localhost:{inside.port}/internal-admin")
    try:
        with override_settings(OUTBOUND_ALLOW_HOSTS=[f"127.0.0.1:{outside.port}"]):
            services.channel_create(
                actor=None, name="H", kind="webhook", target=f"http://127.0.0.1:{outside.port}/hook"
            )
            with django_capture_on_commit_callbacks(execute=True):
                alert = escalate()
        assert (outside.paths, inside.paths) == (["/hook"], [])
        delivery = Delivery.objects.get(alert=alert)
        assert delivery.status == "pending" and "302" in delivery.last_error
    finally:
        inside.close()
        outside.close()


def test_the_alert_payload_is_json(river, receiver, django_capture_on_commit_callbacks):
    """The swap to the guarded client keeps the wire format: a JSON body with the alert."""
    seen: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            seen.append({"content-type": self.headers["Content-Type"], "host": self.headers["Host"]})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    receiver.server.RequestHandlerClass = Handler
    with override_settings(OUTBOUND_ALLOW_HOSTS=["127.0.0.1"]):
        services.channel_create(
            actor=None, name="H", kind="webhook", target=f"http://127.0.0.1:{receiver.port}/"
        )
        with django_capture_on_commit_callbacks(execute=True):
            escalate()
    assert seen[0]["station"] == "loji-1"
    assert seen[1] == {"content-type": "application/json", "host": f"127.0.0.1:{receiver.port}"}
