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
from django.core.mail import EmailMultiAlternatives, get_connection
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


# E-mail templates without an HTML version, as found in this process. Looking for the missing
# file again raised and copied a TemplateDoesNotExist each time, a third of the time rendering a
# reminder took; the file set is fixed for a process's life (a new template needs a restart).
_NO_HTML_VERSION: set[str] = set()


def _render_bodies(template: str, context: dict | None) -> tuple[str, str]:
    # Templates write links as {{ site_url }}{% url ... %}; site_url comes from portal.links.
    context = {**(context or {}), "site_url": site_url()}
    body_text = render_to_string(f"email/{template}.txt", context).strip() + "\n"
    body_html = ""
    if template not in _NO_HTML_VERSION:
        try:
            body_html = render_to_string(f"email/{template}.html", context)
        except TemplateDoesNotExist:
            _NO_HTML_VERSION.add(template)
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
    """What a renderer returns for one e-mail: the template, its context and the attachments."""

    template: str
    context: dict
    attachments: Iterable[EmailAttachment] = ()


# A renderer takes the render_args of several e-mails (a batch being sent) and returns, in the
# same order, each one's RenderedEmail or the exception that kept it from being rendered: one
# batch reads its rows in one query instead of one query per e-mail.
BatchRenderer = Callable[[list[dict]], list["RenderedEmail | Exception"]]
EMAIL_RENDERERS: dict[str, BatchRenderer] = {}


def email_renderer(name: str):
    """Register the function that renders deferred e-mails called ``name``, a batch at a time.

    ``name`` is ``"<app>.<what>"``; the app's ``services`` module registers it, and is imported
    by name when a worker meets it first.
    """

    def register(function: BatchRenderer) -> BatchRenderer:
        EMAIL_RENDERERS[name] = function
        return function

    return register


def _renderer(name: str) -> BatchRenderer:
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


# How many e-mails one outbox_send_batch task sends over its SMTP connection: small enough that
# the batches of a large run spread over every worker process, large enough that connecting,
# the task's own overhead and the batch's queries are shared by many e-mails.
OUTBOX_BATCH_SIZE = 100


def outbox_publish_batches(email_ids: list[int], *, batch_size: int = OUTBOX_BATCH_SIZE) -> None:
    """Publish the sending of these outbox rows, a batch per task, once the transaction commits.

    A batch the broker cannot take is not lost: the rows stay due for the beat scan.
    """
    from .tasks import enqueue_on_commit, outbox_send_batch

    for start in range(0, len(email_ids), batch_size):
        enqueue_on_commit(outbox_send_batch, email_ids[start : start + batch_size])


def emails_bulk_create(
    emails: list[OutboundEmail], *, batch_size: int = OUTBOX_BATCH_SIZE
) -> list[int]:
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
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        outbox_publish_batches(ids, batch_size=batch_size)
    return ids


def outbox_deliver(*, email_id: int) -> bool:
    """Send one stored e-mail unless it was sent already; return whether it was sent now."""
    return outbox_deliver_batch(email_ids=[email_id]) == 1


@dataclass
class _Outgoing:
    """An outbox row on its way out: the row as read, and what rendering it gave."""

    email: OutboundEmail
    rendered_fields: dict | None = None  # body_text, body_html, attachments to store
    attachments: list[tuple[str, bytes, str]] | None = None
    render_error: Exception | None = None


def outbox_deliver_batch(*, email_ids: Iterable[int]) -> int:
    """Send stored e-mails over one SMTP connection, each at most once; return how many went now.

    The rows are read and the deferred ones rendered together (one query per renderer, not per
    e-mail), outside any transaction. Then each e-mail is claimed, sent and marked sent in a
    transaction of its own (SELECT ... FOR UPDATE SKIP LOCKED, unsent only): a row another
    worker is sending or has sent is skipped, and a worker killed mid-batch leaves the e-mails
    it sent marked sent and the rest unsent for the next delivery. Only the message in flight
    when a worker dies can go out twice (SMTP cannot make that one exactly once); none is lost.
    """
    emails = list(
        OutboundEmail.objects.filter(pk__in=list(email_ids), sent_at__isnull=True).order_by("pk")
    )
    if not emails:
        return 0
    outgoing = _outbox_render_many(emails)
    mail_connection = get_connection()
    opened = False
    sent = 0
    try:
        for item in outgoing:
            with transaction.atomic():
                if not _outbox_claim(item.email.pk):
                    continue  # sent meanwhile, or being sent by another worker
                if item.render_error is not None:
                    logger.error(
                        "Rendering e-mail %s failed", item.email.pk, exc_info=item.render_error
                    )
                    _outbox_record_failure(item, f"render: {item.render_error}")
                    continue
                try:
                    if not opened:
                        mail_connection.open()
                        opened = True
                    mail_connection.send_messages([_outbox_message(item)])
                except Exception as error:  # noqa: BLE001 - any transport error is retried later
                    logger.warning("Sending e-mail %s failed: %s", item.email.pk, error)
                    _outbox_record_failure(item, str(error))
                    if not opened:
                        break  # the server cannot be reached: the rest wait for the beat scan
                    _close_quietly(mail_connection)
                    opened = False  # the next e-mail tries a new connection
                    continue
                _outbox_record_sent(item)
                sent += 1
    finally:
        if opened:
            _close_quietly(mail_connection)
    return sent


def _outbox_render_many(emails: list[OutboundEmail]) -> list[_Outgoing]:
    """Render the deferred e-mails of a batch, by renderer and language, in the sending worker."""
    outgoing = [_Outgoing(email=email) for email in emails]
    groups: dict[tuple[str, str], list[_Outgoing]] = {}
    for item in outgoing:
        if item.email.renderer and not item.email.body_text:
            language = item.email.render_args.get("language") or settings.LANGUAGE_CODE
            groups.setdefault((item.email.renderer, language), []).append(item)
    for (name, language), items in groups.items():
        arguments = [
            {k: v for k, v in item.email.render_args.items() if k != "language"} for item in items
        ]
        with translation.override(language):
            try:
                results = _renderer(name)(arguments)
            except Exception as error:  # noqa: BLE001 - recorded on each row, retried later
                results = [error] * len(items)
            for item, result in zip(items, results, strict=True):
                if isinstance(result, Exception):
                    item.render_error = result
                    continue
                try:
                    body_text, body_html = _render_bodies(result.template, result.context)
                except Exception as error:  # noqa: BLE001 - recorded on the row, retried later
                    item.render_error = error
                    continue
                attachments = list(result.attachments)
                item.attachments = [(a.filename, a.content, a.mimetype) for a in attachments]
                item.rendered_fields = {
                    "body_text": body_text,
                    "body_html": body_html,
                    "attachments": _stored_attachments(attachments),
                }
    return outgoing


def _outbox_claim(email_id: int) -> bool:
    """Lock an unsent row for this transaction; False if it is sent or another worker has it."""
    table = connection.ops.quote_name(OutboundEmail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE id = %s AND sent_at IS NULL FOR UPDATE SKIP LOCKED",
            [email_id],
        )
        return cursor.fetchone() is not None


def _outbox_message(item: _Outgoing) -> EmailMultiAlternatives:
    email = item.email
    fields = item.rendered_fields or {}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=fields.get("body_text", email.body_text),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    body_html = fields.get("body_html", email.body_html)
    if body_html:
        message.attach_alternative(body_html, "text/html")
    if item.attachments is not None:
        for filename, content, mimetype in item.attachments:
            message.attach(filename, content, mimetype)
    else:
        for attachment in email.attachments:
            message.attach(
                attachment["filename"],
                base64.b64decode(attachment["content_b64"]),
                attachment["mimetype"],
            )
    return message


def _outbox_update(email_id: int, assignments: dict) -> None:
    """UPDATE one row with plain SQL: this runs once per e-mail sent, ORM compiling included."""
    table = connection.ops.quote_name(OutboundEmail._meta.db_table)
    columns, values = [], []
    for column, value in assignments.items():
        if column == "attachments":
            columns.append(f"{column} = %s::jsonb")
            values.append(json.dumps(value))
        else:
            columns.append(f"{column} = %s")
            values.append(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET attempts = attempts + 1, {', '.join(columns)} WHERE id = %s",
            [*values, email_id],
        )


def _outbox_record_sent(item: _Outgoing) -> None:
    # The rendered body is kept with the row: the record of what was sent.
    _outbox_update(item.email.pk, {"sent_at": timezone.now(), **(item.rendered_fields or {})})


def _outbox_record_failure(item: _Outgoing, error: str) -> None:
    attempts = item.email.attempts + 1
    _outbox_update(
        item.email.pk,
        {
            "last_error": error[:2000],
            "due_at": timezone.now() + timedelta(minutes=5 * attempts),
            **(item.rendered_fields or {}),
        },
    )


def _close_quietly(mail_connection) -> None:
    try:
        mail_connection.close()
    except Exception:  # noqa: BLE001 - a connection that broke has nothing left to close
        logger.debug("Closing the mail connection failed", exc_info=True)


def outbox_send_due(*, limit: int = 500) -> int:
    """Send every due, unsent e-mail (the safety net for lost or failed tasks)."""
    due_ids = list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, due_at__lte=timezone.now(), attempts__lt=MAX_SEND_ATTEMPTS
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(
        outbox_deliver_batch(email_ids=due_ids[start : start + OUTBOX_BATCH_SIZE])
        for start in range(0, len(due_ids), OUTBOX_BATCH_SIZE)
    )


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
    """Keep the message and send it to the ROPS through the outbox.

    The copy to the sender goes only to an address the signed-in sender has confirmed: anyone
    may type any address into the form, and the portal must not mail it their text.
    """
    from .models import ContactMessage
    from .selectors import email_is_confirmed_for

    send_copy = email_is_confirmed_for(user=actor, email=email)
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
        if send_copy:
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
            summary=f"Wiadomość z formularza kontaktowego od {email}"
            + (" (z kopią do nadawcy)" if send_copy else ""),
        )
    return contact
