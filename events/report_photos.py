"""Photo reports: many photos uploaded at once (stored unpublished), described, then published.

A photo reaches the public only when it is published and so is its report
(``selectors.photo_get_for_user``); publishing needs alt text and the author's name, which the
database also enforces (``report_photo_published_has_alt_and_credit``).
"""

import logging
import os
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import uploads
from portal.audit import audit_record
from portal.models import User
from portal.tasks import enqueue, enqueue_on_commit

from . import exceptions, tasks
from .images import photo_thumbnail, photo_web_version
from .models import Report, ReportPhoto, strip_credit_prefix
from .services import _require

MAX_PHOTOS_PER_UPLOAD = 50
# A photo still waiting this long after its upload has lost its task: the beat scan queues it.
PROCESS_GRACE = timedelta(minutes=2)

logger = logging.getLogger(__name__)


def report_photos_upload(
    *, report: Report, files: Sequence[UploadedFile], actor: User, credit: str = ""
) -> list[ReportPhoto]:
    """Check every file (size, real JPEG/PNG, pixels), then store them all unpublished, or none.

    Only the headers are read here: the photos are stored as sent and the worker makes each
    one's web version without metadata and its thumbnail (``report_photo_process``), so an
    upload of fifty photos is answered at once. ``credit`` (optional) is given to every photo.
    """
    _require(actor, "add_reportphoto")
    if not files:
        raise exceptions.PhotosRejected([_("Prosimy wybrać co najmniej jedno zdjęcie.")])
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        raise exceptions.PhotosRejected(
            [
                _("Naraz można wysłać najwyżej %(max)d zdjęć; wybrano %(count)d.")
                % {"max": MAX_PHOTOS_PER_UPLOAD, "count": len(files)}
            ]
        )
    errors: list[str] = []
    for upload in files:
        try:
            uploads.validate_upload(upload, kinds=uploads.IMAGE_KINDS)
            uploads.image_check(upload)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise exceptions.PhotosRejected(errors)
    credit = strip_credit_prefix(credit) if credit.strip() else ""
    stored: list = []
    try:
        with transaction.atomic():
            photos = _store_photos(
                report=report, files=files, credit=credit, actor=actor, stored=stored
            )
            for photo in photos:
                enqueue_on_commit(tasks.report_photo_process, photo.pk)
            return photos
    except BaseException:
        # The rows were rolled back: the files written for them must not stay behind.
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def _store_photos(*, report: Report, files, credit: str, actor: User, stored: list):
    report = Report.objects.select_for_update().get(pk=report.pk)
    last = report.photos.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    # One time for the whole upload: the page counts the progress of this upload by it.
    now = timezone.now()
    photos = []
    for upload in files:
        photo = ReportPhoto(
            report=report,
            position=position,
            credit=credit,
            uploaded_by=actor,
            uploaded_at=now,
            state=ReportPhoto.State.PROCESSING,
            original_name=os.path.basename(upload.name or "")[:255],
        )
        photo.original.save(upload.name, upload, save=False)
        stored.append(photo.original)
        photo.save()
        photos.append(photo)
        position += 1
    audit_record(
        actor=actor,
        action="events.report.photos_upload",
        target=report,
        summary=_("Dodano zdjęcia do relacji (nieopublikowane): %(count)d")
        % {"count": len(photos)},
        changes={"photos": [photo.pk for photo in photos]},
    )
    return photos


def report_photo_process(*, photo_id: int) -> bool:
    """Make the web version and thumbnail of an uploaded photo, then delete the file as sent.

    Safe to run again or twice at once: the slow decoding happens outside any lock, and only a
    run that still finds the photo waiting stores its result. Returns whether this run did.
    """
    photo = ReportPhoto.objects.filter(pk=photo_id, state=ReportPhoto.State.PROCESSING).first()
    if photo is None:
        return False
    try:
        with photo.original.open("rb") as original:
            original.name = photo.original_name or os.path.basename(photo.original.name)
            web = photo_web_version(original)
        thumbnail = photo_thumbnail(web)
    except (ValidationError, OSError):
        # A file whose header was fine but whose pixels are not (or that is gone): the page
        # lists it as unreadable and asks for it again.
        ReportPhoto.objects.filter(pk=photo_id, state=ReportPhoto.State.PROCESSING).update(
            state=ReportPhoto.State.FAILED
        )
        logger.warning("Photo %s could not be decoded", photo_id)
        return False
    stored: list = []
    try:
        with transaction.atomic():
            locked = (
                ReportPhoto.objects.select_for_update()
                .filter(pk=photo_id, state=ReportPhoto.State.PROCESSING)
                .first()
            )
            if locked is None:
                return False
            original = locked.original
            locked.image.save(web.name, web, save=False)
            stored.append(locked.image)
            locked.thumbnail.save(thumbnail.name, thumbnail, save=False)
            stored.append(locked.thumbnail)
            locked.state = ReportPhoto.State.READY
            locked.original = ""
            locked.save(
                update_fields=["image", "thumbnail", "width", "height", "state", "original"]
            )
            transaction.on_commit(partial(original.storage.delete, original.name))
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    return True


def report_photos_process_waiting(*, older_than: timedelta = PROCESS_GRACE) -> int:
    """Queue again the photos still waiting a while after their upload (their task was lost
    with the broker, or a worker died on it). Returns how many were queued."""
    ids = list(
        ReportPhoto.objects.filter(
            state=ReportPhoto.State.PROCESSING, uploaded_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)
    )
    for photo_id in ids:
        enqueue(tasks.report_photo_process, photo_id)
    return len(ids)


def report_photo_describe(
    *, photo: ReportPhoto, actor: User, alt_text: str, credit: str, caption: str, position: int
) -> ReportPhoto:
    """Save a photo's description; a published photo keeps its required alt text and author."""
    _require(actor, "change_reportphoto")
    alt_text = (alt_text or "").strip()
    credit = strip_credit_prefix(credit or "")
    with transaction.atomic():
        photo = ReportPhoto.objects.select_for_update().get(pk=photo.pk)
        if photo.is_published and not (alt_text and credit):
            raise exceptions.PhotoNotDescribed([photo])
        before = {
            "alt_text": photo.alt_text,
            "credit": photo.credit,
            "caption": photo.caption,
            "position": photo.position,
        }
        after = {
            "alt_text": alt_text,
            "credit": credit,
            "caption": (caption or "").strip(),
            "position": position,
        }
        changed = {
            key: [before[key], value] for key, value in after.items() if before[key] != value
        }
        if changed:
            for key, value in after.items():
                setattr(photo, key, value)
            photo.save(update_fields=list(after))
            audit_record(
                actor=actor,
                action="events.report_photo.change",
                target=photo,
                summary=_("Zmieniono opis zdjęcia"),
                changes=changed,
            )
    return photo


def report_photos_publish(*, photos: Iterable[ReportPhoto], actor: User) -> int:
    """Publish the photos, all or none: each needs alt text and an author. Return how many."""
    _require(actor, "publish_report")
    ids = [photo.pk for photo in photos]
    with transaction.atomic():
        # A photo still being processed has nothing to publish yet: it is left as it is.
        locked = list(
            ReportPhoto.objects.select_for_update()
            .filter(pk__in=ids, state=ReportPhoto.State.READY)
            .order_by("pk")
        )
        missing = [
            photo for photo in locked if not photo.alt_text.strip() or not photo.credit.strip()
        ]
        if missing:
            raise exceptions.PhotoNotDescribed(missing)
        published = [photo for photo in locked if not photo.is_published]
        ReportPhoto.objects.filter(pk__in=[photo.pk for photo in published]).update(
            is_published=True
        )
        for photo in published:
            audit_record(
                actor=actor,
                action="events.report_photo.publish",
                target=photo,
                summary=_("Opublikowano zdjęcie"),
                changes={"is_published": [False, True]},
            )
    return len(published)


def report_photos_unpublish(*, photos: Iterable[ReportPhoto], actor: User) -> int:
    """Withdraw photos from the site; they stop being served at once. Return how many."""
    _require(actor, "publish_report")
    ids = [photo.pk for photo in photos]
    with transaction.atomic():
        locked = list(ReportPhoto.objects.select_for_update().filter(pk__in=ids, is_published=True))
        ReportPhoto.objects.filter(pk__in=[photo.pk for photo in locked]).update(is_published=False)
        for photo in locked:
            audit_record(
                actor=actor,
                action="events.report_photo.unpublish",
                target=photo,
                summary=_("Wycofano zdjęcie"),
                changes={"is_published": [True, False]},
            )
    return len(locked)
