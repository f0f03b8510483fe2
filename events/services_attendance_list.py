"""The attendance list PDF, rendered ahead and stored privately.

WeasyPrint needs about 3 ms of CPU per row of the tagged table (a list of 1,000 people: ~3 s,
measured in bench/test_events_attendance.py), more than a download may take. So the worker
renders the list of a large event after its registrations or marks change (debounced), and
the download serves that file while its fingerprint, a digest of everything the list prints,
still matches the current data; otherwise it renders at once and stores the result. A stale
list is therefore never served, and a missed or lost prerender only costs time.

The files live in the default storage, whose uploads are private (never served from
MEDIA_URL): only the permission-checked download view reads them.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from portal.selectors import region_get_current
from portal.tasks import BROKER_ERRORS

from . import documents
from .models import Event, EventSession, Registration

logger = logging.getLogger(__name__)

STORAGE_DIR = "attendance-lists"
# Below this many people a list renders on request in well under a second: not worth a file.
PRERENDER_MIN_PEOPLE = 200
# Changes within this many seconds of the first one are rendered together, once.
PRERENDER_DEBOUNCE_SECONDS = 30


def _registrations(event: Event, session: EventSession | None):
    registrations = event.registrations.filter(status=Registration.Status.CONFIRMED)
    if session is not None:
        registrations = registrations.filter(session_places__session=session)
    return registrations.select_related("participant", "organisation").order_by(
        "participant__last_name", "participant__first_name"
    )


def _folder(event: Event) -> str:
    return f"{STORAGE_DIR}/event-{event.pk}"


def _prefix(session: EventSession | None) -> str:
    return f"session-{session.pk}-" if session is not None else "all-"


def _stored_name(event: Event, session: EventSession | None, fingerprint: str) -> str:
    return f"{_folder(event)}/{_prefix(session)}{fingerprint}.pdf"


def _store(event: Event, session: EventSession | None, name: str, pdf: bytes) -> None:
    """Keep ``pdf`` under ``name`` and remove this list's older files."""
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:  # another process stored the same list meanwhile
        default_storage.delete(saved)
    try:
        _dirs, files = default_storage.listdir(_folder(event))
    except FileNotFoundError:
        return
    kept = name.rsplit("/", 1)[1]
    for file in files:
        if file.startswith(_prefix(session)) and file != kept:
            default_storage.delete(f"{_folder(event)}/{file}")


def attendance_list_get(*, event: Event, session: EventSession | None = None, region) -> bytes:
    """Return the attendance list PDF as the data stands now, from storage if it is current.

    ``session`` narrows it to one workshop's participants.
    """
    from .services import event_days  # services imports this module for its triggers

    context = documents.attendance_list_context(
        event=event,
        registrations=_registrations(event, session),
        region=region,
        days=event_days(event),
        session=session,
    )
    name = _stored_name(event, session, documents.attendance_list_fingerprint(context))
    if default_storage.exists(name):
        try:
            with default_storage.open(name, "rb") as file:
                return file.read()
        except FileNotFoundError:  # replaced by a newer list meanwhile
            pass
    pdf = documents.attendance_list_render(context)
    _store(event, session, name, pdf)
    return pdf


def attendance_list_prerender(*, event_id: int, session_id: int | None = None) -> bool:
    """Render and store the list of a large event unless the stored one is current.

    Returns whether the event was large enough to keep a file for. Idempotent: a second run
    with unchanged data renders nothing.
    """
    event = Event.objects.select_related("funding_project").filter(pk=event_id).first()
    session = (
        EventSession.objects.filter(pk=session_id, event_id=event_id).first()
        if session_id
        else None
    )
    if event is None or (session_id and session is None):
        return False
    if _registrations(event, session).count() < PRERENDER_MIN_PEOPLE:
        return False
    # As a visitor downloads it: the site's language and the region of the site.
    with translation.override(settings.LANGUAGE_CODE):
        attendance_list_get(event=event, session=session, region=region_get_current())
    return True


def attendance_list_prerender_soon(*, event_id: int) -> None:
    """After the current transaction commits, have the worker render the event's list once the
    changes of the next half-minute are in; never failing the caller."""
    transaction.on_commit(lambda: _publish_debounced(event_id))


def _publish_debounced(event_id: int) -> None:
    from .tasks import attendance_list_prerender as task

    key = f"events:attendance-list-prerender:{event_id}"
    # The key lives as long as the countdown: changes meanwhile are picked up by that run.
    if not cache.add(key, 1, timeout=PRERENDER_DEBOUNCE_SECONDS):
        return
    try:
        task.apply_async(
            args=(event_id,),
            countdown=PRERENDER_DEBOUNCE_SECONDS,
            retry=False,
            ignore_result=True,
        )
    except BROKER_ERRORS as error:
        cache.delete(key)
        logger.warning("Could not queue the attendance list of event %s: %s", event_id, error)
