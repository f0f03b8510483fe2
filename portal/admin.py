from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import services, signin
from .admin_deletion import AuditedDeletionAdmin
from .forms import NewsAttachmentForm, NewsItemForm, RegionForm
from .models import (
    AuditLogEntry,
    ContactMessage,
    FundingProject,
    NewsAttachment,
    NewsItem,
    NewsTag,
    OutboundEmail,
    Page,
    Region,
    User,
)


@admin.register(User)
class UserAdmin(AuditedDeletionAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Dane osobowe"), {"fields": ("first_name", "last_name", "phone", "position")}),
        (
            _("Uprawnienia"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Daty"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["lift_signin_delay", "reset_second_factor"]

    @admin.action(
        description=_("Zdejmij spowolnienie logowania po nieudanych próbach"),
        permissions=["change"],
    )
    def lift_signin_delay(self, request, queryset):
        users = list(queryset)
        for user in users:
            signin.user_signin_delay_lift(user=user, actor=request.user)
        self.message_user(
            request,
            _("Zdjęto spowolnienie logowania kont: %(count)d.") % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Usuń drugi składnik logowania (po utracie telefonu lub klucza)"),
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        from .mfa import second_factor_reset

        for user in queryset:
            second_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            _(
                "Usunięto drugi składnik logowania wybranych kont (%(count)s). Przy następnym "
                "logowaniu osoby te włączą go ponownie, potwierdzając adres e-mail kodem."
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @staticmethod
    def _access(user) -> dict:
        return {
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "is_active": user.is_active,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def save_model(self, request, obj, form, change):
        request._access_before = self._access(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_access_record(
            user=form.instance,
            actor=request.user,
            before=getattr(request, "_access_before", {}),
            after=self._access(form.instance),
        )


@admin.register(Region)
class RegionAdmin(AuditedDeletionAdmin, TranslationAdmin):
    form = RegionForm
    list_display = ["name", "centre_name", "site"]


@admin.register(FundingProject)
class FundingProjectAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["title", "programme", "measure", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "programme"]


@admin.register(Page)
class PageAdmin(AuditedDeletionAdmin, TranslationAdmin):
    list_display = ["title", "slug", "site", "published_on", "content_updated_on", "updated_at"]
    fields = ["site", "title", "slug", "published_on", "content_updated_on", "body"]
    prepopulated_fields = {"slug": ["title"]}


class NewsAttachmentInline(admin.TabularInline):
    model = NewsAttachment
    form = NewsAttachmentForm
    extra = 1
    fields = ["position", "title", "file", "file_type", "file_size"]
    readonly_fields = ["file_type", "file_size"]


@admin.register(NewsTag)
class NewsTagAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(NewsItem)
class NewsItemAdmin(AuditedDeletionAdmin, TranslationAdmin):
    form = NewsItemForm
    list_display = ["title", "published_at", "is_published"]
    list_filter = ["is_published", "tags"]
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    fieldsets = [
        (None, {"fields": ["site", "title", "slug", "lead", "body"]}),
        (_("Zdjęcie główne"), {"fields": ["image", "image_alt"]}),
        (_("Publikacja"), {"fields": ["is_published", "published_at"]}),
        (_("Tagi i wydarzenie"), {"fields": ["tags", "event"]}),
    ]
    autocomplete_fields = ["event"]
    inlines = [NewsAttachmentInline]


@admin.register(ContactMessage)
class ContactMessageAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    """Messages from the public contact form: a record to read, never edited."""

    list_display = ["created_at", "name", "email", "subject", "recipient"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "name", "email", "subject", "message", "recipient"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(AuditedDeletionAdmin, admin.ModelAdmin):
    list_display = ["to", "subject", "created_at", "sent_at", "attempts"]
    list_filter = ["sent_at"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["send_now"]

    def has_resend_permission(self, request):
        return request.user.has_perm("portal.resend_outboundemail")

    @admin.action(description=_("Wyślij zaległe teraz"), permissions=["resend"])
    def send_now(self, request, queryset):
        sent = sum(
            services.outbox_deliver(email_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request, _("Wysłano wiadomości: %(count)d") % {"count": sent}, messages.SUCCESS
        )

    def has_add_permission(self, request):
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only for everybody: the trail is written by the services, never edited by hand."""

    list_display = ["created_at", "actor_label", "action", "object_repr", "summary"]
    list_filter = ["action", "content_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "object_repr", "summary", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _register_audited_deletion(model, admin_class) -> None:
    """Register a package's own ModelAdmin again with audited deletions.

    Importing the package's admin module here (portal comes before those apps, so its admin
    module is imported first) registers the original, which is then replaced.
    """
    admin.site.unregister(model)
    admin.site.register(model, type(admin_class.__name__, (AuditedDeletionAdmin, admin_class), {}))


def _register_package_admins() -> None:
    from allauth.account.admin import EmailAddressAdmin
    from allauth.account.models import EmailAddress
    from allauth.mfa.admin import AuthenticatorAdmin
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.admin import GroupAdmin
    from django.contrib.auth.models import Group
    from django.contrib.sites.admin import SiteAdmin
    from django.contrib.sites.models import Site

    for model, admin_class in (
        (Group, GroupAdmin),
        (Site, SiteAdmin),
        (EmailAddress, EmailAddressAdmin),
        (Authenticator, AuthenticatorAdmin),
    ):
        _register_audited_deletion(model, admin_class)


_register_package_admins()
