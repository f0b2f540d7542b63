import pytest
from django.db import OperationalError, connection

from kotapintar.core import selectors

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_migrations(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"] is True
    assert body["migrations"] is True


def test_unknown_page_is_an_indonesian_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_a_database_outage_is_reported_not_raised(monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", down)
    status = selectors.health()
    assert (status["ok"], status["database"], status["error"]) == (False, False, "OperationalError")


def test_a_programming_error_in_the_check_is_not_hidden(monkeypatch):
    def broken():
        raise AttributeError("renamed")

    monkeypatch.setattr(connection, "cursor", broken)
    with pytest.raises(AttributeError):
        selectors.health()
