"""Staff manage groups and their meetings here; every save goes through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .exceptions import CooperationError
from .models import GroupMeeting, GroupMember, GroupTask, WorkingGroup


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
class WorkingGroupAdmin(admin.ModelAdmin):
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
