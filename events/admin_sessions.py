"""Admin of parallel sessions (workshops): inlines on the event, a read-only list of places and
the staff assignment of registrations to a workshop, all through ``services_sessions``."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from portal.admin_deletion import AuditedDeletionAdmin

from . import exceptions, services_sessions
from .models import EventSession, Registration, SessionPlace, SessionSlot
from .session_rules import seats_taken_filter


def _event_id_from_request(request):
    match = getattr(request, "resolver_match", None)
    object_id = match.kwargs.get("object_id") if match else None
    return int(object_id) if object_id and str(object_id).isdigit() else None


class SessionSlotInline(TranslationTabularInline):
    model = SessionSlot
    extra = 0
    fields = ["title", "starts_at", "ends_at", "position"]
    verbose_name = _("blok warsztatów równoległych")
    verbose_name_plural = _(
        "bloki warsztatów równoległych (najpierw dodaj blok i zapisz, potem warsztaty w nim)"
    )


class EventSessionInline(TranslationStackedInline):
    model = EventSession
    extra = 0
    fields = [
        ("slot", "position"),
        "title",
        ("host", "room", "capacity"),
        "description",
        "seats",
        "results",
        "results_updated_at",
    ]
    readonly_fields = ["seats", "results_updated_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "slot":
            kwargs["queryset"] = SessionSlot.objects.filter(
                event_id=_event_id_from_request(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["results"].widget = forms.Textarea(attrs={"rows": 3})
        for name, field in formset.form.base_fields.items():
            if name.startswith("description"):  # description_pl, description_en
                field.widget = forms.Textarea(attrs={"rows": 2})
        return formset

    @admin.display(description=_("zajęte miejsca"))
    def seats(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        taken = obj.places.filter(seats_taken_filter()).count()
        return format_html(
            '{} / {} · <a href="{}?warsztat={}">{}</a>',
            taken,
            obj.capacity,
            reverse("events:checkin", args=[obj.event.slug]),
            obj.pk,
            _("obecność na warsztacie"),
        )


class EventSessionsAdminMixin:
    """Saves workshops of the event form through the service (audit, waitlist on more places)."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not EventSession:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for session in formset.deleted_objects:
            try:
                services_sessions.session_delete(session=session, actor=request.user)
            except exceptions.EventsError as error:
                self.message_user(request, f"{session}: {error}", messages.ERROR)
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for session_form in formset.forms:
            session = session_form.instance
            if session in formset.deleted_objects or not session_form.has_changed():
                continue
            try:
                promoted = services_sessions.session_save(
                    session=session,
                    actor=request.user,
                    created=session in formset.new_objects,
                    changed_fields=list(changed.get(id(session), session_form.changed_data)),
                )
            except exceptions.EventsError as error:
                self.message_user(request, f"{session}: {error}", messages.ERROR)
                continue
            if promoted:
                self.message_user(
                    request,
                    _("%(session)s: przeniesiono z listy rezerwowej: %(count)d")
                    % {"session": session, "count": len(promoted)},
                    messages.SUCCESS,
                )
        return None


@admin.register(EventSession)
class EventSessionAdmin(AuditedDeletionAdmin, TranslationAdmin):
    list_display = ["title", "event", "slot", "host", "room", "seats_column", "links"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "host", "event__title"]
    list_select_related = ["event", "slot"]
    fields = [
        "event",
        "slot",
        "title",
        "host",
        "room",
        "capacity",
        "description",
        "results",
        "results_updated_at",
    ]
    readonly_fields = ["event", "slot", "results_updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(seats_taken=Count("places", filter=seats_taken_filter("places__")))
        )

    def has_add_permission(self, request):
        # Workshops are added on the event form, where the slot is chosen among the event's own.
        return False

    @admin.display(description=_("zajęte miejsca"))
    def seats_column(self, obj):
        return f"{obj.seats_taken} / {obj.capacity}"

    @admin.display(description=_("obecność"))
    def links(self, obj):
        return format_html(
            '<a href="{}?warsztat={}">{}</a> · <a href="{}?warsztat={}">{}</a>',
            reverse("events:checkin", args=[obj.event.slug]),
            obj.pk,
            _("sprawdź obecność"),
            reverse("events:attendance_list_pdf", args=[obj.event.slug]),
            obj.pk,
            _("lista obecności (PDF)"),
        )

    def save_model(self, request, obj, form, change):
        services_sessions.session_save(
            session=obj, actor=request.user, created=not change, changed_fields=form.changed_data
        )


@admin.register(SessionPlace)
class SessionPlaceAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    """Read-only: places change through registration and the "przydziel do warsztatu" action."""

    list_display = ["registration", "session", "registration_status", "chosen_at", "assigned_by"]
    list_filter = [("session__event", admin.RelatedOnlyFieldListFilter), "session"]
    search_fields = ["registration__participant__last_name", "registration__participant__email"]
    list_select_related = ["registration__participant", "registration__event", "session"]
    readonly_fields = ["registration", "slot", "session", "chosen_at", "assigned_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status zgłoszenia"))
    def registration_status(self, obj):
        return obj.registration.get_status_display()


class SessionAssignForm(forms.Form):
    session = forms.ModelChoiceField(queryset=EventSession.objects.none(), label=_("Warsztat"))

    def __init__(self, *args, event_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = EventSession.objects.filter(
            event_id=event_id
        ).select_related("slot")


def assign_session(modeladmin, request, queryset):
    """Admin action: put the selected registrations into one workshop (staff, via the service)."""
    event_ids = set(queryset.values_list("event_id", flat=True))
    if len(event_ids) != 1:
        modeladmin.message_user(
            request,
            _("Do warsztatu przydziela się zgłoszenia jednego wydarzenia naraz."),
            messages.ERROR,
        )
        return None
    event_id = event_ids.pop()
    if not EventSession.objects.filter(event_id=event_id).exists():
        modeladmin.message_user(request, _("To wydarzenie nie ma warsztatów."), messages.ERROR)
        return None
    form = SessionAssignForm(
        request.POST if request.POST.get("confirmed") == "yes" else None, event_id=event_id
    )
    if form.is_bound and form.is_valid():
        session = form.cleaned_data["session"]
        done = 0
        for registration in queryset.order_by("created_at", "pk"):
            try:
                services_sessions.session_place_assign(
                    registration=registration, session=session, actor=request.user
                )
                done += 1
            except exceptions.EventsError as error:
                modeladmin.message_user(request, f"{registration}: {error}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request,
                _("Przydzielono do warsztatu „%(session)s”: %(count)d")
                % {"session": session.title, "count": done},
                messages.SUCCESS,
            )
        return None
    return TemplateResponse(
        request,
        "events/admin/session_assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": Registration._meta,
            "title": _("Przydział do warsztatu"),
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


assign_session.short_description = _("Przydziel wybrane osoby do warsztatu…")
assign_session.allowed_permissions = ["manage_registrations"]
