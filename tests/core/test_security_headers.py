import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy(client, city):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy.split("img-src")[1].split(";")[0]  # no tile host unless configured


def test_no_third_party_script_or_style_on_the_home_page(client, city):
    html = client.get("/").content.decode()
    assert "cdn" not in html.lower()
    assert "https://" not in html.split("<footer")[0]


def test_basic_security_headers(client, city):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_csp_report_endpoint_accepts_reports(client):
    response = client.post(
        "/csp-report", b'{"csp-report": {"blocked-uri": "x"}}', content_type="application/csp-report"
    )
    assert response.status_code == 204


def test_csp_report_endpoint_rejects_garbage(client):
    assert client.post("/csp-report", b"{not json", content_type="application/json").status_code == 400
