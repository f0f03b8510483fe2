"""Reads of the portal app."""

from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import NewsItem, NewsTag, Page, Region


def region_get_current(*, request: HttpRequest | None = None) -> Region | None:
    """Return the region that runs the current site, or None before it is configured.

    Read once per request: the layout and the parts of a page rendered on their own (kept for
    visitors, see portal.fragments) all show it.
    """
    if request is not None and hasattr(request, "_portal_region"):
        return request._portal_region
    site = get_current_site(request)
    region = Region.objects.filter(site_id=site.pk).first()
    if request is not None:
        request._portal_region = region
    return region


def news_published(*, site_id: int | None = None) -> QuerySet[NewsItem]:
    """The one rule for what the public sees: published, and its publication time has come.

    An item marked published with a publication time in the future (scheduled) stays hidden from
    every public place (list, detail, tag pages, feeds, sitemap, search, its files) until then.
    """
    if site_id is None:
        site_id = Site.objects.get_current().pk
    return NewsItem.objects.filter(
        site_id=site_id, is_published=True, published_at__lte=timezone.now()
    )


def news_list_published(*, request: HttpRequest | None = None) -> QuerySet[NewsItem]:
    site = get_current_site(request)
    return news_published(site_id=site.pk).prefetch_related("tags")


def news_get_published(*, request: HttpRequest, slug: str) -> NewsItem:
    return get_object_or_404(
        news_list_published(request=request).select_related("event"), slug=slug
    )


def news_get_for_files(*, request: HttpRequest, slug: str) -> NewsItem:
    """The item whose image or attachment is asked for: public items for everybody, every item
    of the site for staff who may see news in the admin (to check a draft's files)."""
    if request.user.has_perm("portal.view_newsitem"):
        site = get_current_site(request)
        return get_object_or_404(NewsItem, site_id=site.pk, slug=slug)
    return news_get_published(request=request, slug=slug)


def news_for_tag(*, request: HttpRequest, tag: NewsTag) -> QuerySet[NewsItem]:
    return news_list_published(request=request).filter(tags=tag)


def news_for_event(*, event) -> QuerySet[NewsItem]:
    return news_published().filter(event=event)


def page_get(*, request: HttpRequest, slug: str) -> Page | None:
    site = get_current_site(request)
    return Page.objects.filter(site_id=site.pk, slug=slug).first()


def email_is_confirmed_for(*, user, email: str) -> bool:
    """Whether ``email`` is an address the signed-in ``user`` has confirmed (allauth)."""
    from allauth.account.models import EmailAddress

    if user is None or not getattr(user, "is_authenticated", False) or not email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def personal_data_export(*, user) -> dict:
    """Collect everything stored about a user (RODO right of access), across every app.

    Walks the reverse relations of the user model, so a new app's data is included without
    changes here.
    """
    from django.core import serializers

    data = {
        "konto": {
            "email": user.email,
            "imie": user.first_name,
            "nazwisko": user.last_name,
            "telefon": user.phone,
            "stanowisko": user.position,
            "data_rejestracji": user.date_joined.isoformat(),
            "ostatnie_logowanie": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for relation in user._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label in {"admin", "sessions", "auth"} or model.__name__.startswith(
            "Historical"
        ):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        rows = model._default_manager.filter(**{relation.field.name: user})
        if rows.exists():
            key = f"{model._meta.app_label}.{model._meta.model_name}:{relation.field.name}"
            data[key] = [
                {"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", rows)
            ]
    if "portal.auditlogentry:actor" in data:
        data["portal.auditlogentry:actor"] = _audit_entries_for_export(
            data["portal.auditlogentry:actor"], user=user
        )
    return data


def _audit_entries_for_export(rows: list[dict], *, user) -> list[dict]:
    """The person's own actions, without other people's data.

    A summary, an object's name and the changes of an entry about anyone or anything else may
    name other people (a participant added at check-in, a case's requester): the export is the
    person's own data, so those entries keep only what was done, when, and to which kind of
    object (by number), and which fields changed.
    """
    from django.contrib.contenttypes.models import ContentType

    user_type = ContentType.objects.get_for_model(user).pk
    exported = []
    for row in rows:
        about_self = row["content_type"] == user_type and row["object_id"] == str(user.pk)
        if not about_self:
            row = {
                **row,
                "object_repr": "",
                "summary": "",
                "changes": sorted(row["changes"]) if isinstance(row["changes"], dict) else [],
            }
        exported.append(row)
    return exported


def staff_todo(*, user) -> list[dict]:
    """Count what waits for ROPS staff in every app, with the admin list that shows it.

    Each line is shown (and counted) only for someone whose role lets them act on it.
    """
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from advisory.models import AdvisoryRequest
    from advisory.selectors import deadline_bounds
    from events.models import Registration
    from partners.models import Membership, Organisation

    from .models import OutboundEmail

    items = []
    if user.has_perm("partners.decide_membership"):
        items.append(
            (
                _("Prośby o dołączenie do organizacji"),
                Membership.objects.filter(status=Membership.Status.PENDING).count(),
                reverse("admin:partners_membership_changelist") + "?status__exact=pending",
            )
        )
    if user.has_perm("partners.verify_organisation"):
        items.append(
            (
                _("Organizacje zaproponowane przez użytkowników do weryfikacji"),
                Organisation.objects.filter(is_verified=False).count(),
                reverse("admin:partners_organisation_changelist") + "?is_verified__exact=0",
            )
        )
    if user.has_perm("events.manage_registration"):
        items.append(
            (
                _("Zgłoszenia na wydarzenia czekające na akceptację"),
                Registration.objects.filter(status=Registration.Status.PENDING).count(),
                reverse("admin:events_registration_changelist") + "?status__exact=pending",
            )
        )
    if user.has_perm("advisory.view_advisoryrequest"):
        today, horizon = deadline_bounds()
        cases = AdvisoryRequest.objects.aggregate(
            submitted=Count("pk", filter=Q(status=AdvisoryRequest.Status.SUBMITTED)),
            overdue=Count(
                "pk", filter=Q(status__in=AdvisoryRequest.OPEN_STATUSES, due_on__lt=today)
            ),
            near=Count(
                "pk",
                filter=Q(
                    status__in=AdvisoryRequest.OPEN_STATUSES, due_on__gte=today, due_on__lte=horizon
                ),
            ),
        )
        changelist = reverse("admin:advisory_advisoryrequest_changelist")
        items += [
            (
                _("Nowe wnioski o doradztwo do rozpatrzenia"),
                cases["submitted"],
                changelist + "?status=submitted",
            ),
            (_("Sprawy doradcze po terminie"), cases["overdue"], changelist + "?termin=po"),
            (
                _("Sprawy doradcze, którym zbliża się termin"),
                cases["near"],
                changelist + "?termin=blisko",
            ),
        ]
    if user.has_perm("portal.view_outboundemail"):
        items.append(
            (
                _("E-maile, których nie udało się wysłać"),
                OutboundEmail.objects.filter(
                    sent_at__isnull=True, attempts__gt=0, due_at__lte=timezone.now()
                ).count(),
                reverse("admin:portal_outboundemail_changelist") + "?sent_at__isnull=True",
            )
        )
    return [{"label": label, "count": count, "url": url} for label, count, url in items]
