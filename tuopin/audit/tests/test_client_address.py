"""The client's address behind a reverse proxy: taken from X-Forwarded-For only when the
request comes from a trusted proxy (TUOPIN_TRUSTED_PROXIES), right to left; the same
address in the access log and for django-axes' lockout."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.core.clientip import client_ip

PASSWORD = "Shangqiu#2018"
PROXY = "10.0.0.5"


def request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_nginx(settings):
    settings.TUOPIN_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24", "fd00::/8"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TUOPIN_TRUSTED_PROXIES = []
    assert client_ip(request("192.168.1.20", "1.2.3.4")) == "192.168.1.20"


def test_from_an_untrusted_address_a_forged_header_is_ignored(behind_nginx):
    assert client_ip(request("192.168.1.20", "10.0.0.9, 1.2.3.4")) == "192.168.1.20"


def test_from_a_trusted_proxy_the_forwarded_client_is_taken(behind_nginx):
    assert client_ip(request(PROXY, "192.168.7.8")) == "192.168.7.8"


def test_the_right_most_untrusted_address_wins_over_a_forged_left_part(behind_nginx):
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw.
    assert client_ip(request(PROXY, "6.6.6.6, 192.168.7.8")) == "192.168.7.8"
    # Two trusted hops (an outer balancer 10.0.0.2, then nginx) are skipped.
    assert client_ip(request(PROXY, "6.6.6.6, 192.168.7.8, 10.0.0.2")) == "192.168.7.8"


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop(behind_nginx):
    assert client_ip(request(PROXY, "evil, 10.0.0.2")) == "10.0.0.2"
    assert client_ip(request(PROXY, "not-an-address")) == PROXY
    assert client_ip(request(PROXY, "")) == PROXY


def test_only_trusted_hops_give_the_left_most(behind_nginx):
    assert client_ip(request(PROXY, "10.0.0.7, 10.0.0.2")) == "10.0.0.7"


def test_ipv6_clients_and_proxies(behind_nginx):
    assert client_ip(request("fd00::1", "2001:db8::42")) == "2001:db8::42"
    assert client_ip(request("2001:db8::9", "192.168.7.8")) == "2001:db8::9"


@pytest.fixture
def cadre(make_user):
    return make_user(Role.VILLAGE, first_village(RENHE).code, username="cadre")


def login(address: str, password=PASSWORD, client=None):
    client = client or Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return client.post(reverse("accounts:login"), {"username": "cadre", "password": password})


def test_the_access_log_records_the_forwarded_client(behind_nginx, cadre):
    assert login("192.168.7.8").status_code == 302
    entry = AccessLog.objects.get(kind=AccessKind.LOGIN)
    assert entry.ip_address == "192.168.7.8"
    Client(REMOTE_ADDR="192.168.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4").post(
        reverse("accounts:login"), {"username": "cadre", "password": "Wrong#Password1"}
    )
    assert AccessLog.objects.get(kind=AccessKind.LOGIN_FAILED).ip_address == "192.168.9.9"


def test_a_lockout_behind_the_proxy_locks_the_client_not_everyone(behind_nginx, cadre):
    """Before, every request seemed to come from nginx: one person's wrong passwords
    locked the user out of every office."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("192.168.7.8", "Wrong#Password1")
    assert login("192.168.7.8").status_code != 302  # locked out from that computer
    locked = AccessLog.objects.filter(kind=AccessKind.LOCKED_OUT)
    assert locked.exists()
    assert set(locked.values_list("ip_address", flat=True)) == {"192.168.7.8"}
    # The same user from another office's computer, through the same proxy, gets in.
    assert login("192.168.3.3").status_code == 302


def test_a_forged_header_does_not_escape_the_lockout(behind_nginx, cadre):
    """A client talking to the server directly cannot pick a fresh address per try."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR="192.168.5.5", HTTP_X_FORWARDED_FOR=f"172.16.0.{n}")
        login("", "Wrong#Password1", client=client)
    client = Client(REMOTE_ADDR="192.168.5.5", HTTP_X_FORWARDED_FOR="172.16.0.99")
    assert login("", client=client).status_code != 302
