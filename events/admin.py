"""Staff tools: events with agenda and questions, registrations with bulk actions and export."""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields
from import_export.admin import ExportActionMixin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_deletion import AuditedDeletionAdmin
from portal.exports import FormulaSafeModelResource, LimitedExportMixin
from portal.jobs import JobLimitReached

from . import exceptions, postulate_register, selectors, services
from .admin_organiser import EventMessageInline, EventOrganiserAdminMixin, EventSpeakerInline
from .admin_sessions import (
    EventSessionInline,
    EventSessionsAdminMixin,
    SessionSlotInline,
    assign_session,
)
from .forms import MaterialForm, PostulateForm, ReportPhotoForm
from .models import (
    AgendaItem,
    Attendance,
    Certificate,
    ConsentText,
    Event,
    EventSession,
    Institution,
    Material,
    Postulate,
    Question,
    Registration,
    Report,
    ReportPhoto,
    TargetGroup,
)


def confirm_action(modeladmin, request, queryset, *, action: str, title, question, confirm_label):
    """Return a confirmation page for a destructive admin action, or None once it was confirmed.

    A plain form (no JavaScript): "yes" re-posts the action with the same selection.
    """
    if request.POST.get("confirmed") == "yes":
        return None
    return TemplateResponse(
        request,
        "events/admin/action_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "title": title,
            "question": question,
            "confirm_label": confirm_label,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


class PermissionActionsMixin:
    """``allowed_permissions`` names for admin actions, each one an ``events.*`` permission."""

    def _has(self, request, codename: str) -> bool:
        return request.user.has_perm(f"events.{codename}")

    def has_publish_permission(self, request):
        return self._has(request, "publish_event")

    def has_cancel_permission(self, request):
        return self._has(request, "cancel_event")

    def has_finish_permission(self, request):
        return self._has(request, "finish_event")

    def has_manage_registrations_permission(self, request):
        return self._has(request, "manage_registration")

    def has_attendance_list_permission(self, request):
        return self._has(request, "view_attendance_list")

    def has_issue_certificates_permission(self, request):
        return self._has(request, "issue_certificate")

    def has_publish_report_permission(self, request):
        return self._has(request, "publish_report")


class NoRevertHistoryMixin:
    """History to read, never to revert: a revert would save an old status past the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


def titled_filter(title):
    """Return a choices filter with its own title (two related fields are both called "rodzaj")."""

    class TitledChoicesFilter(admin.ChoicesFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledChoicesFilter


class RecentEventFilter(admin.SimpleListFilter):
    """The registrations' "event" filter: events running now, soon or lately, not every event.

    Django's own filter lists every event ever held (hundreds of links in a few years); older
    events are found with the search box or the "lista zgłoszeń" link of the event. The
    parameter stays ``event__id__exact``, which links from the event page and the event list use.
    """

    title = _("wydarzenie")
    parameter_name = "event__id__exact"
    LIMIT = 30
    RECENT = timedelta(days=60)

    def lookups(self, request, model_admin):
        events = list(
            Event.objects.filter(ends_at__gte=timezone.now() - self.RECENT)
            .exclude(state=Event.State.DRAFT)
            .order_by("starts_at", "pk")
            .values_list("pk", "title", "starts_at")[: self.LIMIT]
        )
        selected = self.value()
        if selected and selected.isdigit() and int(selected) not in {pk for pk, *_ in events}:
            events += list(
                Event.objects.filter(pk=selected).values_list("pk", "title", "starts_at")
            )
        return [
            (str(pk), f"{title} ({timezone.localtime(starts_at):%d.%m.%Y})")
            for pk, title, starts_at in events
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(event_id=value)
        return queryset


class AgendaItemInline(TranslationTabularInline):
    model = AgendaItem
    extra = 1
    fields = ["day", "starts_at", "ends_at", "title", "speaker", "place", "address"]


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 1
    fields = ["position", "label", "kind", "choices", "is_required", "help_text"]


class MaterialInline(admin.TabularInline):
    model = Material
    form = MaterialForm
    extra = 1
    fields = ["position", "title", "file", "visibility", "file_type", "file_size"]
    readonly_fields = ["file_type", "file_size"]


class PostulateInline(admin.StackedInline):
    model = Postulate
    form = PostulateForm
    extra = 1
    fields = [
        ("position", "topic", "status"),
        "text",
        ("institution", "addressee"),
        ("forwarded_on", "decided_on"),
        "decision_note",
        "session",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = EventSession.objects.filter(
                event_id=object_id if object_id and str(object_id).isdigit() else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(
    AuditedDeletionAdmin,
    EventSessionsAdminMixin,
    EventOrganiserAdminMixin,
    PermissionActionsMixin,
    TranslationAdmin,
):
    list_display = [
        "title",
        "type",
        "starts_at",
        "venue_city",
        "state",
        "places_column",
        "registrations_link",
        "checkin_link",
    ]
    list_filter = ["state", "type", "subregions", "target_groups", "funding_project"]
    search_fields = ["title", "venue_city", "organiser"]
    date_hierarchy = "starts_at"
    # One COUNT per page: Django's "(N total)" next to a filtered count is a second COUNT.
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["target_groups", "subregions"]
    inlines = [
        AgendaItemInline,
        SessionSlotInline,
        EventSessionInline,
        EventSpeakerInline,
        QuestionInline,
        MaterialInline,
        PostulateInline,
        EventMessageInline,
    ]
    actions = [
        "publish",
        "copy",
        "cancel",
        "finish",
        "promote_waitlist",
        "issue_certificates",
        "attendance_list_pdf",
    ]
    fieldsets = (
        (None, {"fields": ("type", "title", "slug", "summary", "description", "state")}),
        (
            _("Termin i miejsce"),
            {
                "fields": (
                    "starts_at",
                    "ends_at",
                    "venue_name",
                    "venue_street",
                    "venue_postal_code",
                    "venue_city",
                    "venue_gmina",
                    "online_url",
                )
            },
        ),
        (
            _("Organizacja"),
            {
                "fields": (
                    "organiser",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "funding_project",
                    "series",
                    "target_groups",
                    "subregions",
                )
            },
        ),
        (
            _("Zapisy"),
            {
                "fields": (
                    "registration_opens_at",
                    "registration_closes_at",
                    "cancellation_deadline",
                    "capacity",
                    "per_organisation_limit",
                    "places_reserved",
                    "requires_approval",
                    "reminder_hours",
                )
            },
        ),
        (_("Po wydarzeniu"), {"fields": ("after_event_links", "messages_link")}),
    )
    # The state changes only through the actions below (the services notify and record).
    readonly_fields = ["state", "after_event_links", "places_reserved", "messages_link"]

    def save_model(self, request, obj, form, change):
        # More places or a higher per-organisation limit go to the waitlist at once, in order.
        promoted = services.event_save(
            event=obj,
            actor=request.user,
            created=not change,
            changed_fields=list(form.changed_data),
        )
        if promoted:
            self.message_user(
                request,
                _("Przeniesiono z listy rezerwowej: %(count)d") % {"count": len(promoted)},
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Subqueries, not a join with GROUP BY: counted for the page's rows only, and left
            # out of the changelist's COUNT and date-hierarchy queries.
            .annotate(
                places_taken=selectors.places_taken_expression(),
                waitlisted=selectors.waitlisted_expression(),
            )
        )

    @admin.display(description=_("miejsca"))
    def places_column(self, obj):
        free = max(obj.participant_capacity - obj.places_taken, 0)
        return _("%(taken)d / %(capacity)d · wolne: %(free)d · rezerwa: %(waitlisted)d") % {
            "taken": obj.places_taken + obj.places_reserved,
            "capacity": obj.capacity,
            "free": free,
            "waitlisted": obj.waitlisted,
        }

    @admin.display(description=_("zgłoszenia"))
    def registrations_link(self, obj):
        url = reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("lista zgłoszeń"))

    @admin.display(description=_("obecność, relacja"))
    def after_event_links(self, obj):
        if obj is None or obj.pk is None or obj.state == Event.State.DRAFT:
            return _("Dostępne po opublikowaniu wydarzenia.")
        report = Report.objects.filter(event=obj).first()
        report_url = (
            reverse("admin:events_report_change", args=[report.pk])
            if report
            else reverse("admin:events_report_add") + f"?event={obj.pk}"
        )
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:checkin", args=[obj.slug]),
            _("rejestracja obecności"),
            reverse("events:attendance_list_pdf", args=[obj.slug]),
            _("lista obecności (PDF)"),
            report_url,
            _("relacja ze zdjęciami") if report else _("dodaj relację ze zdjęciami"),
        )

    @admin.display(description=_("obecność"))
    def checkin_link(self, obj):
        if obj.state == Event.State.DRAFT:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("events:checkin", args=[obj.slug]), _("sprawdź obecność")
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Material:
            for material_form in formset.forms:
                if material_form.has_changed() and material_form.instance.pk is None:
                    material_form.instance.uploaded_by = request.user
        super().save_formset(request, form, formset, change)

    def _run(self, request, queryset, service, done_message):
        done = 0
        for event in queryset:
            try:
                service(event=event, actor=request.user)
                done += 1
            except exceptions.EventsError as error:
                self.message_user(request, f"{event}: {error}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Opublikuj wybrane wydarzenia"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run(
            request, queryset, services.event_publish, _("Opublikowano wydarzenia: %(count)d")
        )

    @admin.action(
        description=_("Odwołaj wybrane wydarzenia (powiadomi zapisanych)"), permissions=["cancel"]
    )
    def cancel(self, request, queryset):
        confirmation = confirm_action(
            self,
            request,
            queryset,
            action="cancel",
            title=_("Odwołanie wydarzeń"),
            question=_(
                "Czy na pewno odwołać te wydarzenia? Wszyscy zapisani (także z listy rezerwowej) dostaną "
                "e-mail o odwołaniu; tego nie da się cofnąć."
            ),
            confirm_label=_("Tak, odwołaj wydarzenia"),
        )
        if confirmation is not None:
            return confirmation
        self._run(request, queryset, services.event_cancel, _("Odwołano wydarzenia: %(count)d"))
        return None

    @admin.action(
        description=_("Oznacz jako zakończone (wystawi zaświadczenia obecnym)"),
        permissions=["finish"],
    )
    def finish(self, request, queryset):
        self._run(request, queryset, services.event_finish, _("Zakończono wydarzenia: %(count)d"))

    @admin.action(
        description=_("Przydziel wolne miejsca osobom z listy rezerwowej"),
        permissions=["manage_registrations"],
    )
    def promote_waitlist(self, request, queryset):
        promoted = sum(
            len(services.waitlist_promote(event=event, actor=request.user)) for event in queryset
        )
        self.message_user(
            request,
            _("Przeniesiono z listy rezerwowej: %(count)d") % {"count": promoted},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Wystaw brakujące zaświadczenia obecnym uczestnikom"),
        permissions=["issue_certificates"],
    )
    def issue_certificates(self, request, queryset):
        issued = 0
        for event in queryset:
            try:
                issued += len(
                    services.certificates_issue_for_event(event=event, actor=request.user)
                )
            except exceptions.EventsError as error:
                self.message_user(request, f"{event}: {error}", messages.ERROR)
        self.message_user(
            request, _("Wystawione zaświadczenia: %(count)d") % {"count": issued}, messages.SUCCESS
        )

    @admin.action(description=_("Pobierz listę obecności (PDF)"), permissions=["attendance_list"])
    def attendance_list_pdf(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Należy wybrać dokładnie jedno wydarzenie."), messages.ERROR
            )
            return None
        from .views import _attendance_pdf_response

        event = queryset.get()
        try:
            services.attendance_list_download_record(event=event, actor=request.user)
        except JobLimitReached as error:
            self.message_user(request, error.message, messages.ERROR)
            return None
        return _attendance_pdf_response(request, event)


class RegistrationResource(FormulaSafeModelResource):
    event_title = fields.Field(attribute="event__title", column_name=_("wydarzenie"))
    first_name = fields.Field(attribute="participant__first_name", column_name=_("imię"))
    last_name = fields.Field(attribute="participant__last_name", column_name=_("nazwisko"))
    email = fields.Field(attribute="participant__email", column_name=_("e-mail"))
    phone = fields.Field(attribute="participant__phone", column_name=_("telefon"))
    organisation_name = fields.Field(attribute="organisation__name", column_name=_("organizacja"))
    status_label = fields.Field(column_name=_("status"))
    created = fields.Field(attribute="created_at", column_name=_("zgłoszono"))
    registered_by_email = fields.Field(
        attribute="registered_by__email", column_name=_("zgłaszający")
    )
    consent_version = fields.Field(
        attribute="consent_text__version", column_name=_("wersja zgody RODO")
    )
    answers_text = fields.Field(column_name=_("odpowiedzi"))

    class Meta:
        model = Registration
        fields = export_order = [
            "id",
            "event_title",
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation_name",
            "status_label",
            "created",
            "registered_by_email",
            "consent_version",
            "answers_text",
        ]

    def dehydrate_status_label(self, registration):
        return str(registration.get_status_display())

    def dehydrate_answers_text(self, registration):
        labels = {str(q.pk): q.label for q in registration.event.questions.all()}
        return "; ".join(
            f"{labels.get(key, key)}: {value}" for key, value in registration.answers.items()
        )


@admin.register(Registration)
class RegistrationAdmin(
    AuditedDeletionAdmin,
    PermissionActionsMixin,
    NoRevertHistoryMixin,
    LimitedExportMixin,
    ExportActionMixin,
    SimpleHistoryAdmin,
):
    resource_classes = [RegistrationResource]
    list_display = [
        "participant",
        "participant_email",
        "organisation",
        "event",
        "status",
        "is_walk_in",
        "created_at",
        "waitlisted_at",
    ]
    list_filter = [
        "status",
        "is_walk_in",
        RecentEventFilter,
        ("event__type", titled_filter(_("rodzaj wydarzenia"))),
        ("organisation__kind", titled_filter(_("rodzaj organizacji"))),
    ]
    search_fields = [
        "participant__email",
        "participant__last_name",
        "organisation__name",
        "event__title",
    ]
    list_select_related = ["participant", "organisation", "event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "event",
        "participant",
        "organisation",
        "registered_by",
        "status",
        "answers_display",
        "consent_text",
        "consented_at",
        "created_at",
        "waitlisted_at",
        "status_changed_at",
        "is_walk_in",
        "workshops",
    ]
    exclude = ["answers", "revision"]

    @admin.display(description=_("warsztaty"))
    def workshops(self, obj):
        places = obj.session_places.select_related("session").order_by("slot__starts_at")
        return ", ".join(place.session.title for place in places) or "–"

    actions = [
        "approve",
        "reject",
        "move_to_waitlist",
        "move_to_confirmed",
        "cancel",
        assign_session,
    ]
    change_list_template = "events/admin/registration_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        event_id = request.GET.get("event__id__exact")
        if event_id and event_id.isdigit():
            event = Event.objects.filter(pk=event_id).first()
            if event is not None:
                extra_context["places_summary"] = selectors.event_places_summary(event=event)
        return super().changelist_view(request, extra_context=extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Personal data leaves the portal here: the audit trail records who took what. The
        # export itself asks events.export_registration (IMPORT_EXPORT_EXPORT_PERMISSION_CODE).
        services.registration_export_record(
            registrations=queryset,
            actor=request.user,
            file_format=file_format.get_title(),
        )
        return super().get_export_data(file_format, request, queryset, **kwargs)

    @admin.display(description=_("e-mail"), ordering="participant__email")
    def participant_email(self, obj):
        return obj.participant.email

    @admin.display(description=_("odpowiedzi"))
    def answers_display(self, obj):
        labels = {str(q.pk): q.label for q in obj.event.questions.all()}
        return format_html(
            "<dl>{}</dl>",
            format_html_join_pairs(
                (labels.get(key, key), value) for key, value in obj.answers.items()
            ),
        )

    def _bulk(self, request, queryset, service, done_message):
        done = 0
        # Oldest first, so a bulk move keeps the waitlist order.
        for registration in queryset.order_by("waitlisted_at", "created_at", "pk"):
            try:
                service(registration=registration, actor=request.user)
                done += 1
            except exceptions.EventsError as error:
                self.message_user(request, f"{registration}: {error}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(
        description=_("Zatwierdź wybrane zgłoszenia"), permissions=["manage_registrations"]
    )
    def approve(self, request, queryset):
        self._bulk(
            request,
            queryset,
            services.registration_approve,
            _("Zatwierdzono zgłoszenia: %(count)d"),
        )

    @admin.action(description=_("Odrzuć wybrane zgłoszenia"), permissions=["manage_registrations"])
    def reject(self, request, queryset):
        self._bulk(
            request, queryset, services.registration_reject, _("Odrzucono zgłoszenia: %(count)d")
        )

    @admin.action(
        description=_("Przenieś na listę rezerwową"), permissions=["manage_registrations"]
    )
    def move_to_waitlist(self, request, queryset):
        self._bulk(
            request,
            queryset,
            services.registration_move_to_waitlist,
            _("Przeniesiono na listę rezerwową: %(count)d"),
        )

    @admin.action(
        description=_("Przenieś z listy rezerwowej na listę uczestników"),
        permissions=["manage_registrations"],
    )
    def move_to_confirmed(self, request, queryset):
        self._bulk(
            request,
            queryset,
            services.registration_move_to_confirmed,
            _("Potwierdzono miejsca: %(count)d"),
        )

    @admin.action(
        description=_("Anuluj wybrane zgłoszenia (powiadomi uczestników)"),
        permissions=["manage_registrations"],
    )
    def cancel(self, request, queryset):
        confirmation = confirm_action(
            self,
            request,
            queryset,
            action="cancel",
            title=_("Anulowanie zgłoszeń"),
            question=_(
                "Czy na pewno anulować te zgłoszenia? Każdy uczestnik dostanie e-mail, że organizator anulował "
                "jego zgłoszenie, a zwolnione miejsca przejdą na osoby z listy rezerwowej."
            ),
            confirm_label=_("Tak, anuluj zgłoszenia"),
        )
        if confirmation is not None:
            return confirmation
        self._bulk(
            request, queryset, services.registration_cancel, _("Anulowano zgłoszenia: %(count)d")
        )
        return None


def format_html_join_pairs(pairs):
    from django.utils.html import format_html_join

    return format_html_join("", "<dt>{}</dt><dd>{}</dd>", pairs)


@admin.register(ConsentText)
class ConsentTextAdmin(AuditedDeletionAdmin, TranslationAdmin):
    list_display = ["version", "is_active", "created_at"]
    list_filter = ["is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.consent_text_create(
            version=obj.version, text=obj.text_pl, text_en=obj.text_en, actor=request.user
        )
        obj.pk, obj.created_at = created.pk, created.created_at
        if not obj.is_active:
            ConsentText.objects.filter(pk=obj.pk).update(is_active=False)

    def get_readonly_fields(self, request, obj=None):
        # A version someone agreed to must never change: add a new version instead.
        if obj is not None and obj.registrations.exists():
            return ["version", "text_pl", "text_en"]
        return []


@admin.register(TargetGroup)
class TargetGroupAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["__str__", "kind"]


# --- after the event ---------------------------------------------------------------------


class ReportPhotoInline(admin.TabularInline):
    """Photos one by one; many at once, and publication, on the report's photo page."""

    model = ReportPhoto
    form = ReportPhotoForm
    extra = 0
    fields = ["position", "image", "alt_text", "caption", "credit", "is_published", "size"]
    # Publication only through report_photos_publish (the photo page), never by a checkbox.
    readonly_fields = ["is_published", "size"]

    @admin.display(description=_("rozmiar"))
    def size(self, obj):
        return f"{obj.width} × {obj.height} px" if obj.pk else "–"


@admin.register(Report)
class ReportAdmin(AuditedDeletionAdmin, PermissionActionsMixin, admin.ModelAdmin):
    list_display = ["title", "event", "is_published", "published_at", "photo_count", "public_link"]
    list_filter = ["is_published"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]
    fields = [
        "event",
        "title",
        "lead",
        "body",
        "is_published",
        "published_at",
        "author",
        "photos_page",
    ]
    # Publication only through the actions (report_publish / report_unpublish), never by a checkbox.
    readonly_fields = ["is_published", "published_at", "author", "photos_page"]
    inlines = [ReportPhotoInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event")
            .annotate(photos_total=Count("photos"))
        )

    @admin.display(description=_("zdjęcia"))
    def photo_count(self, obj):
        return obj.photos_total

    @admin.display(description=_("zdjęcia (wiele naraz)"))
    def photos_page(self, obj):
        if obj is None or obj.pk is None:
            return _("Po zapisaniu relacji można dodać wiele zdjęć naraz.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events:report_photos", args=[obj.event.slug]),
            _("Dodaj wiele zdjęć naraz, opisz je i opublikuj"),
        )

    @admin.display(description=_("na stronie"))
    def public_link(self, obj):
        return format_html('<a href="{}#relacja">{}</a>', obj.event.get_absolute_url(), _("zobacz"))

    def save_model(self, request, obj, form, change):
        services.report_save(
            report=obj,
            actor=request.user,
            created=not change,
            changed_fields=list(form.changed_data),
        )

    @admin.action(description=_("Opublikuj wybrane relacje"), permissions=["publish_report"])
    def publish(self, request, queryset):
        for report in queryset:
            services.report_publish(report=report, actor=request.user)
        self.message_user(
            request,
            _("Opublikowano relacje: %(count)d") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Wycofaj publikację wybranych relacji"), permissions=["publish_report"]
    )
    def unpublish(self, request, queryset):
        for report in queryset:
            services.report_unpublish(report=report, actor=request.user)
        self.message_user(
            request,
            _("Wycofano relacje: %(count)d") % {"count": queryset.count()},
            messages.SUCCESS,
        )


class PostulateResource(FormulaSafeModelResource):
    event_title = fields.Field(attribute="event__title", column_name=_("wydarzenie"))
    event_date = fields.Field(column_name=_("data wydarzenia"))
    topic_label = fields.Field(column_name=_("obszar"))
    text = fields.Field(attribute="text", column_name=_("treść postulatu"))
    addressee = fields.Field(attribute="addressee", column_name=_("adresat"))
    status_label = fields.Field(column_name=_("status"))
    forwarded_on = fields.Field(attribute="forwarded_on", column_name=_("przekazano dnia"))
    decided_on = fields.Field(attribute="decided_on", column_name=_("data odpowiedzi"))
    decision_note = fields.Field(
        attribute="decision_note", column_name=_("uwagi / odpowiedź adresata")
    )

    class Meta:
        model = Postulate
        fields = export_order = [
            "id",
            "event_title",
            "event_date",
            "topic_label",
            "text",
            "addressee",
            "status_label",
            "forwarded_on",
            "decided_on",
            "decision_note",
        ]

    def dehydrate_event_date(self, postulate):
        return timezone.localdate(postulate.event.starts_at).isoformat()

    def dehydrate_topic_label(self, postulate):
        return str(postulate.get_topic_display())

    def dehydrate_status_label(self, postulate):
        return str(postulate.get_status_display())


@admin.register(Institution)
class InstitutionAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    """The maintained list of institutions postulates are addressed to."""

    list_display = ["name", "short_name", "is_active", "postulate_count", "register_link"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(postulates_total=Count("postulates"))

    @admin.display(description=_("postulaty"))
    def postulate_count(self, obj):
        return obj.postulates_total

    @admin.display(description=_("rejestr"))
    def register_link(self, obj):
        return format_html(
            '<a href="{}?adresat={}">{}</a>',
            reverse("events:postulate_register"),
            obj.pk,
            _("postulaty w rejestrze"),
        )

    def save_model(self, request, obj, form, change):
        postulate_register.institution_save(
            institution=obj,
            actor=request.user,
            created=not change,
            changed_fields=list(form.changed_data),
        )


@admin.register(Postulate)
class PostulateAdmin(AuditedDeletionAdmin, ExportActionMixin, SimpleHistoryAdmin):
    resource_classes = [PostulateResource]
    form = PostulateForm
    list_display = [
        "short_text",
        "event",
        "topic",
        "addressee",
        "status",
        "forwarded_on",
        "decided_on",
    ]
    list_filter = [
        "status",
        "topic",
        ("institution", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "addressee", "event__title", "decision_note"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]

    def get_fields(self, request, obj=None):
        return ["event", *PostulateForm.Meta.fields]

    change_list_template = "admin/events/postulate/change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "postulate_register_url": reverse("events:postulate_register"),
        }
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description=_("postulat"))
    def short_text(self, obj):
        return str(obj)


@admin.register(Material)
class MaterialAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    form = MaterialForm
    list_display = ["title", "event", "visibility", "file_type", "file_size", "created_at"]
    list_filter = ["visibility", "file_type"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]

    def get_fields(self, request, obj=None):
        return ["event", *MaterialForm.Meta.fields]

    def save_model(self, request, obj, form, change):
        if obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Attendance)
class AttendanceAdmin(AuditedDeletionAdmin, NoRevertHistoryMixin, SimpleHistoryAdmin):
    list_display = ["registration", "day", "is_present", "marked_at", "marked_by"]
    list_filter = ["is_present", "registration__event"]
    search_fields = ["registration__participant__last_name", "registration__participant__email"]
    list_select_related = ["registration__participant", "registration__event", "marked_by"]
    readonly_fields = ["registration", "day", "is_present", "marked_at", "marked_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Certificate)
class CertificateAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["number", "registration", "issued_at", "download_link"]
    search_fields = ["number", "registration__participant__last_name", "registration__event__title"]
    list_select_related = ["registration__participant", "registration__event"]
    readonly_fields = ["number", "registration", "issued_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("PDF"))
    def download_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events:certificate_download", args=[obj.registration_id]),
            _("pobierz"),
        )
