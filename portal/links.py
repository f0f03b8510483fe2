"""Absolute addresses of the site, for e-mails, calendar files and anything read outside a browser.

Every absolute URL that leaves the site (e-mail links of every app, allauth's verification and
password-reset links, .ics files) is built here from the configured ``SITE_URL`` (`make run` sets
it from HOST and PORT), never from the request that happened to trigger the e-mail: a task or a
staff member working on another host name must not change where people are sent.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings


def site_url() -> str:
    """The site's public address without a trailing slash, e.g. ``https://es.rops.example.pl``."""
    return str(settings.SITE_URL).rstrip("/")


def site_host() -> str:
    return urlparse(site_url()).hostname or "localhost"


def absolute_url(path: str) -> str:
    """``/wydarzenia/1/`` -> ``https://es.rops.example.pl/wydarzenia/1/``."""
    return f"{site_url()}/{path.lstrip('/')}"
