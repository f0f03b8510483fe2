"""Staff manage groups and their meetings here; every save goes through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.admin_deletion import AuditedDeletionAdmin

from . import services
from .exceptions import CooperationError
from .models import (
    ActionPlan,
    GroupMeeting,
    GroupMember,
    GroupTask,
    PlanAction,
    PlanMeasure,
    PlanPriority,
    Question,
    Survey,
    SurveyResponse,
    SurveySection,
    WorkingGroup,
)


class MeetingInline(admin.StackedInline):
    model = GroupMeeting
    extra = 0
    autocomplete_fields = ["event"]
    fields = ["event", "minutes", "decisions"]


class MemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    fields = ["organisation", "joined_on"]
    readonly_fields = ["organisation", "joined_on"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TaskInline(admin.TabularInline):
    model = GroupTask
    extra = 0
    fields = ["title", "owner", "deadline", "status"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "coordinator", "starts_on", "ends_on", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name"]
    autocomplete_fields = ["coordinator"]
    readonly_fields = ["created_at"]
    inlines = [MemberInline, MeetingInline, TaskInline]

    def save_model(self, request, obj, form, change):
        try:
            services.group_save(group=obj, actor=request.user)
        except CooperationError as error:
            raise ValidationError(error.message) from error

    def save_formset(self, request, form, formset, change):
        if formset.model is not GroupMeeting:
            return
        for meeting in formset.save(commit=False):
            try:
                services.meeting_save(meeting=meeting, actor=request.user)
            except CooperationError as error:
                messages.error(request, error.message)
        for meeting in formset.deleted_objects:
            services.meeting_delete(meeting=meeting, actor=request.user)


class SectionInline(admin.TabularInline):
    model = SurveySection
    extra = 1
    fields = ["title", "position"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["title", "status", "deadline", "sent_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    readonly_fields = ["status", "sent_at", "deadline", "copied_from", "created_by", "created_at"]
    fields = ["title", "description", *readonly_fields]
    inlines = [SectionInline]

    def save_model(self, request, obj, form, change):
        services.survey_save(survey=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        services.survey_sections_save(
            survey=form.instance,
            sections=formset.save(commit=False),
            deleted=formset.deleted_objects,
            actor=request.user,
        )


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = [("text", "kind", "required"), "help_text", "choices", "position"]


@admin.register(SurveySection)
class SurveySectionAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["title", "survey", "position"]
    list_filter = ["survey"]
    inlines = [QuestionInline]

    def save_formset(self, request, form, formset, change):
        questions = formset.save(commit=False)
        try:
            services.survey_questions_save(
                section=form.instance,
                questions=questions,
                deleted=formset.deleted_objects,
                actor=request.user,
            )
        except CooperationError as error:
            messages.error(request, error.message)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["survey", "organisation", "status", "submitted_at", "submitted_by"]
    list_filter = ["survey", "status"]
    readonly_fields = [field.name for field in SurveyResponse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ThroughServices(AuditedDeletionAdmin, admin.ModelAdmin):
    """Plan items and their inline children are stored and deleted by the services (audited)."""

    def save_model(self, request, obj, form, change):
        try:
            services.plan_item_save(item=obj, actor=request.user)
        except CooperationError as error:
            raise ValidationError(error.message) from error

    def delete_model(self, request, obj):
        services.plan_item_delete(item=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            try:
                services.plan_item_save(item=item, actor=request.user)
            except CooperationError as error:
                messages.error(request, error.message)
        for item in formset.deleted_objects:
            services.plan_item_delete(item=item, actor=request.user)


class PriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 1
    show_change_link = True


class MeasureInline(admin.TabularInline):
    model = PlanMeasure
    extra = 1
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(_ThroughServices):
    list_display = ["title", "starts_on", "ends_on"]
    inlines = [PriorityInline]


@admin.register(PlanPriority)
class PlanPriorityAdmin(_ThroughServices):
    list_display = ["title", "plan", "position"]
    inlines = [MeasureInline]


def _status_action(status, label):
    def set_status(modeladmin, request, queryset):
        for action in queryset:
            services.plan_action_status_set(action=action, status=status, actor=request.user)
        modeladmin.message_user(request, _("Zmieniono stan zaznaczonych zadań planu."))

    set_status.__name__ = f"set_status_{status}"
    set_status.short_description = label
    set_status.allowed_permissions = ("change",)
    return set_status


@admin.register(PlanAction)
class PlanActionAdmin(_ThroughServices):
    list_display = ["title", "measure", "starts_on", "ends_on", "status"]
    list_filter = ["status", "measure__priority__plan"]
    search_fields = ["title"]
    autocomplete_fields = ["organisations", "events", "indicators", "surveys"]
    filter_horizontal = ["advisory_cases"]
    # The status changes only through the actions below (service + audit), never in the form.
    readonly_fields = ["status"]
    actions = [
        _status_action(PlanAction.Status.IN_PROGRESS, _("Oznacz jako: w realizacji")),
        _status_action(PlanAction.Status.DONE, _("Oznacz jako: zrealizowane")),
        _status_action(PlanAction.Status.CANCELLED, _("Oznacz jako: zaniechane")),
        _status_action(PlanAction.Status.PLANNED, _("Oznacz jako: zaplanowane")),
    ]

    def save_related(self, request, form, formsets, change):
        """The links are set by the service, which records what changed and who changed it."""
        services.plan_action_links_set(
            action=form.instance,
            links={name: form.cleaned_data.get(name, []) for name in services.PLAN_ACTION_LINKS},
            actor=request.user,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
