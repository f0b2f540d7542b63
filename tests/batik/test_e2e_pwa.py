"""The wallet page installs as an app: manifest, service worker with the right scope, no CSP errors."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_wallet_page_registers_its_service_worker(page, city):
    page.goto("/batik/saya/")
    scope = page.evaluate("async () => { const r = await navigator.serviceWorker.ready; return r.scope; }")
    assert scope.endswith("/batik/saya/")
    manifest = page.evaluate(
        "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
    )
    assert manifest["start_url"] == "/batik/saya/"
    assert not page.console_errors
