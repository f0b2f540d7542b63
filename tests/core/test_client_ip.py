"""The client address: REMOTE_ADDR, unless the peer is a trusted proxy; then the right-most untrusted hop."""

import ipaddress

import pytest
from django.test import RequestFactory

from kotapintar.core.clientip import client_ip, client_key
from kotapintar.lib.ipnets import parse_networks
from tests.flood.conftest import point_in

PROXY = "10.0.0.2"


def _request(remote: str, xff: str | None = None):
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if xff is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    return request


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "2001:db8:ffff::/48"]
    return settings


# --- TRUSTED_PROXIES --------------------------------------------------------------------------------


def test_parses_ipv4_ipv6_addresses_and_cidrs():
    nets = parse_networks(["10.0.0.2", "172.16.0.0/12", "::1", "2001:db8::/32"])
    assert nets == (
        ipaddress.ip_network("10.0.0.2/32"),
        ipaddress.ip_network("172.16.0.0/12"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("2001:db8::/32"),
    )


def test_parsing_accepts_a_cidr_with_host_bits_and_spaces():
    assert parse_networks([" 192.168.1.7/24 "]) == (ipaddress.ip_network("192.168.1.0/24"),)


@pytest.mark.parametrize("bad", ["10.0.0.300", "proxy.local", "10.0.0.0/33", ""])
def test_a_bad_entry_is_a_configuration_error_naming_it(bad):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_networks([bad])


def test_the_setting_comes_from_the_environment(monkeypatch, tmp_path):
    from tests.core.test_settings import _load

    s = _load(monkeypatch, tmp_path, TRUSTED_PROXIES="10.0.0.2, 2001:db8::/32")
    assert s.TRUSTED_PROXIES == ["10.0.0.2", "2001:db8::/32"]
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert _load(monkeypatch, tmp_path).TRUSTED_PROXIES == []


def test_a_bad_setting_stops_the_start(monkeypatch, tmp_path):
    from tests.core.test_settings import _load

    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        _load(monkeypatch, tmp_path, TRUSTED_PROXIES="10.0.0.2,not-an-address")


# --- client_ip ----------------------------------------------------------------------------------------


def test_by_default_the_forwarded_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "198.51.100.7")) == PROXY


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(behind_proxy):
    assert client_ip(_request("203.0.113.66", "198.51.100.7")) == "203.0.113.66"


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_the_right_most_untrusted_hop_is_chosen(behind_proxy):
    """The client wrote `1.2.3.4`; the proxy appended the address it saw. Only the latter counts."""
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_trusted_hops_are_skipped_from_the_right(behind_proxy):
    xff = "1.2.3.4, 198.51.100.7, 2001:db8:ffff::9"
    assert client_ip(_request(PROXY, xff)) == "198.51.100.7"


def test_ipv6_clients_are_read_and_normalised(behind_proxy):
    assert client_ip(_request(PROXY, "2001:DB8:0:0::7")) == "2001:db8::7"


def test_ipv4_mapped_ipv6_is_the_ipv4_address(behind_proxy):
    assert client_ip(_request("::ffff:10.0.0.2", "::ffff:198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    "xff",
    ["", " , ", "not-an-ip", "198.51.100.7:4444", "999.1.1.1", "\x00", "[2001:db8::1]", "a" * 5000],
)
def test_a_malformed_forwarded_header_falls_back_to_the_proxy(behind_proxy, xff):
    assert client_ip(_request(PROXY, xff)) == PROXY


def test_a_malformed_hop_is_not_skipped_to_reach_a_chosen_address(behind_proxy):
    """Left of a malformed entry everything may be forged: stop at the last address we can trust."""
    assert client_ip(_request(PROXY, "198.51.100.7, garbage")) == PROXY


def test_a_request_that_only_passed_trusted_proxies_is_the_left_most_proxy(behind_proxy):
    assert client_ip(_request(PROXY, "2001:db8:ffff::9")) == "2001:db8:ffff::9"


def test_a_missing_remote_addr_is_unknown(settings):
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) == "unknown"


# --- client_key: what a rate limit counts ----------------------------------------------------------


def test_an_ipv4_client_is_counted_by_its_address():
    assert client_key(_request("203.0.113.66")) == "203.0.113.66"


def test_an_ipv6_client_is_counted_by_its_64_network():
    """One subscriber holds a whole /64: counting single addresses would give it 2**64 budgets."""
    assert client_key(_request("2001:db8:1:2:aaaa::1")) == client_key(_request("2001:db8:1:2:ffff::9"))
    assert client_key(_request("2001:db8:1:2::1")) == "2001:db8:1:2::/64"
    assert client_key(_request("2001:db8:1:3::1")) != client_key(_request("2001:db8:1:2::1"))


def test_a_scoped_ipv6_peer_is_counted_without_error():
    assert client_key(_request("fe80::1%eth0")) == "fe80::/64"


def test_an_unknown_client_is_one_key():
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_key(request) == "unknown"


# --- every rate limit uses it ---------------------------------------------------------------------


@pytest.mark.django_db
def test_two_citizens_behind_the_trusted_proxy_have_separate_flood_report_budgets(behind_proxy, city):
    from django.test import Client

    behind_proxy.FLOOD_REPORT_RATE = (1, 3600)
    lon, lat = point_in("Krapyak")
    fields = {"lon": lon, "lat": lat, "depth_cm": 10}
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert first.post("/api/v1/flood/reports", fields).status_code == 201
    assert first.post("/api/v1/flood/reports", fields).status_code == 429
    assert second.post("/api/v1/flood/reports", fields).status_code == 201


@pytest.mark.django_db
def test_a_spoofed_header_does_not_buy_a_fresh_flood_report_budget(behind_proxy, city):
    from django.test import Client

    behind_proxy.FLOOD_REPORT_RATE = (1, 3600)
    lon, lat = point_in("Krapyak")
    fields = {"lon": lon, "lat": lat, "depth_cm": 10}
    citizen = "203.0.113.66"
    assert Client(REMOTE_ADDR=citizen).post("/api/v1/flood/reports", fields).status_code == 201
    spoofed = Client(REMOTE_ADDR=citizen, HTTP_X_FORWARDED_FOR="198.51.100.99")
    response = spoofed.post("/api/v1/flood/reports", fields)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_no_code_reads_remote_addr_but_the_client_ip_module():
    from pathlib import Path

    import kotapintar

    src = Path(kotapintar.__file__).parent
    readers = sorted(
        str(p.relative_to(src)) for p in src.rglob("*.py") if "REMOTE_ADDR" in p.read_text(encoding="utf-8")
    )
    assert readers == ["core/clientip.py"]


@pytest.mark.django_db
def test_rotating_addresses_inside_one_ipv6_64_does_not_buy_flood_reports(settings, city):
    from django.test import Client

    settings.FLOOD_REPORT_RATE = (1, 3600)
    lon, lat = point_in("Krapyak")
    fields = {"lon": lon, "lat": lat, "depth_cm": 10}
    assert Client(REMOTE_ADDR="2001:db8:5:6::1").post("/api/v1/flood/reports", fields).status_code == 201
    assert Client(REMOTE_ADDR="2001:db8:5:6::2").post("/api/v1/flood/reports", fields).status_code == 429
