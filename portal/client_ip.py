"""The address of the client a request came from, as far as the proxies in front are trusted.

One rule for the whole site: allauth's sign-in rate limits (through portal.adapters), the
per-account sign-in delay (portal.signin) and the contact form's limit (portal.antispam) all ask
this module. Behind nginx, ``REMOTE_ADDR`` is nginx itself, so every visitor would share one
address and one limit; only the proxies we run may say who the client is, and only by the
entries they append themselves (a client can put anything in the headers it sends).

Settings (allauth reads the same two, see docs/operations.md):

- ``ALLAUTH_TRUSTED_PROXY_COUNT`` (environment ``TRUSTED_PROXY_COUNT``, default 0): how many
  proxies we run in front of gunicorn, each appending to ``X-Forwarded-For``. The client is the
  entry that many places from the right. 0 ignores the header and uses ``REMOTE_ADDR``.
- ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` (environment ``TRUSTED_CLIENT_IP_HEADER``): instead, a
  header that the proxy in front always overwrites with the client's address (``X-Real-IP``).
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _valid(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.5:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _from_proxies(request: HttpRequest) -> str | None:
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        return _valid(request.headers.get(header))
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("X-Forwarded-For")
    if count <= 0 or not forwarded:
        return None
    hops = forwarded.split(",")
    if len(hops) < count:
        # Fewer entries than proxies: the request did not come through all of them (or the
        # setting is wrong). Trust none of it rather than a value the client may have written.
        logger.warning(
            "X-Forwarded-For has %s entries, TRUSTED_PROXY_COUNT is %s", len(hops), count
        )
        return None
    return _valid(hops[-count])


def client_ip(request: HttpRequest) -> str:
    """The client's IP address; ``REMOTE_ADDR`` when no trusted proxy names it ("" if none)."""
    return _from_proxies(request) or _valid(request.META.get("REMOTE_ADDR")) or ""


def client_network(request: HttpRequest) -> str:
    """The client's address for counting attempts: IPv6 by its /64 network, as allauth counts.

    One IPv6 connection usually holds a whole /64, so counting single addresses would give a
    client billions of fresh limits.
    """
    address = client_ip(request)
    if ":" not in address:
        return address
    prefix = getattr(settings, "ALLAUTH_RATE_LIMIT_IPV6_PREFIX", 64)
    return str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address)
