from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_deletion import AuditedDeletionAdmin

from . import metrics, services
from .forms import IndicatorAdminForm
from .models import GeneratedReport, Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = [
        "name",
        "funding_project",
        "metric",
        "target_value",
        "unit",
        "target_date",
        "current_value",
    ]
    list_filter = ["funding_project", "metric"]
    search_fields = ["name"]
    list_select_related = ["funding_project", "subregion"]
    fieldsets = (
        (None, {"fields": ("funding_project", "name", "unit", "position")}),
        (_("Cel"), {"fields": ("target_value", "target_date", "counted_from")}),
        (
            _("Co jest liczone"),
            {
                "fields": ("metric", "event_type", "partner_kind", "subregion"),
                "description": _(
                    "Zasady liczenia opisuje dokumentacja (docs/reporting.md): osoby liczone są raz, "
                    "nawet jeśli uczestniczyły w wielu wydarzeniach."
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        services.indicator_save(
            indicator=obj, actor=request.user, created=not change, changed_fields=form.changed_data
        )

    def delete_model(self, request, obj):
        services.indicator_delete(indicator=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for indicator in queryset:
            services.indicator_delete(indicator=indicator, actor=request.user)

    @admin.display(description=_("wartość do dziś"))
    def current_value(self, obj):
        progress = metrics.indicator_progress(obj)
        return f"{progress.value.normalize()} ({progress.percent}%)"


@admin.register(GeneratedReport)
class GeneratedReportAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = [
        "kind",
        "period_start",
        "period_end",
        "funding_project",
        "status",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in GeneratedReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
