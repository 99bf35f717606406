"""The client's address: from X-Forwarded-For only when the peer is a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from anbiao.core.client_ip import client_ip

rf = RequestFactory()


def _request(peer: str | None, forwarded: str | None = None):
    request = rf.get("/")
    if peer is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = peer
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_trusted_proxies_the_header_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.5")) == "127.0.0.1"
    assert client_ip(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_it_saw_is_taken(settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1", "203.0.113.5")) == "203.0.113.5"


def test_a_header_sent_by_an_untrusted_peer_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_a_forged_left_part_of_the_header_is_skipped(settings) -> None:
    # The client sent "X-Forwarded-For: 9.9.9.9"; Nginx appended the address it saw.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1", "9.9.9.9, 203.0.113.5")) == "203.0.113.5"


def test_hops_are_read_right_to_left_past_every_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    chain = "9.9.9.9, 203.0.113.5, 10.1.2.3, 10.0.0.2"
    assert client_ip(_request("127.0.0.1", chain)) == "203.0.113.5"


def test_when_every_hop_is_trusted_the_leftmost_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(_request("127.0.0.1", "10.0.0.9, 10.0.0.2")) == "10.0.0.9"


def test_a_malformed_hop_stops_the_walk_at_the_last_trusted_address(settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(_request("127.0.0.1", "203.0.113.5, bogus, 10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("127.0.0.1", "unknown")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "")) == "127.0.0.1"


def test_ipv6_and_mapped_addresses_are_understood(settings) -> None:
    settings.TRUSTED_PROXIES = ["::1", "fd00::/8"]
    assert client_ip(_request("::1", "2001:db8::5, fd00::2")) == "2001:db8::5"
    # An IPv4 client seen through a dual-stack socket is recorded as IPv4.
    assert client_ip(_request("::ffff:198.51.100.7")) == "198.51.100.7"


def test_several_header_lines_are_read_as_one_list(settings) -> None:
    # WSGI servers join repeated headers with a comma; the last line is the nearest hop.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1", "9.9.9.9,203.0.113.5")) == "203.0.113.5"


def test_no_request_or_no_peer_gives_none(settings) -> None:
    assert client_ip(None) is None
    assert client_ip(_request(None)) is None
    assert client_ip(_request("not-an-ip")) is None


@pytest.mark.django_db
def test_behind_nginx_the_audit_trail_and_the_lockout_record_the_real_client(
    client, settings
) -> None:
    from axes.models import AccessAttempt

    from anbiao.core.models import AuditEntry

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "Wrong@pass1"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )
    entry = AuditEntry.objects.get(action="anbiao.auth.login_failed")
    assert entry.ip == "203.0.113.5"
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


@pytest.mark.django_db
def test_a_client_cannot_choose_its_address_by_sending_the_header(client, settings) -> None:
    from anbiao.core.models import AuditEntry

    settings.TRUSTED_PROXIES = []
    client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "Wrong@pass1"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert AuditEntry.objects.get(action="anbiao.auth.login_failed").ip == "198.51.100.7"


def test_a_bad_trusted_proxies_value_stops_the_start_with_a_chinese_message() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import trusted_proxies

    assert trusted_proxies("127.0.0.1, 10.0.0.0/8 ,") == ["127.0.0.1", "10.0.0.0/8"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_proxies("127.0.0.1, nginx.local")
