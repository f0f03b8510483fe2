from datetime import date, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, DateField, Q, Value
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields
from import_export.admin import ExportActionMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from partners.models import TerritorialUnit
from portal.admin_deletion import AuditedDeletionAdmin
from portal.exports import FormulaSafeModelResource, LimitedExportMixin

from . import selectors, services
from .exceptions import AdvisoryError, ConcurrentChange, PermissionDenied, TransitionNotAllowed
from .forms import AssignExpertForm, RejectForm, TransitionForm
from .models import (
    AdvisoryRequest,
    AdvisorySettings,
    AdvisoryTopic,
    CaseAttachment,
    CaseEvent,
    Consultation,
    Expert,
)


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletions go through advisory.services, so each has its author in the audit trail;
    an action the user may not run is refused outright (Django would only redirect back)."""

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise Forbidden
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        services.catalogue_object_save(
            obj=obj, actor=request.user, created=not change, changed_fields=form.changed_data
        )

    def delete_model(self, request, obj):
        services.catalogue_object_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.catalogue_object_delete(obj=obj, actor=request.user)


@admin.register(AdvisoryTopic)
class AdvisoryTopicAdmin(TranslationAdmin, AuditedAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "description"]


@admin.register(AdvisorySettings)
class AdvisorySettingsAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "first_response_working_days",
        "resolution_working_days",
        "contact_name",
    ]
    fieldsets = (
        (
            _("Terminy (dni robocze, bez weekendów i świąt)"),
            {
                "fields": (
                    "first_response_working_days",
                    "resolution_working_days",
                    "warning_working_days",
                )
            },
        ),
        (
            _("Kontakt i oferta"),
            {"fields": ("contact_name", "contact_email", "contact_phone", "offer_text")},
        ),
        (_("Finansowanie"), {"fields": ("funding_project",)}),
    )

    def has_add_permission(self, request):
        # Asked by the admin's side menu on every admin page; the queue has read the row already.
        if hasattr(request, "_advisory_settings"):
            return False
        return not AdvisorySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "affiliation", "open_cases", "is_active"]
    list_filter = ["is_active", "topics"]
    search_fields = ["full_name", "email", "affiliation"]
    filter_horizontal = ["topics"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count(
                    "requests", filter=Q(requests__status__in=AdvisoryRequest.OPEN_STATUSES)
                )
            )
        )

    @admin.display(description=_("otwarte sprawy"), ordering="open_count")
    def open_cases(self, obj):
        return obj.open_count


class AdvisoryRequestResource(FormulaSafeModelResource):
    number = fields.Field(attribute="number", column_name=gettext("Numer"))
    status = fields.Field(attribute="get_status_display", column_name=gettext("Status"))
    organisation = fields.Field(attribute="organisation__name", column_name=gettext("Jednostka"))
    powiat = fields.Field(column_name=gettext("Powiat"))
    topics = fields.Field(column_name=gettext("Tematy"))
    expert = fields.Field(attribute="expert__full_name", column_name=gettext("Ekspert"))
    preferred_form = fields.Field(
        attribute="get_preferred_form_display", column_name=gettext("Forma")
    )
    submitted_at = fields.Field(attribute="submitted_at", column_name=gettext("Złożono"))
    due_on = fields.Field(attribute="due_on", column_name=gettext("Najbliższy termin"))
    completed_at = fields.Field(attribute="completed_at", column_name=gettext("Zrealizowano"))
    consultations = fields.Field(column_name=gettext("Liczba konsultacji"))
    hours = fields.Field(column_name=gettext("Godziny konsultacji"))

    class Meta:
        model = AdvisoryRequest
        fields = export_order = (
            "number",
            "status",
            "organisation",
            "powiat",
            "topics",
            "expert",
            "preferred_form",
            "submitted_at",
            "due_on",
            "completed_at",
            "consultations",
            "hours",
        )

    def dehydrate_powiat(self, obj):
        return obj.powiat.name if obj.powiat else ""

    def dehydrate_topics(self, obj):
        return "; ".join(topic.name for topic in obj.topics.all())

    def dehydrate_consultations(self, obj):
        return len(obj.consultations.all())

    def dehydrate_hours(self, obj):
        return round(sum(c.duration_minutes for c in obj.consultations.all()) / 60, 2)


class PowiatFilter(admin.SimpleListFilter):
    title = _("powiat")
    parameter_name = "powiat"

    def lookups(self, request, model_admin):
        powiats = TerritorialUnit.objects.filter(
            level=TerritorialUnit.Level.POWIAT,
            children__organisations__advisory_requests__isnull=False,
        ).distinct()
        return [(p.pk, p.name) for p in powiats]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organisation__seat_gmina__parent_id=self.value())
        return queryset


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (value, label) for value, label in AdvisoryRequest.Status.choices if value != "draft"
        ]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


def _advisory_settings(request) -> AdvisorySettings:
    """The one AdvisorySettings row, read once per request."""
    if not hasattr(request, "_advisory_settings"):
        request._advisory_settings = AdvisorySettings.load()
    return request._advisory_settings


def _deadline_bounds(request):
    return selectors.deadline_bounds(settings_row=_advisory_settings(request))


class DeadlineFilter(admin.SimpleListFilter):
    title = _("termin")
    parameter_name = "termin"

    def lookups(self, request, model_admin):
        return [
            ("po", _("po terminie")),
            ("blisko", _("termin się zbliża")),
            ("ok", _("w terminie")),
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        today, horizon = _deadline_bounds(request)
        open_cases = queryset.filter(status__in=AdvisoryRequest.OPEN_STATUSES, due_on__isnull=False)
        if self.value() == "po":
            return open_cases.filter(due_on__lt=today)
        if self.value() == "blisko":
            return open_cases.filter(due_on__gte=today, due_on__lte=horizon)
        if self.value() == "ok":
            return open_cases.filter(due_on__gt=horizon)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    # What the inline shows follows the case: whoever may view the case sees its timeline.
    view_permission = "advisory.view_advisoryrequest"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_permission)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InternalHiddenInline(ReadOnlyInline):
    """Internal notes and files only for those allowed to read them (not, e.g., reporting)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm("advisory.view_internal"):
            queryset = queryset.filter(is_internal=False)
        return queryset


class CaseEventInline(InternalHiddenInline):
    model = CaseEvent
    fields = ["created_at", "kind", "is_internal", "author", "from_status", "to_status", "body"]
    readonly_fields = fields


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = ["held_on", "form", "duration_minutes", "expert", "recommendations"]
    readonly_fields = fields


class CaseAttachmentInline(InternalHiddenInline):
    model = CaseAttachment
    fields = ["download", "size", "is_internal", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("plik"))
    def download(self, obj):
        # A formset whose management data is missing or forged shows unsaved rows: no file yet.
        if obj.pk is None or obj.request_id is None:
            return "–"
        url = reverse("advisory:attachment_download", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """The history page in people's terms: status labels instead of codes, Warsaw times, dashes."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value in (None, ""):
            return "–"
        if getattr(field, "flatchoices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        return super().prepare_delta_change_value(change, value)


@admin.register(AdvisoryRequest)
class AdvisoryRequestAdmin(
    AuditedDeletionAdmin, LimitedExportMixin, ExportActionMixin, SimpleHistoryAdmin
):
    resource_classes = [AdvisoryRequestResource]
    list_display = [
        "number",
        "organisation",
        "powiat_name",
        "status_badge",
        "expert",
        "deadline",
        "submitted_at",
    ]
    list_display_links = ["number"]
    # Submission date as a filter (today, last 7 days, this month, this year), not a
    # date_hierarchy: the hierarchy costs two queries on every queue page (MIN/MAX and the
    # distinct years) for what the filter gives without any.
    list_filter = [
        StatusFilter,
        "topics",
        PowiatFilter,
        "expert",
        DeadlineFilter,
        "preferred_form",
        ("submitted_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["organisation__seat_gmina__parent", "expert"]
    search_fields = ["number", "organisation__name", "contact_name", "contact_email", "description"]
    ordering = ["due_on", "-submitted_at"]
    actions = ["accept_requests", "reject_requests", "assign_expert", "close_cases"]
    change_form_template = "advisory/admin/advisoryrequest_change_form.html"
    inlines = [ConsultationInline, CaseAttachmentInline, CaseEventInline]
    readonly_fields = [
        "workspace_link",
        "number",
        "status",
        "version",
        "organisation",
        "requester",
        "expert",
        "scheduled_for",
        "description",
        "documents_concerned",
        "preferred_form",
        "preferred_dates",
        "contact_name",
        "contact_email",
        "contact_phone",
        "rodo_consent_at",
        "rejection_reason",
        "submitted_at",
        "first_responded_at",
        "first_response_due",
        "resolution_due",
        "due_on",
        "completed_at",
        "closed_at",
        "card_generated_at",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "workspace_link",
                    "number",
                    "status",
                    "version",
                    "organisation",
                    "requester",
                    "expert",
                    "scheduled_for",
                    "topics",
                    "funding_project",
                )
            },
        ),
        (
            _("Wniosek"),
            {
                "fields": (
                    "description",
                    "documents_concerned",
                    "preferred_form",
                    "preferred_dates",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "rodo_consent_at",
                    "rejection_reason",
                )
            },
        ),
        (
            _("Terminy"),
            {
                "fields": (
                    "submitted_at",
                    "first_responded_at",
                    "first_response_due",
                    "resolution_due",
                    "due_on",
                    "completed_at",
                    "closed_at",
                    "card_generated_at",
                )
            },
        ),
    )
    filter_horizontal = ["topics"]

    # One COUNT on the queue, not two (the "show all" total is the same number here).
    show_full_result_count = False

    def get_queryset(self, request):
        # The deadline horizon comes from AdvisorySettings: read it once per request (the
        # changelist and its filters each ask for the queryset), never per row.
        today, horizon = _deadline_bounds(request)
        return (
            super()
            .get_queryset(request)
            .exclude(status=AdvisoryRequest.Status.DRAFT)
            .annotate(
                queue_today=Value(today, output_field=DateField()),
                queue_horizon=Value(horizon, output_field=DateField()),
            )
        )

    def changelist_view(self, request, extra_context=None):
        # An action the user may not run is refused outright (Django would only redirect back).
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise Forbidden
        return super().changelist_view(request, extra_context)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Names of JSTs, contact people and experts leave the portal here: record who took what.
        services.request_export_record(
            requests=queryset, actor=request.user, file_format=file_format.get_title()
        )
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    # Admin actions are offered only to roles whose permission the service will accept.
    def has_decide_permission(self, request):
        return request.user.has_perm("advisory.decide_request")

    def has_assign_permission(self, request):
        return request.user.has_perm("advisory.assign_expert")

    def has_handle_permission(self, request):
        return request.user.has_perm("advisory.handle_case")

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.transition_view),
                name="advisory_advisoryrequest_transition",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "transitions": services.transitions_available(request=obj, user=request.user)
            if obj
            else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        """The change page's "Zmień status" button: one form per allowed transition; POST calls the service."""
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        if not self.has_view_permission(request, case):
            raise Forbidden
        transitions = services.transitions_available(request=case, user=request.user)
        if not transitions:
            raise Forbidden
        change_url = reverse("admin:advisory_advisoryrequest_change", args=[case.pk])
        if request.method == "POST":
            form = TransitionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.request_transition(
                        request_id=case.pk,
                        action=data["action"],
                        expected_version=data["version"],
                        actor=request.user,
                        reason=data["reason"],
                        expert=data["expert"],
                        scheduled_for=data["scheduled_for"],
                    )
                except PermissionDenied as error:
                    raise Forbidden(error.message) from error
                except AdvisoryError as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    self.message_user(
                        request, gettext("Status sprawy został zmieniony."), messages.SUCCESS
                    )
                    return HttpResponseRedirect(change_url)
            else:
                self.message_user(
                    request,
                    gettext("Formularz zawiera błędy: sprawdź termin i pozostałe pola."),
                    messages.ERROR,
                )
            case.refresh_from_db()
            transitions = services.transitions_available(request=case, user=request.user)
        return render(
            request,
            "advisory/admin/transition.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Zmień status sprawy %(number)s") % {"number": case.number},
                "case": case,
                "transitions": transitions,
                "experts": TransitionForm.base_fields["expert"].queryset,
                "opts": self.model._meta,
                "original": case,
                "change_url": change_url,
            },
        )

    def _run_on_each(self, request, queryset, action: str, **kwargs) -> None:
        """Apply one service transition to every selected case; each on its own, refusals reported."""
        done = 0
        for case in queryset.order_by("pk"):
            try:
                services.request_transition(
                    request_id=case.pk,
                    action=action,
                    expected_version=case.version,
                    actor=request.user,
                    **kwargs,
                )
                done += 1
            except (TransitionNotAllowed, ConcurrentChange, PermissionDenied) as error:
                self.message_user(request, f"{case.number}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request,
                gettext("Zmieniono status spraw: %(count)d.") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Przyjmij zaznaczone wnioski"), permissions=["decide"])
    def accept_requests(self, request, queryset):
        self._run_on_each(request, queryset, "accept")

    @admin.action(description=_("Zamknij zaznaczone sprawy (zrealizowane)"), permissions=["handle"])
    def close_cases(self, request, queryset):
        self._run_on_each(request, queryset, "close")

    @admin.action(
        description=_("Odrzuć zaznaczone wnioski (z uzasadnieniem)"), permissions=["decide"]
    )
    def reject_requests(self, request, queryset):
        cases = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                self._run_on_each(
                    request,
                    queryset.filter(pk__in=[c.pk for c in cases]),
                    "reject",
                    reason=form.cleaned_data["reason"],
                )
                return None
        else:
            form = RejectForm()
        return render(
            request,
            "advisory/admin/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Odrzuć wnioski"),
                "cases": cases,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_add_permission(self, request):
        return False

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("organisation__seat_gmina__parent", "expert")
            .prefetch_related("topics", "consultations")
        )

    def save_model(self, request, obj, form, change):
        # Status, expert and dates change only through the workflow service; here just the
        # classification fields, so that an admin save never overwrites a concurrent transition.
        services.request_classification_update(
            request_id=obj.pk,
            actor=request.user,
            topics=list(form.cleaned_data["topics"]),
            funding_project=form.cleaned_data.get("funding_project"),
        )

    def save_related(self, request, form, formsets, change):
        """The topics were saved by the service in save_model; the inlines are read-only (saving
        them stores nothing but lets the admin describe the change)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description=_("obsługa sprawy"))
    def workspace_link(self, obj):
        url = reverse("advisory:case_detail", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("Otwórz kartę sprawy (zmiana statusu, wpisy, konsultacje)"),
        )

    @admin.display(description=_("powiat"), ordering="organisation__seat_gmina__parent__name")
    def powiat_name(self, obj):
        return obj.powiat.name if obj.powiat else "–"

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("termin"), ordering="due_on")
    def deadline(self, obj):
        if not obj.due_on or not obj.is_open:
            return "–"
        if getattr(obj, "queue_horizon", None) is not None:
            today, horizon = obj.queue_today, obj.queue_horizon
        else:
            today, horizon = selectors.deadline_bounds()
        date_text = obj.due_on.strftime("%d.%m.%Y")
        if obj.due_on < today:
            return format_html(
                '<strong style="color:#9b1c10">⚠ {} {}</strong>', gettext("PO TERMINIE"), date_text
            )
        if obj.due_on <= horizon:
            return format_html(
                '<strong style="color:#7a4b00">{} {}</strong>', gettext("wkrótce"), date_text
            )
        return date_text

    @admin.action(description=_("Przydziel eksperta do zaznaczonych spraw"), permissions=["assign"])
    def assign_expert(self, request, queryset):
        cases = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            form = AssignExpertForm(request.POST)
            if form.is_valid():
                versions = {}
                for case in cases:
                    try:
                        versions[case.pk] = int(request.POST.get(f"version_{case.pk}", ""))
                    except ValueError:
                        versions[case.pk] = case.version
                done, refused = services.request_assign_expert_bulk(
                    versions=versions, expert=form.cleaned_data["expert"], actor=request.user
                )
                if done:
                    self.message_user(
                        request,
                        gettext("Przydzielono eksperta do spraw: %(count)d.")
                        % {"count": len(done)},
                        messages.SUCCESS,
                    )
                numbers = {case.pk: case.number for case in cases}
                for pk, message in refused:
                    self.message_user(request, f"{numbers.get(pk)}: {message}", messages.ERROR)
                return None
        else:
            form = AssignExpertForm()
        return render(
            request,
            "advisory/admin/assign_expert.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Przydziel eksperta"),
                "cases": cases,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "today": timezone.localdate(),
            },
        )
