"""The one outbound HTTP client (kotapintar.core.net): what it refuses, how it connects (issue 12.4)."""

from __future__ import annotations

import ast
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from kotapintar.core import net

ROOT = Path(__file__).resolve().parents[2]

# --- the classifier, every spelling ---------------------------------------------------------------

IPV4 = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("2130706433", "loopback"),  # decimal
    ("0177.0.0.1", "loopback"),  # octal
    ("0x7f.0.0.1", "loopback"),  # hex
    ("0x7f000001", "loopback"),
    ("017700000001", "loopback"),
    ("127.1", "loopback"),  # short
    ("127.0.1", "loopback"),
    ("127.0.0.1.", "loopback"),  # trailing dot
    ("\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11", "loopback"),  # fullwidth digits and dots
    ("0", "unspecified"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not to bind
    ("10.1.2.3", "private"),
    ("012.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link_local"),  # cloud metadata
    ("0xa9fea9fe", "link_local"),
    ("100.64.0.1", "shared"),  # carrier-grade NAT
    ("100.127.255.255", "shared"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.0.8", "reserved"),
    ("198.18.0.1", "reserved"),
    ("192.0.2.1", "documentation"),
    ("203.0.113.9", "documentation"),
    ("8.8.8.8", None),
    ("172.32.0.1", None),
    ("100.128.0.1", None),
    ("93.184.215.14", None),
]

IPV6 = [
    ("::1", "loopback"),
    ("[::1]", "loopback"),
    ("0:0:0:0:0:0:0:1", "loopback"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "ipv4_mapped"),
    ("::ffff:7f00:1", "ipv4_mapped"),
    ("::ffff:8.8.8.8", "ipv4_mapped"),
    ("::127.0.0.1", "ipv4_compatible"),
    ("fe80::1", "link_local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fec0::1", "private"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("100::1", "reserved"),
    ("4000::1", "reserved"),
    ("2001:10::1", "reserved"),
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("64:ff9b:1::1", "private"),  # local-use NAT64
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", "private"),  # 6to4 of 192.168.1.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo, client 127.0.0.1
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "documentation"),  # Teredo, client 192.0.2.45
    ("64:ff9b::808:808", None),  # DNS64 answer for a public host
    ("2002:808:808::1", None),
    ("2606:4700:4700::1111", None),
    ("2001:4860:4860::8888", None),
]


@pytest.mark.parametrize(("host", "reason"), IPV4 + IPV6)
def test_the_classifier_sees_through_every_spelling(host: str, reason: str | None) -> None:
    address = net.canonical_host(host)
    assert not isinstance(address, str)
    assert net.refusal(address) == reason


@pytest.mark.parametrize(
    "host",
    ["1.2.3.4.5", "256.0.0.1", "1.256.0.1", "0x100000000", "08.0.0.1", "a..b", "", "-a.b"],
)
def test_numbers_that_are_no_address_and_bad_names_are_refused(host: str) -> None:
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.canonical_host(host)
    assert excinfo.value.reason == "bad_host"


def test_an_ipv6_zone_id_is_refused() -> None:
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.check_url("http://[fe80::1%25eth0]/")
    assert excinfo.value.reason in ("link_local", "bad_url")


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("Example.ORG.", "example.org"),
        ("b\u00fccher.de", "xn--bcher-kva.de"),
        ("\u24dbocalhost", "localhost"),
    ],
)
def test_names_are_folded_to_one_ascii_form(host: str, name: str) -> None:
    assert net.canonical_host(host) == name


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:25/", "scheme"),
        ("http://user:pw@example.org/", "credentials"),
        ("http://example.org@127.0.0.1/", "credentials"),
        ("http://127.0.0.1\\@example.org/", "bad_url"),
        ("http://exa mple.org/", "bad_url"),
        ("http://example.org:99999/", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http:///path", "bad_host"),
    ],
)
def test_urls_the_client_does_not_take(url: str, reason: str) -> None:
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.parse_url(url)
    assert excinfo.value.reason == reason


# --- resolution and the allow-list ----------------------------------------------------------------


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The resolver, under the test's control; the real one must not be asked at all."""
    table: dict[str, list[str]] = {}
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[net.Address]:
        lookups.append(host)
        if host not in table:
            raise net.Unresolvable(host)
        return [ipaddress.ip_address(a) for a in table[host]]

    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a second name lookup")

    monkeypatch.setattr(net, "resolve", resolve)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    table["__lookups__"] = lookups
    return table


def test_every_resolved_address_must_be_public(dns: dict[str, list[str]]) -> None:
    dns["hooks.example.org"] = ["93.184.215.14", "10.0.0.7"]
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.check_url("https://hooks.example.org/x")
    assert excinfo.value.reason == "private"


def test_a_public_name_passes(dns: dict[str, list[str]]) -> None:
    dns["hooks.example.org"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    target = net.check_url("https://Hooks.Example.org./x?y=1")
    assert (target.host, target.port, target.path) == ("hooks.example.org", 443, "/x?y=1")


def test_a_name_without_address_is_unresolvable(dns: dict[str, list[str]]) -> None:
    with pytest.raises(net.Unresolvable):
        net.check_url("http://nowhere.example/")


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["127.0.0.1"], "http://127.0.0.1:8102/tsa", True),
        (["127.0.0.1"], "http://127.1:8102/tsa", True),  # the same address in another spelling
        (["127.0.0.1:8102"], "http://127.0.0.1:8102/tsa", True),
        (["127.0.0.1:8102"], "http://127.0.0.1:8000/admin/", False),
        (["[::1]:8080"], "http://[::1]:8080/", True),
        (["tsa.pemkot.local"], "http://TSA.pemkot.local./", True),
        (["tsa.pemkot.local:443"], "https://tsa.pemkot.local/", True),
        (["tsa.pemkot.local:443"], "http://tsa.pemkot.local/", False),
        ([], "http://10.0.0.5/", False),
    ],
)
def test_the_allow_list(
    settings: Any, dns: dict[str, list[str]], entries: list[str], url: str, allowed: bool
) -> None:
    dns["tsa.pemkot.local"] = ["10.20.0.4"]
    settings.OUTBOUND_ALLOW_HOSTS = entries
    if allowed:
        net.check_url(url)
    else:
        with pytest.raises(net.OutboundRefused):
            net.check_url(url)


@pytest.mark.parametrize("entry", ["http://x/", "a b", "user@host", "host:port"])
def test_a_bad_allow_list_entry_is_a_configuration_error(settings: Any, entry: str) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = [entry]
    with pytest.raises(ImproperlyConfigured):
        net.check_url("http://10.0.0.5/")


def test_a_bad_allow_list_entry_fails_the_system_check(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = ["tsa.pemkot.local:443", "http://10.0.0.5/"]
    problems = checks.run_checks(tags=[checks.Tags.security])
    assert [p.id for p in problems if "OUTBOUND_ALLOW_HOSTS" in p.msg] == ["kotapintar.E001"]


# --- requests against a real server on 127.0.0.1 --------------------------------------------------


class Server:
    """Records (method, path, Host header); ``routes`` maps a path to (status, headers, body)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.seen.append((self.command, self.path, self.headers["Host"]))
                status, headers, body = server.routes.get(self.path, (200, {}, b"ok"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and "Connection" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def test_loopback_is_refused_before_any_byte_is_sent(server: Server) -> None:
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.request("POST", server.url + "/internal-admin", body=b"{}")
    assert excinfo.value.reason == "loopback"
    assert server.seen == []


def test_the_checked_address_is_the_connected_one_and_the_name_is_kept(
    server: Server, settings: Any, dns: dict[str, list[str]]
) -> None:
    """One lookup (socket.getaddrinfo would fail the test), the socket to that address, Host = name."""
    dns["hooks.example.org"] = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HOSTS = ["hooks.example.org"]
    response = net.request("GET", f"http://hooks.example.org:{server.port}/x")
    assert (response.status, response.body) == (200, b"ok")
    assert server.seen == [("GET", "/x", f"hooks.example.org:{server.port}")]
    assert dns["__lookups__"] == ["hooks.example.org"]


def test_a_rebinding_between_check_and_request_is_refused(server: Server, dns: dict[str, list[str]]) -> None:
    dns["hooks.example.org"] = ["93.184.215.14"]
    net.check_url(f"http://hooks.example.org:{server.port}/")
    dns["hooks.example.org"] = ["127.0.0.1"]
    with pytest.raises(net.OutboundRefused):
        net.request("POST", f"http://hooks.example.org:{server.port}/", body=b"{}")
    assert server.seen == []


def test_a_redirect_into_the_network_is_not_followed(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = [f"127.0.0.1:{server.port}"]
    server.routes["/crl"] = (302, {"Location": f"http://localhost:{server.port}/internal"}, b"")
    with pytest.raises(net.OutboundRefused) as excinfo:
        net.request("GET", server.url + "/crl", max_redirects=3)
    assert excinfo.value.reason == "loopback"
    assert [path for _m, path, _h in server.seen] == ["/crl"]


def test_an_allowed_redirect_is_followed_hop_by_hop(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = [f"127.0.0.1:{server.port}"]
    server.routes["/a"] = (301, {"Location": "/b"}, b"")
    server.routes["/b"] = (200, {}, b"crl")
    response = net.request("GET", server.url + "/a", max_redirects=1)
    assert (response.status, response.body, response.url) == (200, b"crl", server.url + "/b")


def test_redirects_are_not_followed_unless_asked_nor_for_a_post(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    server.routes["/a"] = (307, {"Location": "/b"}, b"")
    assert net.request("GET", server.url + "/a").status == 307
    assert net.request("POST", server.url + "/a", body=b"x", max_redirects=3).status == 307
    assert [path for _m, path, _h in server.seen] == ["/a", "/a"]


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_above_the_cap_is_refused(server: Server, settings: Any, declared: bool) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    body = b"x" * 300_000
    headers = {"Content-Length": str(len(body))} if declared else {"Connection": "close"}
    server.routes["/big"] = (200, headers, body)
    with pytest.raises(net.ResponseTooLarge):
        net.request("GET", server.url + "/big", max_bytes=100_000)
    assert len(net.request("GET", server.url + "/big", max_bytes=300_000).body) == 300_000


def test_a_server_that_never_answers_times_out(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            net.request("GET", f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=0.5)
    assert time.monotonic() - started < 3


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "elsewhere.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_https_keeps_the_name_for_sni_and_checks_the_certificate(
    tmp_path: Path, settings: Any, dns: dict[str, list[str]]
) -> None:
    """Connected to 127.0.0.1, the TLS hello names hooks.example.org and an untrusted certificate fails."""
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def accept() -> None:
        conn, _ = listener.accept()
        try:
            context.wrap_socket(conn, server_side=True).close()
        except (ssl.SSLError, OSError):
            pass
        finally:
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    dns["hooks.example.org"] = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HOSTS = ["hooks.example.org"]
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            net.request("GET", f"https://hooks.example.org:{listener.getsockname()[1]}/", timeout=5)
    finally:
        thread.join(5)
        listener.close()
    assert names == ["hooks.example.org"]


# --- one client for the whole code base -----------------------------------------------------------

FORBIDDEN_MODULES = {
    "http.client",
    "urllib.request",
    "socket",
    "ssl",
    "requests",
    "httpx",
    "urllib3",
    "aiohttp",
}
FORBIDDEN_NAMES = {"urlopen", "create_connection", "HTTPConnection", "HTTPSConnection", "getaddrinfo"}


def _forbidden(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in FORBIDDEN_MODULES)


def _outbound_uses(source: str) -> list[str]:
    """Imports of a networking module, and calls or names that open a connection (but ``net.X``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [n for n in names if _forbidden(n) or n.rsplit(".", 1)[1] in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            if not (isinstance(node.value, ast.Name) and node.value.id == "net"):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(node.id)
    return found


def test_no_module_but_core_net_opens_an_outbound_connection() -> None:
    files = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))
    own = ROOT / "src" / "kotapintar" / "core" / "net.py"
    offenders = [
        f"{path.relative_to(ROOT)}: {use}"
        for path in files
        if path != own
        for use in _outbound_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for() -> None:
    sample = (
        "import urllib.request\n"
        "from http.client import HTTPSConnection\n"
        "from urllib import request\n"
        "import requests.adapters\n"
        "x.urlopen('http://x')\n"
        "net.HTTPConnection\n"
    )
    assert _outbound_uses(sample) == [
        "urllib.request",
        "http.client.HTTPSConnection",
        "urllib.request",
        "requests.adapters",
        "x.urlopen",
    ]
