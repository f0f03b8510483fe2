"""Photo reports: many photos uploaded at once (stored unpublished), described, then published.

A photo reaches the public only when it is published and so is its report
(``selectors.photo_get_for_user``); publishing needs alt text and the author's name, which the
database also enforces (``report_photo_published_has_alt_and_credit``).
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal import uploads
from portal.audit import audit_record
from portal.models import User

from . import exceptions
from .images import photo_thumbnail, photo_web_version
from .models import Report, ReportPhoto, strip_credit_prefix
from .services import _require

MAX_PHOTOS_PER_UPLOAD = 50


def report_photos_upload(
    *, report: Report, files: Sequence[UploadedFile], actor: User, credit: str = ""
) -> list[ReportPhoto]:
    """Check every file (size, real JPEG/PNG), then store them all unpublished, or none at all.

    Each photo is re-encoded to the web size without metadata, with a thumbnail for galleries.
    ``credit`` (optional) is given to every photo of this upload.
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
    prepared = []
    for upload in files:
        try:
            uploads.validate_upload(upload, kinds=uploads.IMAGE_KINDS)
            web = photo_web_version(upload)
            prepared.append((web, photo_thumbnail(web)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise exceptions.PhotosRejected(errors)
    credit = strip_credit_prefix(credit) if credit.strip() else ""
    stored: list = []
    try:
        with transaction.atomic():
            return _store_photos(
                report=report, prepared=prepared, credit=credit, actor=actor, stored=stored
            )
    except BaseException:
        # The rows were rolled back: the files written for them must not stay behind.
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def _store_photos(*, report: Report, prepared, credit: str, actor: User, stored: list):
    report = Report.objects.select_for_update().get(pk=report.pk)
    last = report.photos.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    photos = []
    for web, thumbnail in prepared:
        photo = ReportPhoto(report=report, position=position, credit=credit, uploaded_by=actor)
        photo.image.save(web.name, web, save=False)
        stored.append(photo.image)
        photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        stored.append(photo.thumbnail)
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
        locked = list(ReportPhoto.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
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
