"""The regional cooperation platform: working groups, their meetings, documents and tasks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partners.models import Organisation


class WorkingGroup(models.Model):
    """A platform, partnership, convention (e.g. Konwent OPS) or thematic team that meets regularly."""

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("platforma współpracy")
        PARTNERSHIP = "partnership", _("partnerstwo")
        CONVENTION = "convention", _("konwent")
        THEMATIC_TEAM = "thematic", _("zespół tematyczny")

    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nazwa"), max_length=250)
    description = models.TextField(_("opis"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinated_groups",
        verbose_name=_("koordynator"),
    )
    starts_on = models.DateField(_("początek działania"), default=timezone.localdate)
    ends_on = models.DateField(_("koniec działania"), null=True, blank=True)
    is_public = models.BooleanField(
        _("strona publiczna"), default=False,
        help_text=_("Opis, spotkania i zweryfikowane organizacje członkowskie widzą wszyscy odwiedzający."),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("grupa robocza")
        verbose_name_plural = _("grupy robocze")
        ordering = ["name"]
        permissions = [
            ("view_any_group", _("Może przeglądać wszystkie grupy robocze")),
            ("manage_group", _("Może zarządzać grupami roboczymi (członkowie, zadania, dokumenty)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_group_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:group_detail", args=[self.pk])


class GroupMember(models.Model):
    """An organisation taking part in a group, with the people it delegates."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("grupa"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="working_group_memberships", verbose_name=_("organizacja")
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="group_delegations", verbose_name=_("delegaci")
    )
    joined_on = models.DateField(_("od"), default=timezone.localdate)

    class Meta:
        verbose_name = _("organizacja członkowska")
        verbose_name_plural = _("organizacje członkowskie")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organisation"], name="cooperation_member_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.group}"


class GroupMeeting(models.Model):
    """An event of the events app held as a meeting of the group, with its minutes and decisions."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("grupa"))
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="group_meetings", verbose_name=_("wydarzenie"))
    minutes = models.TextField(_("protokół"), blank=True)
    decisions = models.TextField(_("ustalenia i decyzje"), blank=True)

    class Meta:
        verbose_name = _("spotkanie grupy")
        verbose_name_plural = _("spotkania grup")
        ordering = ["-event__starts_at"]
        constraints = [models.UniqueConstraint(fields=["group", "event"], name="cooperation_meeting_once")]

    def __str__(self) -> str:
        return f"{self.group}: {self.event}"


class GroupDocument(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents", verbose_name=_("grupa"))
    title = models.CharField(_("tytuł"), max_length=250)
    file = models.FileField(_("plik"), upload_to="cooperation/documents/")
    file_type = models.CharField(_("typ pliku"), max_length=10, blank=True)
    file_size = models.PositiveIntegerField(_("rozmiar"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("dodał(a)")
    )
    uploaded_at = models.DateTimeField(_("dodano"), default=timezone.now)

    class Meta:
        verbose_name = _("dokument grupy")
        verbose_name_plural = _("dokumenty grup")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:document_download", args=[self.group_id, self.pk])


class GroupTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("otwarte")
        IN_PROGRESS = "in_progress", _("w realizacji")
        DONE = "done", _("zakończone")

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("grupa"))
    title = models.CharField(_("zadanie"), max_length=300)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="group_tasks", verbose_name=_("organizacja odpowiedzialna")
    )
    deadline = models.DateField(_("termin"))
    status = models.CharField(_("stan"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("dodał(a)")
    )
    created_at = models.DateTimeField(_("dodano"), default=timezone.now)

    class Meta:
        verbose_name = _("zadanie grupy")
        verbose_name_plural = _("zadania grup")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.DONE and self.deadline < timezone.localdate()
