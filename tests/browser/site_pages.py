"""Every page of the public site, per role: built from the demo data, the URL patterns and a crawl.

Used by the whole-site browser checks (reflow at 360 px, aria-describedby targets, favicon). A page
is found by following the links a person of that role sees, starting from the home page and the
"Moje konto" menu, plus pages only reachable from the admin (check-in, one per event and day).
`assert_every_page_pattern_visited` fails when a new public URL pattern is reachable by nobody,
so a new page cannot silently escape the checks.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

from django.urls import Resolver404, get_resolver, resolve, reverse

PASSWORD_PARTNER = "demo-partner-2026"
PASSWORD_STAFF = "demo-rops-2026"

# (role name, e-mail, password); None = an anonymous visitor.
ROLES = [
    ("anonim", None, None),
    ("partner", "partner@demo.rops.local", PASSWORD_PARTNER),
    ("urzednik-jst", "jst@demo.rops.local", PASSWORD_PARTNER),
    ("ekspert", "ekspert@demo.rops.local", PASSWORD_PARTNER),
    ("pracownik-rops", "staff@demo.rops.local", PASSWORD_STAFF),
]

# Paths never opened by the crawl: the admin (Django's own pages), files, and links that act.
SKIPPED_PATH = re.compile(
    r"^/(admin|i18n|static|media-not-public)/|^/konto/logout/|^/region/|"
    r"\.(pdf|ics|png|jpe?g|csv|xlsx|json|zip|docx|odt)$"
)

# URL names that are not HTML pages a person reads: downloads, feeds and POST-only actions.
NOT_PAGES = {
    "region_image",
    "robots_txt",
    "events:checkin_walk_in",  # POST only: the walk-in form lives on the check-in page
    "events:photo_thumbnail",
    "events:postulate_register_export",
    "reporting:monitoring_download",
    "sitemap",
    "news_feed_rss",
    "news_feed_atom",
    "news_image",
    "news_attachment",
    "events_feed_rss",
    "events_feed_atom",
    "my_data_download",
    "set_language",
    "account_delete",
    "events:events_feed",
    "events:event_ics",
    "events:certificate_download",
    "events:attendance_list_pdf",
    "events:material_download",
    "events:photo",
    "events:registration_cancel",
    "partners:membership_decide",
    "advisory:card_request",
    "events:certificates_issue",
    "reporting:report_download",
    "reporting:report_retry",
    "reporting:xlsx",
    "advisory:request_message",
    "advisory:request_withdraw",
    "advisory:attachment_download",
    "advisory:card_download",
    "advisory:case_transition",
    "advisory:case_message",
    "advisory:consultation_create",
    # cooperation: downloads and POST-only actions (their pages are the group, survey and plan pages)
    "cooperation:document_download",
    "cooperation:answer_file",
    "cooperation:survey_export_csv",
    "cooperation:survey_export_xlsx",
    "cooperation:plan_export",
    "cooperation:plan_pdf_download",
    "cooperation:plan_pdf_request",
    "cooperation:task_add",
    "cooperation:task_status",
    "cooperation:member_add",
    "cooperation:member_remove",
    "cooperation:document_add",
    "cooperation:response_reopen",
}
PER_VIEW_LIMIT = 2  # instances of one URL pattern per role (two events, page 2 of a list, ...)


@dataclass
class VisitedPage:
    role: str
    path: str
    view_name: str
    status: int


@dataclass
class Crawl:
    pages: list[VisitedPage] = field(default_factory=list)

    def view_names(self) -> set[str]:
        return {page.view_name for page in self.pages}


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the real form, typing the authenticator code when the portal asks for it."""
    from portal.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_TOTP_SECRET

    from .conftest import sign_in as sign_in_with_second_factor

    sign_in_with_second_factor(
        page,
        email,
        password,
        totp_secret=DEMO_STAFF_TOTP_SECRET if email == DEMO_STAFF_EMAIL else None,
    )


def _view_name(path: str) -> str | None:
    try:
        match = resolve(urlparse(path).path)
    except Resolver404:
        return None
    return match.view_name


def seed_paths(role: str) -> list[str]:
    """Pages linked only from the admin (or from nowhere a crawl starts) for this role."""
    from events.models import Event, EventSeries, Report
    from events.services import event_days

    paths = ["/", reverse("events:report_list"), reverse("partners:owes_by_subregion")]
    paths.append(reverse("cooperation:group_list"))  # "Współpraca" in the main menu
    # The header's search form and the contact form's answer page: reached by a form, not a link.
    paths += [
        reverse("search") + "?q=sp%C3%B3%C5%82dzielnia",
        reverse("search") + "?q=kozmin&rodzaj=wydarzenia",
        reverse("contact_sent"),
    ]
    # Series pages (linked from each event of the series, deep in the crawl's queue).
    paths += [
        s.get_absolute_url()
        for s in EventSeries.objects.filter(events__state="published").distinct()
    ]
    if role != "anonim":
        paths.append(reverse("account_profile"))  # "Moje dane osobowe"
        paths.append(reverse("cooperation:survey_list"))  # linked from "Współpraca"
    if role == "pracownik-rops":
        paths.append(reverse("cooperation:plan_list"))  # linked from "Współpraca"
        paths.append(reverse("events:postulate_register"))  # linked from the admin start page
        report = Report.objects.select_related("event").order_by("pk").first()
        if report is not None:  # "Zdjęcia relacji", linked from the report's admin page
            paths.append(reverse("events:report_photos", args=[report.event.slug]))
        # linked from the admin's start page
        paths += [
            reverse(f"reporting:{name}")
            for name in ("dashboard", "indicators", "coverage", "reports")
        ]
        for event in Event.objects.exclude(state="draft").order_by("starts_at"):
            checkin = reverse("events:checkin", args=[event.slug])
            paths.append(checkin)
            for day in event_days(event)[1:]:
                paths.append(f"{checkin}?dzien={day.isoformat()}")
    return paths


def crawl_role(
    page, role: str, on_page, *, limit: int = 120, within: str = "/"
) -> list[VisitedPage]:
    """Open every page this role can reach (bounded per URL pattern) and call on_page(page, path).

    ``within`` keeps the crawl under one path prefix (e.g. "/wspolpraca/" for one app's pages).
    """
    queue = [path for path in seed_paths(role) if path.startswith(within)]
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    visited: list[VisitedPage] = []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        view_name = _view_name(path)
        if view_name is None or view_name in NOT_PAGES:
            continue
        is_seed_checkin = view_name == "events:checkin"
        if per_view.get(view_name, 0) >= PER_VIEW_LIMIT and not is_seed_checkin:
            continue
        per_view[view_name] = per_view.get(view_name, 0) + 1
        response = page.goto(path)
        content_type = response.headers.get("content-type", "") if response else ""
        if "text/html" not in content_type:
            continue
        visited.append(
            VisitedPage(role=role, path=path, view_name=view_name, status=response.status)
        )
        on_page(page, path)
        origin = urlparse(page.url)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            target = urlparse(urljoin(page.url, href))
            if (
                target.netloc != origin.netloc
                or SKIPPED_PATH.search(target.path)
                or not target.path.startswith(within)
            ):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in seen:
                queue.append(link)
    return visited


# Apps whose pages the crawl has been checked to reach.
CHECKED_NAMESPACES = {"", "events", "partners", "advisory", "reporting", "cooperation"}


def public_page_patterns() -> set[str]:
    """Names of the site's URL patterns that are HTML pages (every app but the admin; allauth's pages
    are checked where the site links to them)."""
    names = set()
    resolver = get_resolver()

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if (
                    pattern.namespace in ("admin",)
                    or "allauth" in str(pattern.urlconf_name)
                    or "i18n" in str(pattern.urlconf_name)
                ):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(resolver.url_patterns, "")
    return {name for name in names if (name.rpartition(":")[0]) in CHECKED_NAMESPACES} - NOT_PAGES


def assert_every_page_pattern_visited(visited: list[VisitedPage]) -> None:
    missing = public_page_patterns() - {page.view_name for page in visited}
    assert not missing, (
        "No role reached these pages, so the whole-site checks did not see them: "
        f"{sorted(missing)}. Link them from the site, add them to seed_paths(), or to NOT_PAGES "
        "if they are not HTML pages."
    )
