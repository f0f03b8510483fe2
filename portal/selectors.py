"""Reads of the portal app."""

from django.contrib.sites.shortcuts import get_current_site
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import NewsItem, Page, Region


def region_get_current(*, request: HttpRequest | None = None) -> Region | None:
    """Return the region that runs the current site, or None before it is configured."""
    site = get_current_site(request)
    return Region.objects.filter(site_id=site.pk).first()


def news_list_published(*, request: HttpRequest) -> QuerySet[NewsItem]:
    site = get_current_site(request)
    return NewsItem.objects.filter(site_id=site.pk, is_published=True)


def page_get(*, request: HttpRequest, slug: str) -> Page | None:
    site = get_current_site(request)
    return Page.objects.filter(site_id=site.pk, slug=slug).first()


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
            "data_rejestracji": user.date_joined.isoformat(),
            "ostatnie_logowanie": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for relation in user._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label in {"admin", "sessions", "auth"} or model.__name__.startswith("Historical"):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        rows = model._default_manager.filter(**{relation.field.name: user})
        if rows.exists():
            key = f"{model._meta.app_label}.{model._meta.model_name}:{relation.field.name}"
            data[key] = [
                {"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", rows)
            ]
    return data
