"""Notification channels: webhook, e-mail, Telegram-style bot; retries and the delivery log."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from kotapintar.flood import services, transports
from kotapintar.flood.models import Delivery
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db


class Sink:
    """A local HTTP endpoint that records what it receives and fails the first `fail` requests."""

    def __init__(self, fail: int = 0) -> None:
        self.received: list[tuple[str, dict[str, object]]] = []
        self.fail = fail
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if sink.fail > 0:
                    sink.fail -= 1
                    self.send_response(503)
                else:
                    sink.received.append((self.path, body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """The receivers here listen on 127.0.0.1, which the outbound client refuses unless allow-listed."""
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.close()


def escalate():
    return services.readings_ingest(readings=[reading("loji-1", 170, T0)], source="http").alerts[0]


def test_webhook_receives_the_alert(river, sink, django_capture_on_commit_callbacks):
    services.channel_create(actor=None, name="BPBD hook", kind="webhook", target=sink.url + "/hook")
    with django_capture_on_commit_callbacks(execute=True):
        alert = escalate()
    assert [(p, b["level"], b["station"]) for p, b in sink.received] == [("/hook", 2, "loji-1")]
    assert Delivery.objects.get(alert=alert).status == "sent"


def test_email_channel_sends_through_django_mail(river, django_capture_on_commit_callbacks):
    services.channel_create(
        actor=None, name="Piket", kind="email", target="piket@bpbd.example, kepala@bpbd.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        escalate()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["piket@bpbd.example", "kepala@bpbd.example"]
    assert "Siaga II" in mail.outbox[0].subject


def test_telegram_style_bot(river, sink, django_capture_on_commit_callbacks):
    services.channel_create(
        actor=None, name="Grup", kind="telegram", target="-100123", secret="TOKEN", base_url=sink.url
    )
    with django_capture_on_commit_callbacks(execute=True):
        escalate()
    path, body = sink.received[0]
    assert (path, body["chat_id"]) == ("/botTOKEN/sendMessage", "-100123")


def test_a_failed_delivery_is_retried_and_logged(river, django_capture_on_commit_callbacks):
    flaky = Sink(fail=1)
    try:
        services.channel_create(actor=None, name="Flaky", kind="webhook", target=flaky.url)
        with django_capture_on_commit_callbacks(execute=True):
            alert = escalate()
        delivery = Delivery.objects.get(alert=alert)
        assert (delivery.status, delivery.attempts, "503" in delivery.last_error) == ("pending", 1, True)
        assert delivery.next_attempt_at is not None
        services.deliveries_retry_due(now=delivery.next_attempt_at + timedelta(seconds=1))
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("sent", 2)
    finally:
        flaky.close()


def test_a_delivery_gives_up_after_the_last_attempt(river, django_capture_on_commit_callbacks):
    dead = Sink(fail=100)
    try:
        services.channel_create(actor=None, name="Dead", kind="webhook", target=dead.url)
        with django_capture_on_commit_callbacks(execute=True):
            alert = escalate()
        for _ in range(services.DELIVERY_MAX_ATTEMPTS):
            services.deliveries_retry_due(now=T0 + timedelta(days=365))
        delivery = Delivery.objects.get(alert=alert)
        assert (delivery.status, delivery.attempts) == ("failed", services.DELIVERY_MAX_ATTEMPTS)
    finally:
        dead.close()


def test_channels_above_the_level_are_not_used(river, sink, django_capture_on_commit_callbacks):
    services.channel_create(actor=None, name="Awas only", kind="webhook", target=sink.url, min_level=3)
    with django_capture_on_commit_callbacks(execute=True):
        escalate()
    assert sink.received == []


def test_a_bug_in_a_transport_is_not_taken_for_a_failed_send(river, monkeypatch):
    services.channel_create(actor=None, name="Hook", kind="webhook", target="http://127.0.0.1:9/")
    alert = escalate()
    delivery = Delivery.objects.get(alert=alert)

    def broken(channel: object, alert: object, **kwargs: object) -> None:
        raise TypeError("a programming error")

    monkeypatch.setattr(transports, "send", broken)
    with pytest.raises(TypeError):
        services.delivery_attempt(delivery_id=delivery.pk)
