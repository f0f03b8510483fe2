"""Admin of the organiser's side: speakers and guests, copying an event, series, messages.

Everything goes through ``services_organiser`` like the site does.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from portal.admin_deletion import AuditedDeletionAdmin

from . import exceptions
from . import services_organiser as organiser
from .forms_organiser import EventCopyForm, ReminderHoursField
from .models import AgendaItem, Event, EventMessage, EventSeries, EventSpeaker


class EventSpeakerForm(forms.ModelForm):
    class Meta:
        model = EventSpeaker
        fields = [
            "position",
            "role",
            "person",
            "name",
            "organisation",
            "organisation_name",
            "agenda_items",
            "counts_toward_capacity",
        ]
        widgets = {"agenda_items": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        if (
            not cleaned.get("DELETE")
            and not (person and person.get_full_name().strip())
            and not (cleaned.get("name") or "").strip()
        ):
            self.add_error("name", str(exceptions.SpeakerInvalid.default_message))
        return cleaned


class EventSpeakerInline(admin.StackedInline):
    model = EventSpeaker
    form = EventSpeakerForm
    extra = 0
    autocomplete_fields = ["person", "organisation"]
    fields = [
        ("position", "role"),
        ("person", "name"),
        ("organisation", "organisation_name"),
        "agenda_items",
        "counts_toward_capacity",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["agenda_items"]
        field.queryset = (
            AgendaItem.objects.filter(event=obj) if obj is not None else AgendaItem.objects.none()
        )
        field.help_text = _("Punkty programu tego wydarzenia (zapisz wydarzenie, by je wybrać).")
        return formset


class EventMessageInline(admin.TabularInline):
    """Messages sent to the event's participants: who sent what to how many, read-only."""

    model = EventMessage
    extra = 0
    can_delete = False
    fields = ["sent_at", "subject", "audience", "session", "recipient_count", "sent_by"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventOrganiserForm(forms.ModelForm):
    """The event form with reminders typed as „7 dni, 1 dzień”."""

    reminder_hours = ReminderHoursField()

    class Meta:
        model = Event
        fields = ["reminder_hours"]  # the admin adds the fields of its fieldsets


class EventOrganiserAdminMixin:
    """Copy (action and button), speakers through the services, links to messages and series."""

    form = EventOrganiserForm
    change_form_template = "events/admin/event_change_form.html"

    def has_copy_permission(self, request):
        return request.user.has_perm("events.copy_event") and request.user.has_perm(
            "events.add_event"
        )

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<int:pk>/kopiuj/",
                self.admin_site.admin_view(self.copy_view),
                name="events_event_copy",
            ),
        ]
        return own + urls

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_copy"] = self.has_copy_permission(request)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    @admin.action(description=_("Kopiuj wydarzenie (nowy termin)"), permissions=["copy"])
    def copy(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Należy wybrać dokładnie jedno wydarzenie."), messages.ERROR
            )
            return None
        return redirect("admin:events_event_copy", pk=queryset.get().pk)

    def copy_view(self, request, pk: int):
        """Ask for the new start date (GET), then copy as a draft (POST) with the service."""
        if not self.has_copy_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=pk)
        form = EventCopyForm(request.POST or None, event=event)
        if request.method == "POST" and form.is_valid():
            try:
                copy = organiser.event_copy(
                    event=event,
                    starts_on=form.cleaned_data["starts_on"],
                    keep_series=form.cleaned_data.get("keep_series", False),
                    actor=request.user,
                )
            except exceptions.EventsError as error:
                form.add_error("starts_on", str(error))
            else:
                self.message_user(
                    request,
                    _(
                        "Utworzono szkic „%(title)s” na %(date)s z programem, pytaniami i ustawieniami. "
                        "Prosimy sprawdzić go przed publikacją."
                    )
                    % {
                        "title": copy.title,
                        "date": form.cleaned_data["starts_on"].strftime("%d.%m.%Y"),
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:events_event_change", copy.pk)
        return TemplateResponse(
            request,
            "events/admin/event_copy.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Kopiuj wydarzenie"),
                "event": event,
                "form": form,
                "copied_models": [
                    m._meta.verbose_name_plural for m in organiser.event_copy_models()
                ],
            },
            status=400 if form.is_bound and form.errors else 200,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not EventSpeaker:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for speaker in formset.deleted_objects:
            organiser.speaker_delete(speaker=speaker, actor=request.user)
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for speaker_form in formset.forms:
            speaker = speaker_form.instance
            if speaker in formset.deleted_objects or not speaker_form.has_changed():
                continue
            created = speaker in formset.new_objects
            try:
                organiser.speaker_save(
                    speaker=speaker,
                    actor=request.user,
                    created=created,
                    changed_fields=list(changed.get(id(speaker), speaker_form.changed_data)),
                    agenda_items=list(speaker_form.cleaned_data.get("agenda_items") or []),
                )
            except exceptions.EventsError as error:
                self.message_user(request, f"{speaker.display_name}: {error}", messages.ERROR)
        return None

    @admin.display(description=_("wiadomości"))
    def messages_link(self, obj):
        if obj is None or obj.pk is None or obj.state == Event.State.DRAFT:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events:event_messages", args=[obj.slug]),
            _("napisz do uczestników"),
        )


@admin.register(EventSeries)
class EventSeriesAdmin(AuditedDeletionAdmin, TranslationAdmin):
    list_display = ["title", "dates", "public_link"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description", "events_list"]
    readonly_fields = ["events_list"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dates_total=Count("events"))

    @admin.display(description=_("terminy"), ordering="dates_total")
    def dates(self, obj):
        return obj.dates_total

    @admin.display(description=_("wydarzenia w cyklu"))
    def events_list(self, obj):
        if obj is None or obj.pk is None:
            return _("Wydarzenia dodaje się do cyklu w formularzu wydarzenia (pole „cykl”).")
        from django.utils.html import format_html_join

        return format_html_join(
            "",
            '<p><a href="{}">{}</a> – {}</p>',
            (
                (
                    reverse("admin:events_event_change", args=[event.pk]),
                    event.title,
                    f"{event.starts_at:%d.%m.%Y} ({event.get_state_display()})",
                )
                for event in obj.events.order_by("starts_at")
            ),
        ) or _("Brak wydarzeń.")

    @admin.display(description=_("na stronie"))
    def public_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("zobacz"))

    def save_model(self, request, obj, form, change):
        organiser.series_save(
            series=obj, actor=request.user, created=not change, changed_fields=form.changed_data
        )


@admin.register(EventMessage)
class EventMessageAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    """Read-only: messages are written on the site (two steps with a preview), never here."""

    list_display = ["subject", "event", "audience", "recipient_count", "sent_by", "sent_at"]
    list_filter = ["audience", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject", "event__title"]
    list_select_related = ["event", "sent_by"]
    fields = [
        "event",
        "session",
        "audience",
        "subject",
        "body",
        "recipient_count",
        "sent_by",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
