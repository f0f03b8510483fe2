"""ROPS staff keep the partner registry here: search, filters, history, CSV/XLSX import and export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.exports import LimitedExportMixin

from . import services
from .exceptions import PartnersError, TercImportError
from .forms import TercUploadForm
from .models import (
    ContactPerson,
    Cooperation,
    Membership,
    Organisation,
    OrganisationStatus,
    PolishCollate,
    Subregion,
    Tag,
    TerritorialUnit,
)
from .resources import IMPORT_FORMATS, OrganisationResource
from .selectors import organisation_find_likely_duplicates


class RegistryServiceAdmin(admin.ModelAdmin):
    """Saves and deletions go through partners.services, so each has its author in the audit trail."""

    def changelist_view(self, request, extra_context=None):
        # An action the user may not run is refused outright (Django would only redirect back).
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        services.registry_object_save(
            obj=obj, actor=request.user, created=not change, changed_fields=form.changed_data
        )

    def delete_model(self, request, obj):
        services.registry_object_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.registry_object_delete(obj=obj, actor=request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Powiats and gminas in Polish alphabetical order ("słupski" before "sztumski").
        if db_field.related_model is TerritorialUnit and "queryset" not in kwargs:
            kwargs["queryset"] = TerritorialUnit.objects.complex_filter(
                db_field.get_limit_choices_to()
            ).order_by(PolishCollate("name"), "teryt")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.registry_object_delete(obj=obj, actor=request.user)
        for obj in formset.new_objects:
            services.registry_object_save(obj=obj, actor=request.user, created=True)
        for obj, changed in formset.changed_objects:
            services.registry_object_save(
                obj=obj, actor=request.user, created=False, changed_fields=changed
            )
        formset.save_m2m()


@admin.register(TerritorialUnit)
class TerritorialUnitAdmin(RegistryServiceAdmin):
    list_display = ("teryt", "name", "level", "kind_name", "parent", "is_active", "valid_as_of")
    list_filter = ("level", "is_active", "kind_code")
    search_fields = ("teryt", "name")
    list_select_related = ("parent",)
    ordering = ("teryt",)
    change_list_template = "partners/admin/territorialunit_change_list.html"

    def get_urls(self):
        return [
            path(
                "import-terc/",
                self.admin_site.admin_view(self.import_terc_view),
                name="partners_territorialunit_import_terc",
            ),
            *super().get_urls(),
        ]

    def import_terc_view(self, request):
        """Upload the GUS TERC file: the same import as `manage.py import_teryt`."""
        if not request.user.has_perm("partners.import_terc"):
            raise PermissionDenied
        form = TercUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
        if request.method == "POST" and form.is_valid():
            try:
                result = services.territory_import_terc(
                    data=form.cleaned_data["file"].read(), actor=request.user
                )
            except TercImportError as error:
                form.add_error(
                    "file", _("%(error)s Nic nie zostało zapisane.") % {"error": error.message}
                )
            except PartnersError as error:
                raise PermissionDenied(error.message) from error
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return redirect("admin:partners_territorialunit_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import rejestru TERC"),
            "form": form,
        }
        return TemplateResponse(request, "partners/admin/terc_import.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_terc": request.user.has_perm("partners.import_terc"),
        }
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Units are marked inactive by the TERC import, never deleted: organisations refer to them.
        return False


@admin.register(Subregion)
class SubregionAdmin(RegistryServiceAdmin):
    list_display = ("name", "powiat_list")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("powiats",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("powiats")

    @admin.display(description=_("powiaty"))
    def powiat_list(self, obj):
        return ", ".join(p.name for p in obj.powiat_list())


@admin.register(Tag)
class TagAdmin(RegistryServiceAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class SubregionListFilter(admin.SimpleListFilter):
    title = _("subregion")
    parameter_name = "subregion"

    def lookups(self, request, model_admin):
        return [(s.pk, s.name) for s in Subregion.objects.order_by(PolishCollate("name"))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Q(seat_gmina__parent__subregions=self.value()) | Q(served_subregion=self.value())
            ).distinct()
        return queryset


class PowiatListFilter(admin.SimpleListFilter):
    title = _("powiat siedziby")
    parameter_name = "powiat"

    def lookups(self, request, model_admin):
        powiats = TerritorialUnit.objects.filter(level=TerritorialUnit.Level.POWIAT, is_active=True)
        return [(p.pk, str(p)) for p in powiats.order_by(PolishCollate("name"), "teryt")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(seat_gmina__parent=self.value())
        return queryset


class CurrentStatusListFilter(admin.SimpleListFilter):
    title = _("aktualny status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return OrganisationStatus.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            today = timezone.localdate()
            return queryset.filter(
                Q(statuses__valid_until__isnull=True) | Q(statuses__valid_until__gte=today),
                statuses__kind=self.value(),
                statuses__valid_from__lte=today,
            ).distinct()
        return queryset


class OrganisationAdminForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("Zapisz mimo podobnej organizacji"),
        required=False,
        help_text=_(
            "Zaznacz, jeśli to na pewno inna organizacja niż ta o tej samej nazwie w tej samej gminie."
        ),
    )

    class Meta:
        model = Organisation
        fields = (
            "kind",
            "legal_form",
            "jst_type",
            "name",
            "short_name",
            "seat_gmina",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
            "website",
            "nip",
            "regon",
            "krs",
            "is_public",
            "is_verified",
            "description",
            "tags",
            "served_subregion",
            "served_powiats",
        )

    def clean(self):
        cleaned = super().clean()
        duplicates = organisation_find_likely_duplicates(
            name=cleaned.get("name", ""),
            seat_gmina=cleaned.get("seat_gmina"),
            exclude_pk=self.instance.pk,
        )
        if duplicates.exists() and not cleaned.get("confirm_duplicate"):
            names = "; ".join(f"{o.name} (id {o.pk}, NIP {o.nip or '–'})" for o in duplicates[:5])
            raise forms.ValidationError(
                _(
                    "W tej gminie jest już organizacja o tej samej nazwie: %(names)s. Prosimy sprawdzić, czy to nie duplikat; "
                    "jeśli to inna organizacja, należy zaznaczyć „Zapisz mimo podobnej organizacji”."
                )
                % {"names": names},
                code="likely_duplicate",
            )
        return cleaned


class OrganisationStatusInline(admin.TabularInline):
    model = OrganisationStatus
    extra = 0
    fields = ("kind", "decision_number", "issued_by", "valid_from", "valid_until", "note")


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0
    fields = ("first_name", "last_name", "role", "email", "phone", "user", "is_public")
    raw_id_fields = ("user",)


class MembershipInline(admin.TabularInline):
    """Read-only: requests are decided in Członkostwa with the actions that notify the person."""

    model = Membership
    extra = 0
    fields = ("user", "role", "status", "position", "requested_at", "decided_at", "decided_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CooperationInline(admin.TabularInline):
    model = Cooperation
    fk_name = "source"
    extra = 0
    fields = ("kind", "target", "started_on", "ended_on", "note")
    raw_id_fields = ("target",)
    verbose_name = _("współpraca z inną organizacją")
    verbose_name_plural = _("współpraca z innymi organizacjami")


@admin.register(Organisation)
class OrganisationAdmin(
    RegistryServiceAdmin, LimitedExportMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    form = OrganisationAdminForm
    readonly_fields = ("is_verified",)
    actions = ["verify_selected"]
    resource_classes = [OrganisationResource]
    formats = IMPORT_FORMATS
    list_display = (
        "name",
        "kind",
        "kind_detail",
        "seat_gmina",
        "nip",
        "regon",
        "is_public",
        "is_verified",
    )
    list_filter = (
        "kind",
        SubregionListFilter,
        PowiatListFilter,
        CurrentStatusListFilter,
        "legal_form",
        "jst_type",
        "is_public",
        "is_verified",
        "tags",
    )
    search_fields = ("name", "short_name", "nip", "regon", "krs", "city", "email")
    list_select_related = ("seat_gmina",)
    autocomplete_fields = ("seat_gmina",)
    filter_horizontal = ("served_powiats", "tags")
    inlines = [OrganisationStatusInline, ContactPersonInline, MembershipInline, CooperationInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "legal_form",
                    "jst_type",
                    "name",
                    "short_name",
                    "confirm_duplicate",
                )
            },
        ),
        (
            _("Siedziba i kontakt"),
            {
                "fields": (
                    "seat_gmina",
                    "street",
                    "postal_code",
                    "city",
                    "email",
                    "phone",
                    "website",
                )
            },
        ),
        (_("Identyfikatory"), {"fields": ("nip", "regon", "krs")}),
        (_("Katalog publiczny"), {"fields": ("is_public", "is_verified", "description", "tags")}),
        (_("Obszar działania OWES"), {"fields": ("served_subregion", "served_powiats")}),
    )

    @admin.display(description=_("forma / typ"))
    def kind_detail(self, obj):
        return obj.get_legal_form_display() or obj.get_jst_type_display() or "–"

    def has_verify_permission(self, request):
        return request.user.has_perm("partners.verify_organisation")

    @admin.action(description=_("Zweryfikuj zaznaczone organizacje"), permissions=["verify"])
    def verify_selected(self, request, queryset):
        done, failed = 0, []
        for organisation in queryset:
            try:
                services.organisation_verify(organisation=organisation, actor=request.user)
                done += 1
            except PartnersError as error:
                failed.append(f"{organisation}: {error.message}")
        if done:
            self.message_user(
                request,
                _("Zweryfikowano organizacje: %(count)d.") % {"count": done},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request, format_html_join("", "<br>{}", ((f,) for f in failed)), messages.WARNING
            )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        with transaction.atomic():
            data = super().get_export_data(file_format, request, queryset, **kwargs)
            try:
                services.organisation_export_record(
                    actor=request.user, count=queryset.count(), file_format=file_format.get_title()
                )
            except PartnersError as error:
                raise PermissionDenied(error.message) from error
        return data

    def process_dataset(self, dataset, form, request, **kwargs):
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)
            if not (result.has_errors() or result.has_validation_errors()):
                services.organisation_import_record(
                    actor=request.user,
                    totals={key: value for key, value in result.totals.items() if value},
                    file_name=form.cleaned_data.get("original_file_name", ""),
                )
        return result


@admin.register(OrganisationStatus)
class OrganisationStatusAdmin(RegistryServiceAdmin, SimpleHistoryAdmin):
    list_display = ("organisation", "kind", "decision_number", "valid_from", "valid_until")
    list_filter = ("kind",)
    search_fields = ("organisation__name", "decision_number")
    raw_id_fields = ("organisation",)


@admin.register(ContactPerson)
class ContactPersonAdmin(RegistryServiceAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "organisation", "role", "email", "phone", "user", "is_public")
    search_fields = ("first_name", "last_name", "email", "organisation__name")
    raw_id_fields = ("organisation", "user")


@admin.register(Cooperation)
class CooperationAdmin(RegistryServiceAdmin, SimpleHistoryAdmin):
    list_display = ("source", "kind", "target", "started_on", "ended_on")
    list_filter = ("kind", "tags")
    search_fields = ("source__name", "target__name", "note")
    raw_id_fields = ("source", "target")
    filter_horizontal = ("tags",)


@admin.register(Membership)
class MembershipAdmin(RegistryServiceAdmin, SimpleHistoryAdmin):
    list_display = (
        "user",
        "organisation",
        "role",
        "status",
        "position",
        "requested_at",
        "decided_by",
    )
    list_filter = ("status", "role", "organisation__kind")
    search_fields = ("user__email", "user__last_name", "organisation__name")
    raw_id_fields = ("user", "organisation")
    # The status changes only through the actions below, which record the decider and notify.
    readonly_fields = ("status", "requested_at", "decided_at", "decided_by", "decision_note")
    actions = ["approve_selected", "reject_selected"]
    list_select_related = ("user", "organisation", "decided_by")

    def has_decide_permission(self, request):
        return request.user.has_perm("partners.decide_membership")

    def _decide(self, request, queryset, service):
        done, failed = 0, []
        for membership in queryset:
            try:
                service(membership=membership, actor=request.user)
                done += 1
            except PartnersError as error:
                failed.append(f"{membership}: {error.message}")
        if done:
            self.message_user(
                request, _("Rozpatrzono prośby: %(count)d.") % {"count": done}, messages.SUCCESS
            )
        if failed:
            self.message_user(
                request, format_html_join("", "<br>{}", ((f,) for f in failed)), messages.WARNING
            )

    @admin.action(
        description=_("Zatwierdź zaznaczone prośby (i zweryfikuj nowe organizacje)"),
        permissions=["decide"],
    )
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, services.membership_approve)

    @admin.action(description=_("Odrzuć zaznaczone prośby"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, services.membership_reject)
