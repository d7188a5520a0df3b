"""The record-keeping helpers: environment findings, HAR completion, TLS names."""

from __future__ import annotations

from typer.testing import CliRunner

from evidence_capture.capture.environment import hosts_entries, proxy_env, resolvers
from evidence_capture.capture.har import NO_CONNECTION, complete_server_addresses, http_dates
from evidence_capture.capture.tls import https_origins, pem_name
from evidence_capture.cli import app

DEBIAN_HOSTS = """127.0.0.1\tlocalhost
127.0.1.1\tstation7.example station7
# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
"""


def test_attack_hosts_file_redirecting_a_shop_is_reported() -> None:
    assert hosts_entries(DEBIAN_HOSTS, "station7.example") == []
    edited = DEBIAN_HOSTS + "203.0.113.9  shop.example.com  # planted\n"
    assert hosts_entries(edited, "station7.example") == ["203.0.113.9  shop.example.com"]


def test_attack_proxy_variables_are_reported() -> None:
    found = proxy_env({"HTTPS_PROXY": "http://10.0.0.1:3128", "http_proxy": "", "PATH": "/bin"})
    assert found == {"HTTPS_PROXY": "http://10.0.0.1:3128"}


def test_resolvers_are_read_from_resolv_conf() -> None:
    text = "# comment\nsearch example\nnameserver 10.0.0.53\nnameserver 2001:db8::53\n"
    assert resolvers(text) == ["10.0.0.53", "2001:db8::53"]


def test_har_entries_without_a_connection_say_so_and_stay_valid() -> None:
    har = {"log": {"entries": [
        {"request": {"url": "http://a/"}, "serverIPAddress": "192.0.2.1",
         "response": {"headers": [{"name": "Date", "value": "Sun, 29 Nov 2026 02:00:00 GMT"}]}},
        {"request": {"url": "http://a/blocked"}, "response": {"headers": []}, "serverIPAddress": "",
         "time": -1, "timings": {"dns": -1, "send": 0, "wait": 1.5, "receive": -1}},
    ]}}
    assert complete_server_addresses(har) == 1
    blocked = har["log"]["entries"][1]
    assert "serverIPAddress" not in blocked and blocked["_evidenceNote"] == NO_CONNECTION
    assert blocked["timings"]["receive"] == 0 and blocked["timings"]["dns"] == -1
    assert "receive" in blocked["timings"]["comment"] and blocked["time"] == 0
    assert http_dates(har) == [{"url": "http://a/", "date": "Sun, 29 Nov 2026 02:00:00 GMT"}]


def test_tls_file_names_are_safe_and_distinct() -> None:
    assert https_origins(["https://a.example/x", "http://b/", "https://a.example/y",
                          "https://a.example:8443/"]) == ["https://a.example",
                                                           "https://a.example:8443"]
    assert pem_name("https://a.example") == "a.example.pem"
    assert pem_name("https://a.example:8443") == "a.example_8443.pem"
    assert pem_name("https://[2001:db8::1]") == "2001_db8__1.pem"


def test_malformed_officer_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["capture", "https://shop.example/", "--officer", "张三"],
                                catch_exceptions=False)
    assert result.exit_code == 2 and "NAME:CERT_NO" in result.stderr
