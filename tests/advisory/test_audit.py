"""Every advisory service writes the audit trail with its actor; staff downloads are recorded;
the expert gets his own e-mail when assigned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advisory import services
from advisory.models import AdvisoryRequest
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RoleUserFactory

from .factories import ExpertFactory, pdf_upload

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status


def entries(action: str):
    return AuditLogEntry.objects.filter(action=action)


def test_each_workflow_step_is_recorded_with_its_actor_and_the_change(cases):
    case = cases.at(Status.CLOSED)
    expected = [
        ("advisory.advisoryrequest.draft_create", case.requester),
        ("advisory.advisoryrequest.submit", case.requester),
        ("advisory.advisoryrequest.accept", cases.staff),
        ("advisory.advisoryrequest.assign_expert", cases.staff),
        ("advisory.advisoryrequest.schedule", cases.staff),
        ("advisory.advisoryrequest.start", cases.staff),
        ("advisory.consultation.record", cases.expert.user),
        ("advisory.advisoryrequest.complete", cases.staff),
        ("advisory.advisoryrequest.close", cases.staff),
    ]
    for action, actor in expected:
        entry = entries(action).get(object_id=str(case.pk))
        assert entry.actor == actor, action
    accept = entries("advisory.advisoryrequest.accept").get()
    assert accept.changes["status"] == ["submitted", "accepted"]
    assert "złożony → przyjęty" in accept.summary
    assign = entries("advisory.advisoryrequest.assign_expert").get()
    assert assign.changes["expert"] == [None, cases.expert.full_name]


def test_messages_notes_and_files_are_recorded(cases):
    case = cases.at(Status.IN_PROGRESS)
    services.case_message_post(
        request_id=case.pk,
        actor=cases.staff,
        body="Notatka",
        internal=True,
        attachments=(pdf_upload("a.pdf"),),
    )
    services.case_message_post(request_id=case.pk, actor=case.requester, body="Odpowiedź")
    note = entries("advisory.caseevent.note").get()
    assert (
        note.actor == cases.staff
        and note.changes["internal"] is True
        and note.changes["files"] == ["a.pdf"]
    )
    assert entries("advisory.caseevent.reply").get().actor == case.requester


def test_staff_downloads_of_files_and_cards_are_recorded_the_requesters_own_are_not(
    client, cases, django_capture_on_commit_callbacks
):
    case = cases.at(Status.IN_PROGRESS)
    note = services.case_message_post(
        request_id=case.pk,
        actor=cases.staff,
        body="x",
        internal=True,
        attachments=(pdf_upload("tajne.pdf"),),
    )
    reply = services.case_message_post(
        request_id=case.pk, actor=case.requester, body="y", attachments=(pdf_upload("uchwala.pdf"),)
    )
    officer = RoleUserFactory(role=roles.ADVISORY_OFFICER)
    client.force_login(officer)
    url = reverse("advisory:attachment_download", args=[case.pk, note.attachments.get().pk])
    assert client.get(url).status_code == 200
    entry = entries("advisory.caseattachment.download").get()
    assert (
        entry.actor == officer
        and entry.changes["internal"] is True
        and "tajne.pdf" in entry.summary
    )

    client.force_login(case.requester)
    assert (
        client.get(
            reverse("advisory:attachment_download", args=[case.pk, reply.attachments.get().pk])
        ).status_code
        == 200
    )
    assert entries("advisory.caseattachment.download").count() == 1  # the JST reading its own file

    services.consultation_record(
        request_id=case.pk,
        actor=cases.expert.user,
        held_on=timezone.localdate(),
        form="online",
        duration_minutes=30,
    )
    with django_capture_on_commit_callbacks(execute=True):
        cases.step(AdvisoryRequest.objects.get(pk=case.pk), "complete")
    assert entries("advisory.advisoryrequest.card_generate").get().actor is None  # the system
    client.force_login(cases.expert.user)
    assert client.get(reverse("advisory:card_download", args=[case.pk])).status_code == 200
    assert entries("advisory.advisoryrequest.card_download").get().actor == cases.expert.user
    client.force_login(case.requester)
    client.get(reverse("advisory:card_download", args=[case.pk]))
    assert entries("advisory.advisoryrequest.card_download").count() == 1


def test_card_request_is_recorded(client, cases):
    case = cases.at(Status.COMPLETED)
    # The card queued on completion is rendered: ordering it again is a new job, recorded. (While
    # it is still pending, ordering it gives back that job: tests/portal/test_background_jobs.py.)
    AdvisoryRequest.objects.filter(pk=case.pk).update(card_requested_at=None)
    client.force_login(cases.staff)
    client.post(reverse("advisory:card_request", args=[case.pk]))
    assert entries("advisory.advisoryrequest.card_request").get().actor == cases.staff


def test_expert_gets_his_own_assignment_email_with_next_steps(cases):
    case = cases.at(Status.ACCEPTED)
    OutboundEmail.objects.all().delete()
    cases.step(case, "assign_expert")
    expert_mail = OutboundEmail.objects.get(to=cases.expert.email)
    requester_mail = OutboundEmail.objects.get(to=case.requester.email)
    assert (
        "Nowa sprawa doradcza do poprowadzenia" in expert_mail.subject
        and case.number in expert_mail.subject
    )
    body = expert_mail.body_text
    assert "przydzielił Państwu sprawę doradczą" in body
    assert (
        "uzgodnić termin" in body
        and "Ustal termin konsultacji" in body
        and "zakończyć sprawę" in body
    )
    assert case.contact_name in body and case.contact_email in body
    assert f"/doradztwo/sprawy/{case.pk}/" in body
    assert "ma nowy status" not in body  # not the requester's generic status e-mail
    assert "Uwagi ROPS" not in body  # the automatic entry is no comment
    assert "ma nowy status" in requester_mail.body_text


def test_reassignment_tells_the_previous_expert(cases):
    case = cases.at(Status.EXPERT_ASSIGNED)
    first = cases.expert
    OutboundEmail.objects.all().delete()
    cases.expert = ExpertFactory()
    cases.step(case, "assign_expert")
    farewell = OutboundEmail.objects.get(to=first.email)
    assert "przekazana innemu ekspertowi" in farewell.subject
    assert "Nowa sprawa doradcza" in OutboundEmail.objects.get(to=cases.expert.email).subject


def test_digest_run_is_recorded_as_the_system(cases):
    case = cases.at(Status.SUBMITTED)
    AdvisoryRequest.objects.filter(pk=case.pk).update(due_on=timezone.localdate())
    services.deadline_digest_send()
    entry = entries("advisory.advisoryrequest.digest_send").get()
    assert entry.actor is None and cases.staff.email in entry.changes["recipients"]
