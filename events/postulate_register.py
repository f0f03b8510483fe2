"""The postulates register for staff: every meeting's postulates with filters, the history of
each status change (who and when, from django-simple-history) and the addressee's reply.

The period rule is the reporting app's: a postulate belongs to the period in which its meeting
started (``reporting.documents.postulates_rows``); the XLSX export is the reporting app's
workbook (``reporting.documents.postulates_workbook``), so both exports have the same columns.
"""

from collections import defaultdict

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record

from .models import Event, Institution, Postulate
from .selectors import user_has_perm

PAGE_SIZE = 25


def postulate_register_allowed(user) -> bool:
    return user_has_perm(user, "view_postulate")


def postulate_register_base(*, user) -> QuerySet[Postulate]:
    """All postulates of all meetings, for a user with ``events.view_postulate`` (else 404)."""
    if not postulate_register_allowed(user):
        raise Http404
    return Postulate.objects.select_related("event", "institution", "session").order_by(
        "-event__starts_at", "event_id", "position", "pk"
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PostulateRegisterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("od"), cleaned.get("do")
        if start and end and start > end:
            self.add_error("do", _("Koniec okresu nie może być wcześniejszy niż jego początek."))
        return cleaned


class PostulateRegisterFilter(django_filters.FilterSet):
    adresat = django_filters.ModelChoiceFilter(
        queryset=Institution.objects.all(),
        method="filter_institution",
        label=_("Adresat"),
        empty_label=_("wszyscy"),
    )
    status = django_filters.ChoiceFilter(
        field_name="status",
        choices=Postulate.Status.choices,
        label=_("Status"),
        empty_label=_("wszystkie"),
    )
    obszar = django_filters.ChoiceFilter(
        field_name="topic",
        choices=Postulate.Topic.choices,
        label=_("Obszar"),
        empty_label=_("wszystkie"),
    )
    od = django_filters.DateFilter(
        field_name="event__starts_at__date",
        lookup_expr="gte",
        label=_("Spotkania od dnia"),
        widget=DateInput,
    )
    do = django_filters.DateFilter(
        field_name="event__starts_at__date",
        lookup_expr="lte",
        label=_("Spotkania do dnia"),
        widget=DateInput,
    )
    spotkanie = django_filters.ModelChoiceFilter(
        queryset=Event.objects.filter(postulates__isnull=False).distinct().order_by("-starts_at"),
        field_name="event",
        label=_("Spotkanie"),
        empty_label=_("wszystkie"),
    )
    szukaj = django_filters.CharFilter(
        method="filter_text",
        label=_("Szukaj w treści i odpowiedzi"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = Postulate
        fields: list[str] = []
        form = PostulateRegisterForm

    def filter_institution(self, queryset, name, value):
        # Postulates written with the name only (before the list, or by code that set the text)
        # count for the institution too.
        return queryset.filter(
            Q(institution=value) | Q(institution__isnull=True, addressee__iexact=value.name)
        )

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(decision_note__icontains=value))


def postulate_status_histories(postulate_ids) -> dict[int, list[dict]]:
    """For each postulate: its status changes in order, with who made each one and when.

    Read from the django-simple-history rows (one query for a page): the first row is the status
    the postulate was recorded with, then every row whose status differs from the one before.
    """
    labels = dict(Postulate.Status.choices)
    rows = (
        Postulate.history.filter(id__in=list(postulate_ids))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    histories: dict[int, list[dict]] = defaultdict(list)
    last_status: dict[int, str] = {}
    for row in rows:
        if row.history_type == "-" or last_status.get(row.id) == row.status:
            continue
        last_status[row.id] = row.status
        user = row.history_user
        histories[row.id].append(
            {
                "status": row.status,
                "label": labels.get(row.status, row.status),
                "at": row.history_date,
                "by": (user.get_full_name() or user.email) if user else "",
            }
        )
    return dict(histories)


# --- writes (events/services.py is past its size limit) -------------------------------------


def institution_save(
    *, institution: Institution, actor, created: bool, changed_fields
) -> Institution:
    """Save an institution; a new name also becomes the addressee text of its postulates."""
    with transaction.atomic():
        institution.save()
        renamed = 0
        if not created and "name" in changed_fields:
            renamed = Postulate.objects.filter(institution=institution).update(
                addressee=institution.name
            )
        audit_record(
            actor=actor,
            action="events.institution.create" if created else "events.institution.change",
            target=institution,
            summary=_("Dodano instytucję") if created else _("Zmieniono instytucję"),
            changes={"fields": list(changed_fields), "postulates_renamed": renamed},
        )
    return institution
