"""Staff pages for photo reports (upload many photos, describe, publish) and the photo files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.files import private_file_response

from . import exceptions, selectors
from . import report_photos as photo_services
from .forms import PhotoDescribeFormSet, PhotoUploadForm
from .selectors import user_has_perm

ALT_REQUIRED = gettext_lazy(
    "Tekst alternatywny jest wymagany przed publikacją: prosimy opisać, co widać."
)
CREDIT_REQUIRED = gettext_lazy(
    "Autor zdjęcia jest wymagany przed publikacją (pokazujemy go jako „Fot. …”)."
)


def photo_thumbnail(request, slug: str, pk: int):
    """The gallery-sized version, with exactly the same rules as the full photo."""
    photo = selectors.photo_get_for_user(slug=slug, pk=pk, user=request.user)
    return private_file_response(photo.thumbnail or photo.image, inline=True)


def _describe_initial(photos):
    return [
        {
            "photo": photo.pk,
            "alt_text": photo.alt_text,
            "credit": photo.credit,
            "caption": photo.caption,
            "position": photo.position,
        }
        for photo in photos
    ]


@login_required
@require_http_methods(["GET", "POST"])
def report_photos(request, slug: str):
    """Upload many photos at once, then give each alt text and author and publish them."""
    report = selectors.report_for_photo_staff(slug=slug, user=request.user)
    # Photos still with the worker have nothing to show or publish yet: the progress says so.
    photos = [
        photo
        for photo in selectors.report_photos_for_staff(report=report)
        if photo.state == photo.State.READY
    ]
    upload_form = PhotoUploadForm()
    formset = PhotoDescribeFormSet(initial=_describe_initial(photos), prefix="zdjecia")
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "upload":
        upload_form = PhotoUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                added = photo_services.report_photos_upload(
                    report=report,
                    files=upload_form.cleaned_data["photos"],
                    credit=upload_form.cleaned_data["credit"],
                    actor=request.user,
                )
            except exceptions.PhotosRejected as error:
                for message in error.errors:
                    upload_form.add_error("photos", message)
            except exceptions.NotAllowed as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Przyjęto zdjęcia: %(count)d. Przygotowujemy je do publikacji; gotowe "
                        "pojawią się poniżej jako nieopublikowane. Prosimy wtedy wpisać tekst "
                        "alternatywny i autora, a potem je opublikować."
                    )
                    % {"count": len(added)},
                )
                return redirect("events:report_photos", slug=slug)
    elif request.method == "POST" and action in ("save", "publish", "unpublish"):
        formset = PhotoDescribeFormSet(
            request.POST, initial=_describe_initial(photos), prefix="zdjecia"
        )
        if formset.is_valid() and _describe_and_publish(request, formset, photos, action):
            return redirect("events:report_photos", slug=slug)
    by_id = {photo.pk: photo for photo in photos}
    rows = [(form, by_id.get(form.initial.get("photo"))) for form in formset.forms]
    return render(
        request,
        "events/report_photos.html",
        {
            "report": report,
            "event": report.event,
            "upload_form": upload_form,
            "formset": formset,
            "rows": [(form, photo) for form, photo in rows if photo is not None],
            "can_publish": user_has_perm(request.user, "publish_report"),
            "unpublished_count": sum(1 for photo in photos if not photo.is_published),
            "progress": selectors.report_photos_progress(report=report),
        },
        status=200,
    )


def _describe_and_publish(request, formset, photos, action) -> bool:
    """Save every row, then publish or withdraw the selected ones; all or nothing."""
    by_id = {photo.pk: photo for photo in photos}
    selected = []
    try:
        with transaction.atomic():
            for form in formset.forms:
                photo = by_id.get(form.cleaned_data.get("photo"))
                if photo is None:
                    continue
                data = form.cleaned_data
                try:
                    photo_services.report_photo_describe(
                        photo=photo,
                        actor=request.user,
                        alt_text=data["alt_text"],
                        credit=data["credit"],
                        caption=data["caption"],
                        position=data["position"],
                    )
                except exceptions.PhotoNotDescribed:
                    _mark_missing(form, data)
                if data.get("selected"):
                    selected.append((form, photo))
            if any(form.errors for form in formset.forms):
                raise _Refused
            if action in ("publish", "unpublish") and not selected:
                messages.error(
                    request, _("Prosimy zaznaczyć zdjęcia do opublikowania lub wycofania.")
                )
                raise _Refused
            if action == "publish":
                try:
                    count = photo_services.report_photos_publish(
                        photos=[photo for _form, photo in selected], actor=request.user
                    )
                except exceptions.PhotoNotDescribed as error:
                    missing = {photo.pk for photo in error.photos}
                    for form, photo in selected:
                        if photo.pk in missing:
                            _mark_missing(form, form.cleaned_data)
                    raise _Refused from None
                messages.success(request, _("Opublikowano zdjęcia: %(count)d.") % {"count": count})
            elif action == "unpublish":
                count = photo_services.report_photos_unpublish(
                    photos=[photo for _form, photo in selected], actor=request.user
                )
                messages.success(request, _("Wycofano zdjęcia: %(count)d.") % {"count": count})
            else:
                messages.success(request, _("Zapisano opisy zdjęć."))
    except _Refused:
        if any(form.errors for form in formset.forms):
            messages.error(
                request,
                _(
                    "Nic nie zmieniono: zdjęcie można opublikować dopiero z tekstem alternatywnym i autorem."
                ),
            )
        return False
    except exceptions.NotAllowed as error:
        messages.error(request, str(error))
        return False
    return True


class _Refused(Exception):
    """Roll the whole page back and show the errors."""


def _mark_missing(form, data) -> None:
    if not (data.get("alt_text") or "").strip():
        form.add_error("alt_text", ALT_REQUIRED)
    if not (data.get("credit") or "").strip():
        form.add_error("credit", CREDIT_REQUIRED)
