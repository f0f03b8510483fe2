"""Hostile input never gives a 5xx: every page, form, filter and search of every role.

The test builds a small world, then for each role visits every URL pattern of the site (filled
with the world's objects) and every admin page, reads the forms and filter links on each page,
and sends them a fixed list of hostile payloads: NUL bytes, 10,000 characters, malformed
numbers and dates, unicode and markup. Any response of 500 or more fails the test, listed with
the request that caused it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advisory.models import AdvisoryRequest, CaseAttachment
from partners.models import Membership
from portal import roles
from tests import factories
from tests.advisory.conftest import CaseBuilder
from tests.advisory.factories import ExpertFactory, jst_member
from tests.clients import SignedInClient
from tests.events.factories import (
    ConsentTextFactory,
    EventFactory,
    MaterialFactory,
    PostulateFactory,
    QuestionFactory,
    RegistrationFactory,
    ReportPhotoFactory,
)
from tests.html_forms import PageForms, change_form
from tests.partners.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
LONG = "x" * 10_000
MALFORMED = [
    "99999999999999999999999999",
    "-1",
    "1e309",
    "2026-02-30",
    "31.13.2026 25:61",
    "Zażółć 😀 \u202e<script>alert(1)</script>' OR 1=1 --",
]
PAYLOADS = [NUL, LONG, *MALFORMED]
ROTATING = [LONG, *MALFORMED]


def _rounds(keys, offset: int) -> list[dict]:
    """Payload sets for one form or filter: NUL in every field, then one round in which each
    field gets another hostile value (10,000 characters in one, a malformed date in the next, a
    huge number in the one after). The offset differs per page and role, so the same field on
    another page or for another role gets another kind of value: few requests, wide coverage."""
    keys = sorted(keys)
    return [
        dict.fromkeys(keys, NUL),
        {key: ROTATING[(index + offset) % len(ROTATING)] for index, key in enumerate(keys)},
    ]


# Requests that would end the role's session or are not pages.
SKIP_URL = re.compile(r"/(logout|wyloguj)/|/konto/usun/|/delete/|/i18n/|favicon|/admin/logout/")
SKIP_FIELDS = {"csrfmiddlewaretoken"}
# Django's formset management fields keep their values: a huge TOTAL_FORMS is capped by Django
# at 1,000 forms, which renders slowly but correctly, and "__prefix__" fields are templates.
SKIP_FIELD = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$|__prefix__")


def _world() -> dict:
    """One object of each kind the pages are about, and the people of each role."""
    factories.RegionFactory()
    ConsentTextFactory()
    organisation = OrganisationFactory(is_verified=True)
    member = MembershipFactory(organisation=organisation).user
    org_admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    pending = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING)
    builder = CaseBuilder()
    jst_user = jst_member()
    expert = ExpertFactory()
    builder.expert = expert
    case = builder.at(AdvisoryRequest.Status.SCHEDULED, requester=jst_user)
    event = EventFactory()
    QuestionFactory(event=event)
    registration = RegistrationFactory(event=event, participant=member, organisation=organisation)
    finished = EventFactory(
        state="finished",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-4),
        registration_opens_at=timezone.now() - timedelta(days=20),
        registration_closes_at=timezone.now() - timedelta(days=5),
    )
    photo = ReportPhotoFactory(report__event=finished)
    material = MaterialFactory(event=event)
    PostulateFactory(event=finished)
    staff = factories.StaffUserFactory()
    return {
        "organisation": organisation,
        "pending": pending,
        "case": case,
        "event": event,
        "registration": registration,
        "photo": photo,
        "material": material,
        "users": {
            "partner member": member,
            "organisation admin": org_admin,
            "JST member": jst_user,
            "expert": expert.user,
            "staff superuser": staff,
        },
    }


def _kwargs_for(name: str, pattern_kwargs: list[str], world: dict) -> dict | None:
    namespace = name.split(":")[0] if ":" in name else ""
    values = {}
    for key in pattern_kwargs:
        if key == "slug":
            values[key] = world["event"].slug if namespace == "events" else "kontakt"
        elif key == "field":
            values[key] = "logo"
        elif key == "kind":
            values[key] = "postulaty"
        elif key == "attachment_pk":
            values[key] = 1
        elif key == "pk":
            values[key] = {
                "events:registration_cancel": world["registration"].pk,
                "events:certificate_download": world["registration"].pk,
                "events:material_download": world["material"].pk,
                "events:photo": world["photo"].pk,
                "partners:membership_decide": world["pending"].pk,
            }.get(name) or {"partners": world["organisation"].pk, "advisory": world["case"].pk}.get(
                namespace, 1
            )
        else:
            return None  # allauth's key-based pages: nothing to fill them with
    if name == "events:photo":
        values["slug"] = world["photo"].report.event.slug
    return values


def _site_urls(world: dict) -> list[str]:
    urls = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                kwargs = _kwargs_for(name, list(pattern.pattern.regex.groupindex), world)
                if kwargs is not None:
                    try:
                        urls.append(reverse(name, kwargs=kwargs))
                    except Exception:  # noqa: BLE001 - a pattern our values do not fit
                        continue

    walk(get_resolver().url_patterns)
    return urls


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


class _Fuzzer:
    def __init__(self, client: Client, seed: int = 0):
        self.client = client
        self.seed = seed
        self.failures: list[str] = []
        self.requests = 0

    def _send(self, method: str, url: str, data: dict) -> object:
        self.requests += 1
        clean = {key: value for key, value in data.items() if value is not None}
        response = self.client.post(url, clean) if method == "post" else self.client.get(url, clean)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            detail = repr(error[1])[:300] if error else ""
            summary = {
                key: (value[:20] + "…" if isinstance(value, str) and len(value) > 20 else value)
                for key, value in clean.items()
            }
            self.failures.append(
                f"{method.upper()} {url} {summary} -> {response.status_code} {detail}"
            )
        return response

    def fuzz_page(self, url: str) -> None:
        response = self._send("get", url, {})
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return
        parser = PageForms()
        parser.feed(response.content.decode(errors="replace"))
        # Filters and search: the page's own query links and GET forms, then ?q= anyway.
        keys = set(parser.query_keys) | {"q", "page", "p", "o"}
        for form in parser.forms:
            if form["method"] == "get":
                keys |= set(form["fields"])
        keys = {key for key in keys - SKIP_FIELDS if not SKIP_FIELD.search(key)}
        offset = self.seed + sum(map(ord, url))
        for data in _rounds(keys, offset):
            self._send("get", url, data)
        # Forms that change something: the same rounds over every field of the form.
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = urlsplit(form["action"] or url).path or url
            if SKIP_URL.search(action):
                continue
            defaults = {
                key: value for key, value in form["fields"].items() if key not in SKIP_FIELDS
            }
            hostile = [key for key in defaults if not SKIP_FIELD.search(key)]
            for data in _rounds(hostile, offset + 1):
                self._send("post", action, {**defaults, **data})


ROLES = [
    "anonymous",
    "partner member",
    "organisation admin",
    "JST member",
    "expert",
    "staff superuser",
]


def _sign_in(client: Client, role: str, world: dict) -> None:
    if role == "anonymous":
        return
    user = world["users"][role]
    client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_input_gives_a_server_error(role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = _world()
    client = SignedInClient(raise_request_exception=False)
    _sign_in(client, role, world)
    fuzzer = _Fuzzer(client, seed=ROLES.index(role) * 2)
    urls = [url for url in _site_urls(world) if not SKIP_URL.search(url)]
    if role == "staff superuser":
        urls += [url for url in _admin_urls() if not SKIP_URL.search(url)]
    for url in urls:
        fuzzer.fuzz_page(url)
    # A NUL byte in the session cookie is refused, not looked up in the database.
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00def0123456789"
    fuzzer._send("get", reverse("home"), {})
    assert fuzzer.requests > 100
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])


# --- every admin change form and inline formset, as every staff role -------------------------

STAFF_ROLES = [*roles.STAFF_ROLES, "staff superuser"]
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
MANAGEMENT_GARBLE = ["", "-1"]
# Fields garbled one at a time per form and role; which ones rotates with the role, so the roles
# together reach most fields of a form while one role's run stays short.
SINGLE_FIELDS_PER_FORM = 3


def _admin_world() -> dict:
    """The fuzz world, plus a file on the advisory case (its inline has a download column)."""
    world = _world()
    attachment = CaseAttachment(
        request=world["case"], original_name="protokol.pdf", size=8, uploaded_by=None
    )
    attachment.file.save("protokol.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return world


def _staff_user(role: str, world: dict):
    if role == "staff superuser":
        return world["users"]["staff superuser"]
    return factories.RoleUserFactory(role=role)


def _change_form_rounds(fields: dict, offset: int) -> list[dict]:
    """The form's own values, its management fields emptied and garbled, and garbled fields."""
    own = {key: value for key, value in fields.items() if key not in SKIP_FIELDS}
    management = [key for key in own if MANAGEMENT.search(key)]
    initial = [key for key in management if key.endswith("-INITIAL_FORMS")]
    total = [key for key in management if key.endswith("-TOTAL_FORMS")]
    editable = sorted(key for key in own if not SKIP_FIELD.search(key))
    rounds = [own]
    if management:
        for garble in MANAGEMENT_GARBLE:
            for keys in (initial, total, management):
                rounds.append({**own, **dict.fromkeys(keys, garble)})
    if editable:
        rounds.append(
            {
                **own,
                **{
                    key: ROTATING[(index + offset) % len(ROTATING)]
                    for index, key in enumerate(editable)
                },
            }
        )
        start = offset % len(editable)
        picked = (editable[start:] + editable[:start])[:SINGLE_FIELDS_PER_FORM]
        for index, key in enumerate(picked):
            rounds.append({**own, key: PAYLOADS[(index + offset) % len(PAYLOADS)]})
    return rounds


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_admin_change_form_or_inline_gives_a_server_error(role, settings, tmp_path):
    """Every registered admin with an object, for every role that may view it: GET the change
    form, POST it back as it is, with its formsets' management fields emptied or garbled, and
    with its fields garbled; never a 5xx."""
    settings.MEDIA_ROOT = tmp_path
    world = _admin_world()
    user = _staff_user(role, world)
    client = SignedInClient(raise_request_exception=False)
    client.force_login(user)
    fuzzer = _Fuzzer(client, seed=STAFF_ROLES.index(role))
    request = RequestFactory().get("/admin/")
    request.user = user
    forms_seen = 0
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None or not model_admin.has_view_permission(request, obj):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        response = fuzzer._send("get", url, {})
        if response.status_code != 200:
            continue
        parser = PageForms()
        parser.feed(response.content.decode(errors="replace"))
        form = change_form(parser, url)
        if form is None:
            continue
        forms_seen += 1
        offset = sum(map(ord, url)) + fuzzer.seed
        for data in _change_form_rounds(form["fields"], offset):
            fuzzer._send("post", url, data)
    assert forms_seen > 0
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])
