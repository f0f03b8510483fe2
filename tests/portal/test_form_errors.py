"""Errors people can find (WCAG 1.3.1, 3.3.1).

Every page of every role on the demo data, and every form on it submitted empty (or, for GET
filters, with values that cannot be valid): no aria-describedby / aria-labelledby / label[for]
may point at an id missing from the page, and a failed submit shows an error summary whose links
lead to the fields, with "Błąd: " in the page title.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import Resolver404, resolve

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo
from tests.browser.site_pages import NOT_PAGES, ROLES, SKIPPED_PATH, seed_paths

pytestmark = pytest.mark.django_db

REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls")
PER_VIEW_LIMIT = 2


class Page(HTMLParser):
    """The parts of a page these checks need: ids, references to ids, links, forms and the title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.summary_links: list[str] = []
        self.title = ""
        self._in_title = False
        self._in_summary = 0
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for attribute in REFERENCE_ATTRIBUTES:
            for reference in (attrs.get(attribute) or "").split():
                self.references.append((tag, attribute, reference))
        if tag == "label" and attrs.get("for"):
            self.references.append((tag, "for", attrs["for"]))
        if tag == "title":
            self._in_title = True
        if "data-error-summary" in attrs:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._in_summary and attrs["href"].startswith("#"):
                self.summary_links.append(attrs["href"][1:])
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        if (
            self._form is not None
            and tag == "button"
            and attrs.get("name")
            and (attrs.get("type") or "submit") == "submit"
        ):
            self._form.setdefault("button", (attrs["name"], attrs.get("value") or ""))
        if self._form is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            self._form["fields"].append(
                {
                    "tag": tag,
                    "name": attrs["name"],
                    "type": (attrs.get("type") or "text").lower(),
                    "value": attrs.get("value") or "",
                    "required": "required" in attrs,
                }
            )

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "form":
            self._form = None
        if self._in_summary and tag == "div":
            self._in_summary -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    return page


def dangling(page: Page) -> list[str]:
    return [
        f"{tag}[{attribute}] → #{reference}"
        for tag, attribute, reference in page.references
        if reference not in page.ids
    ]


def _empty_submission(form: dict) -> dict | None:
    """Hidden values kept, everything a person fills left empty; None when nothing could fail."""
    visible = [f for f in form["fields"] if f["type"] not in ("hidden", "submit", "button")]
    if form["method"] == "post":
        if not any(f["required"] for f in visible):
            return None  # a button-only or optional-only form acts; empty it cannot fail
        data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
        if "button" in form:  # the button a person presses to send this form
            data[form["button"][0]] = form["button"][1]
        return data
    if not visible:
        return None
    # GET filters: values no filter accepts.
    data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
    for f in visible:
        data[f["name"]] = "abc" if f["tag"] == "select" else "x" * 300
    return data


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def test_no_dangling_id_references_and_failed_submits_show_an_error_summary(client, demo_data):
    from portal.models import User

    problems: list[str] = []
    submitted = 0
    summaries = 0
    for role, email, _password in ROLES:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        queue = deque(seed_paths(role))
        seen: set[str] = set()
        per_view: dict[str, int] = {}
        forms_done: set[tuple[str, str]] = set()
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            try:
                view_name = resolve(urlparse(path).path).view_name
            except Resolver404:
                continue
            if view_name in NOT_PAGES:
                continue
            if per_view.get(view_name, 0) >= PER_VIEW_LIMIT and view_name != "events:checkin":
                continue
            per_view[view_name] = per_view.get(view_name, 0) + 1
            response = client.get(path)
            if "text/html" not in response.get("Content-Type", "") or response.status_code >= 300:
                continue
            page = parse(response)
            problems += [f"{role} GET {path}: {item}" for item in dangling(page)]
            for href in page.links:
                target = urlparse(urljoin(path, href))
                if (
                    target.netloc
                    or SKIPPED_PATH.search(target.path)
                    or not target.path.startswith("/")
                ):
                    continue
                link = target.path + (f"?{target.query}" if target.query else "")
                if link not in seen:
                    queue.append(link)
            for form in page.forms:
                action = urljoin(path, form["action"]) if form["action"] else path
                key = (
                    view_name,
                    resolve(urlparse(action).path).view_name if action.startswith("/") else action,
                )
                data = _empty_submission(form)
                if data is None or key in forms_done or SKIPPED_PATH.search(urlparse(action).path):
                    continue
                forms_done.add(key)
                submitted += 1
                if form["method"] == "post":
                    result = client.post(action, data)
                else:
                    result = client.get(urlparse(action).path, data)
                where = f"{role} {form['method'].upper()} {action} (form on {path})"
                if result.status_code >= 300:
                    continue  # redirected with a message, or refused
                result_page = parse(result)
                problems += [f"{where}: {item}" for item in dangling(result_page)]
                body = result.content.decode()
                if 'aria-invalid="true"' in body or 'class="errorlist' in body:
                    if not result_page.title.strip().startswith("Błąd: "):
                        problems.append(
                            f"{where}: the page title does not start with 'Błąd: ' ({result_page.title.strip()!r})"
                        )
                    if "data-error-summary" not in result.content.decode():
                        problems.append(f"{where}: no error summary")
                    else:
                        summaries += 1
                    problems += [
                        f"{where}: summary link to missing #{target}"
                        for target in result_page.summary_links
                        if target not in result_page.ids
                    ]
    assert not problems, "\n".join(problems)
    assert submitted >= 10, submitted
    assert summaries >= 5, summaries


def test_invalid_catalogue_filter_says_what_is_wrong(client, demo_data):
    response = client.get("/partnerzy/", {"powiat": "abc"})
    page = parse(response)
    html = response.content.decode()
    assert 'id="id_powiat_error"' in html
    assert "Wybierz poprawną wartość" in html
    assert not dangling(page)
    assert page.title.startswith("Błąd: ")
    assert page.summary_links == ["id_powiat"]


def test_registration_field_errors_are_described(client, demo_data):
    from portal.models import User

    client.force_login(User.objects.get(email=partners_demo.DEMO_PARTNER_EMAIL))
    response = client.post("/wydarzenia/wizyta-studyjna-wielkopolska/zapisy/", {"organisation": ""})
    html = response.content.decode()
    page = parse(response)
    assert not dangling(page)
    assert response.status_code == 400
    # events/_field.html used to give errors the id <field>_errors while Django points at <field>_error.
    assert 'id="id_organisation_error"' in html
    assert 'aria-describedby="id_organisation_error"' in html
    assert page.title.startswith("Błąd: ")
