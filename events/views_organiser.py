"""Pages of the organiser's side: a series of events, messages to participants (staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.jobs import JobLimitReached

from . import exceptions, selectors
from . import services_organiser as organiser
from .forms_organiser import EventMessageForm


def event_detail_context(event, user) -> dict:
    """The event page's speakers and guests (also put on the agenda items they lead), series
    and the staff link to messages."""
    speakers = selectors.speaker_list_for_event(event=event)
    led_by: dict[int, list] = {}
    for speaker in speakers:
        for item in speaker.agenda_items.all():
            led_by.setdefault(item.pk, []).append(speaker)
    # The agenda items are prefetched by event_get_public: the page shows these same objects.
    for item in event.agenda_items.all():
        item.led_by = led_by.get(item.pk, [])
    return {
        "speakers": speakers,
        "series": event.series,
        "can_message": selectors.user_can_message_participants(user),
    }


def series_detail(request, slug: str):
    """A series with every date and its free places (public)."""
    series, events = selectors.series_get_public(slug=slug, user=request.user)
    return render(request, "events/series_detail.html", {"series": series, "events": events})


@login_required
@require_http_methods(["GET", "POST"])
def event_messages(request, slug: str):
    """Write to participants in two steps: compose → preview with the count → send (POST)."""
    event = selectors.event_get_for_messages(slug=slug, user=request.user)
    form = EventMessageForm(request.POST or None, event=event)
    step = request.POST.get("step") if request.method == "POST" else None
    recipients = None
    # "Popraw" on the preview comes back here with the text filled in.
    if request.method == "POST" and step != "edit" and form.is_valid():
        data = form.cleaned_data
        recipients = selectors.message_recipients(
            event=event, audience=data["audience"], session=data.get("session")
        )
        count = recipients.count()
        if count == 0:
            form.add_error("audience", str(exceptions.NoRecipients.default_message))
        elif step == "send":
            try:
                expected = int(request.POST.get("expected_count", ""))
            except ValueError:
                expected = -1
            try:
                message = organiser.event_message_send(
                    event=event,
                    audience=data["audience"],
                    session=data.get("session"),
                    subject=data["subject"],
                    body=data["body"],
                    actor=request.user,
                    expected_count=expected,
                )
            except exceptions.RecipientsChanged as error:
                messages.warning(request, str(error))
                step = "preview"
            except (exceptions.EventsError, JobLimitReached) as error:
                form.add_error(None, str(error))
                step = None
            else:
                messages.success(
                    request,
                    _("Wiadomość „%(subject)s” wysłana do %(count)d os.")
                    % {"subject": message.subject, "count": message.recipient_count},
                )
                return redirect("events:event_messages", slug=event.slug)
        if not form.errors and step != "send":
            return render(
                request,
                "events/message_preview.html",
                {
                    "event": event,
                    "form": form,
                    "data": data,
                    "audience_label": dict(form.fields["audience"].choices)[data["audience"]],
                    "count": count,
                    "recipients": list(recipients[:50]),
                },
            )
    return render(
        request,
        "events/message_form.html",
        {
            "event": event,
            "form": form,
            "sent": selectors.message_list_for_event(event=event),
        },
        status=400 if form.is_bound and step != "edit" and form.errors else 200,
    )
