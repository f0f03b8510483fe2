"""Writes of the portal app: the e-mail outbox every app sends through."""

import base64
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import audit_record
from .links import site_url
from .models import AuditLogEntry, OutboundEmail

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 5


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content: bytes
    mimetype: str


def _render_bodies(template: str, context: dict | None) -> tuple[str, str]:
    # Templates write links as {{ site_url }}{% url ... %}; site_url comes from portal.links.
    context = {**(context or {}), "site_url": site_url()}
    body_text = render_to_string(f"email/{template}.txt", context).strip() + "\n"
    try:
        body_html = render_to_string(f"email/{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    return body_text, body_html


def _stored_attachments(attachments: Iterable[EmailAttachment]) -> list[dict]:
    return [
        {
            "filename": attachment.filename,
            "mimetype": attachment.mimetype,
            "content_b64": base64.b64encode(attachment.content).decode("ascii"),
        }
        for attachment in attachments
    ]


def email_build(
    *,
    to: str,
    subject: str,
    template: str | None = None,
    context: dict | None = None,
    body_text: str | None = None,
    body_html: str = "",
    dedup_key: str | None = None,
    attachments: Iterable[EmailAttachment] = (),
    due_at: datetime | None = None,
) -> OutboundEmail:
    """Render an e-mail into an unsaved outbox row (for email_enqueue and bulk creation)."""
    if template is not None:
        body_text, body_html = _render_bodies(template, context)
    if body_text is None:
        raise ValueError("Either template or body_text is required.")
    return OutboundEmail(
        dedup_key=dedup_key or f"once:{uuid.uuid4()}",
        to=to,
        subject=" ".join(subject.split())[:255],
        body_text=body_text,
        body_html=body_html,
        attachments=_stored_attachments(attachments),
        due_at=due_at or timezone.now(),
    )


# --- e-mails rendered when they are sent ------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    """What a renderer returns: the template, its context and the attachments."""

    template: str
    context: dict
    attachments: Iterable[EmailAttachment] = ()


EMAIL_RENDERERS: dict[str, Callable[..., RenderedEmail]] = {}


def email_renderer(name: str):
    """Register a function that renders the body of deferred e-mails called ``name``.

    ``name`` is ``"<app>.<what>"``; the app's ``services`` module registers it, and is imported
    by name when a worker meets it first.
    """

    def register(function):
        EMAIL_RENDERERS[name] = function
        return function

    return register


def _renderer(name: str) -> Callable[..., RenderedEmail]:
    if name not in EMAIL_RENDERERS:
        import_module(f"{name.split('.', 1)[0]}.services")
    return EMAIL_RENDERERS[name]


def email_enqueue_deferred(
    *,
    to: str,
    subject: str,
    renderer: str,
    render_args: dict,
    dedup_key: str,
    due_at: datetime | None = None,
) -> int | None:
    """Store an e-mail whose body the worker renders when it sends it: one INSERT, no rendering.

    For e-mails decided under a lock (a registration holds the event's row): the row is part
    of the caller's transaction, so it exists exactly when the decision was committed, and the
    dedup key stores it at most once. ``render_args`` must be JSON (primary keys, not objects);
    the active language is kept for rendering. Returns the new row's id, or None when an
    e-mail with this key exists already.
    """
    table = connection.ops.quote_name(OutboundEmail._meta.db_table)
    now = timezone.now()
    due_at = due_at or now
    args = {**render_args, "language": translation.get_language()}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (dedup_key, {connection.ops.quote_name('to')}, subject, "
            "body_text, body_html, attachments, created_at, due_at, attempts, last_error, "
            "renderer, render_args) "
            "VALUES (%s, %s, %s, '', '', '[]'::jsonb, %s, %s, 0, '', %s, %s::jsonb) "
            "ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
            [
                dedup_key,
                to,
                " ".join(subject.split())[:255],
                now,
                due_at,
                renderer,
                json.dumps(args, cls=DjangoJSONEncoder),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    if due_at <= now:
        from .tasks import enqueue_on_commit, outbox_send

        enqueue_on_commit(outbox_send, row[0])
    return row[0]


def email_build_deferred(
    *,
    to: str,
    subject: str,
    renderer: str,
    render_args: dict,
    dedup_key: str,
    due_at: datetime | None = None,
) -> OutboundEmail:
    """An unsaved outbox row rendered when it is sent (for ``emails_bulk_create``)."""
    return OutboundEmail(
        dedup_key=dedup_key,
        to=to,
        subject=" ".join(subject.split())[:255],
        body_text="",
        renderer=renderer,
        render_args={**render_args, "language": translation.get_language()},
        due_at=due_at or timezone.now(),
    )


def _outbox_render(email: OutboundEmail) -> None:
    """Render the body of a deferred e-mail (in the sending worker) and store it on the row."""
    args = dict(email.render_args)
    language = args.pop("language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        rendered = _renderer(email.renderer)(**args)
        email.body_text, email.body_html = _render_bodies(rendered.template, rendered.context)
    email.attachments = _stored_attachments(rendered.attachments)
    email.save(update_fields=["body_text", "body_html", "attachments"])


def email_enqueue(
    *,
    to: str,
    subject: str,
    template: str | None = None,
    context: dict | None = None,
    body_text: str | None = None,
    body_html: str = "",
    dedup_key: str | None = None,
    attachments: Iterable[EmailAttachment] = (),
    due_at: datetime | None = None,
) -> OutboundEmail:
    """Store an e-mail in the outbox and send it through Celery once the transaction commits.

    With a ``dedup_key`` the same e-mail is stored (and so sent) at most once, however often
    this is called: that is what makes reminders and notifications safe to retry.
    """
    built = email_build(
        to=to,
        subject=subject,
        template=template,
        context=context,
        body_text=body_text,
        body_html=body_html,
        dedup_key=dedup_key,
        attachments=attachments,
        due_at=due_at,
    )
    with transaction.atomic():
        email, created = OutboundEmail.objects.get_or_create(
            dedup_key=built.dedup_key,
            defaults={
                "to": built.to,
                "subject": built.subject,
                "body_text": built.body_text,
                "body_html": built.body_html,
                "attachments": built.attachments,
                "due_at": built.due_at,
            },
        )
        if created and email.due_at <= timezone.now():
            from .tasks import enqueue_on_commit, outbox_send

            enqueue_on_commit(outbox_send, email.pk)
    return email


def emails_bulk_create(emails: list[OutboundEmail], *, batch_size: int = 100) -> list[int]:
    """Store built e-mails at once (rows whose dedup_key exists are skipped) and publish their
    sending in batches after commit; return the ids of the unsent rows with these keys."""
    if not emails:
        return []
    with transaction.atomic():
        OutboundEmail.objects.bulk_create(emails, batch_size=500, ignore_conflicts=True)
        now = timezone.now()
        ids = list(
            OutboundEmail.objects.filter(
                dedup_key__in=[email.dedup_key for email in emails],
                sent_at__isnull=True,
                due_at__lte=now,
            ).values_list("pk", flat=True)
        )
        from .tasks import enqueue_on_commit, outbox_send_batch

        for start in range(0, len(ids), batch_size):
            enqueue_on_commit(outbox_send_batch, ids[start : start + batch_size])
    return ids


def outbox_deliver(*, email_id: int) -> bool:
    """Send one stored e-mail unless it was sent already; return whether it was sent now."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        if email.renderer and not email.body_text:
            try:
                _outbox_render(email)
            except Exception as error:  # noqa: BLE001 - retried later like a transport error
                logger.exception("Rendering e-mail %s failed", email.pk)
                email.attempts += 1
                email.last_error = f"render: {error}"[:2000]
                email.due_at = timezone.now() + timedelta(minutes=5 * email.attempts)
                email.save(update_fields=["attempts", "last_error", "due_at"])
                return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments:
            message.attach(
                attachment["filename"],
                base64.b64decode(attachment["content_b64"]),
                attachment["mimetype"],
            )
        email.attempts += 1
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - any transport error is retried later
            logger.warning("Sending e-mail %s failed: %s", email.pk, error)
            email.last_error = str(error)[:2000]
            email.due_at = timezone.now() + timedelta(minutes=5 * email.attempts)
            email.save(update_fields=["attempts", "last_error", "due_at"])
            return False
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "sent_at"])
        return True


def outbox_send_due(*, limit: int = 500) -> int:
    """Send every due, unsent e-mail (the safety net for lost or failed tasks)."""
    due_ids = list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, due_at__lte=timezone.now(), attempts__lt=MAX_SEND_ATTEMPTS
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_deliver(email_id=email_id) for email_id in due_ids)


def user_anonymise(*, user, actor) -> None:
    """Erase a user's personal data but keep the rows that statistics and project reports count."""
    from allauth.account.models import EmailAddress

    from reporting.models import MonitoringDetails

    with transaction.atomic():
        from .models import User

        user = User.objects.select_for_update().get(pk=user.pk)
        EmailAddress.objects.filter(user=user).delete()
        # Sex, year of birth and PESEL kept for funding projects' monitoring: erased, not blanked.
        MonitoringDetails.objects.filter(person=user).delete()
        user.email = f"usuniete-konto-{user.pk}@anonim.invalid"
        user.first_name = ""
        user.last_name = ""
        user.phone = ""
        user.position = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            action="portal.user.anonymise",
            target=user,
            summary="Usunięto dane osobowe konta (anonimizacja)",
        )
        # The trail keeps what the person did, but not the address that was just erased.
        AuditLogEntry.objects.filter(actor=user).update(actor_label=user.email)
        logger.info("User %s anonymised by %s", user.pk, getattr(actor, "pk", None))


def user_access_record(*, user, actor, before: dict, after: dict) -> None:
    """Record a change of who may do what: staff flag, superuser flag and roles (groups).

    The admin's user form saves these fields itself (Django's UserAdmin); this service writes
    the audit entry for it, so granting a role is as traceable as any other change.
    """
    changes = {
        key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)
    }
    if not changes:
        return
    audit_record(
        actor=actor,
        action="portal.user.access_change",
        target=user,
        summary="Zmiana uprawnień konta",
        changes=changes,
    )


PROFILE_FIELDS = ["first_name", "last_name", "phone", "position"]


def user_profile_update(
    *, user, actor, first_name: str, last_name: str, phone: str = "", position: str = ""
):
    """Change a person's name, phone and position (their own page or staff on their behalf)."""
    from .models import User

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        new_values = {
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "phone": phone.strip(),
            "position": position.strip(),
        }
        changes = {
            field: [getattr(locked, field), value]
            for field, value in new_values.items()
            if getattr(locked, field) != value
        }
        if not changes:
            return locked
        for field, value in new_values.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action="portal.user.profile_update",
            target=locked,
            summary="Zmieniono dane osobowe konta",
            changes=changes,
        )
    return locked


def contact_message_send(
    *, name: str, email: str, subject: str, message: str, recipient: str, actor=None
):
    """Keep the message and send it to the ROPS, with a copy to the sender, through the outbox."""
    from .models import ContactMessage

    with transaction.atomic():
        contact = ContactMessage.objects.create(
            name=name, email=email, subject=subject, message=message, recipient=recipient
        )
        context = {"contact": contact}
        email_enqueue(
            to=recipient,
            subject=_("Formularz kontaktowy: %(subject)s") % {"subject": subject or message[:60]},
            template="portal_contact_staff",
            context=context,
            dedup_key=f"contact:{contact.pk}:staff",
        )
        email_enqueue(
            to=email,
            subject=_("Kopia wiadomości wysłanej do %(recipient)s") % {"recipient": recipient},
            template="portal_contact_copy",
            context=context,
            dedup_key=f"contact:{contact.pk}:copy",
        )
        audit_record(
            actor=actor,
            action="portal.contactmessage.send",
            target=contact,
            summary=f"Wiadomość z formularza kontaktowego od {email}",
        )
    return contact
