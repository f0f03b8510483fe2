"""Every transition of the case workflow, allowed and refused, on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from advisory import services
from advisory.exceptions import (
    ConcurrentChange,
    IncompleteRequest,
    NotJstMember,
    PermissionDenied,
    TransitionNotAllowed,
)
from advisory.models import AdvisoryRequest, CaseEvent
from portal.models import OutboundEmail
from tests.factories import StaffUserFactory, UserFactory
from tests.partners.factories import JstFactory, MembershipFactory, OrganisationFactory

from .factories import AdvisoryTopicFactory, ExpertFactory, exe_upload, jst_member, pdf_upload

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status

ALLOWED = {
    (Status.DRAFT, "submit"): Status.SUBMITTED,
    (Status.SUBMITTED, "accept"): Status.ACCEPTED,
    (Status.SUBMITTED, "reject"): Status.REJECTED,
    (Status.SUBMITTED, "withdraw"): Status.WITHDRAWN,
    (Status.ACCEPTED, "assign_expert"): Status.EXPERT_ASSIGNED,
    (Status.ACCEPTED, "withdraw"): Status.WITHDRAWN,
    (Status.EXPERT_ASSIGNED, "assign_expert"): Status.EXPERT_ASSIGNED,
    (Status.EXPERT_ASSIGNED, "schedule"): Status.SCHEDULED,
    (Status.EXPERT_ASSIGNED, "withdraw"): Status.WITHDRAWN,
    (Status.SCHEDULED, "schedule"): Status.SCHEDULED,
    (Status.SCHEDULED, "start"): Status.IN_PROGRESS,
    (Status.SCHEDULED, "withdraw"): Status.WITHDRAWN,
    (Status.IN_PROGRESS, "wait_for_jst"): Status.WAITING_FOR_JST,
    (Status.IN_PROGRESS, "complete"): Status.COMPLETED,
    (Status.IN_PROGRESS, "withdraw"): Status.WITHDRAWN,
    (Status.WAITING_FOR_JST, "resume"): Status.IN_PROGRESS,
    (Status.WAITING_FOR_JST, "withdraw"): Status.WITHDRAWN,
    (Status.COMPLETED, "close"): Status.CLOSED,
}
ALL_STATUSES = list(Status)
ALL_ACTIONS = list(services.TRANSITIONS)


def build(cases, status):
    """Bring a fresh case to `status` through the services."""
    if status == Status.DRAFT:
        return cases.draft()
    if status == Status.REJECTED:
        return cases.step(cases.at(Status.SUBMITTED), "reject")
    if status == Status.WITHDRAWN:
        return cases.step(cases.at(Status.SUBMITTED), "withdraw")
    if status == Status.WAITING_FOR_JST:
        return cases.step(cases.at(Status.IN_PROGRESS), "wait_for_jst")
    return cases.at(status)


def test_the_transition_table_matches_the_documented_workflow():
    table = {
        (source, action): t.target
        for action, t in services.TRANSITIONS.items()
        for source in t.sources
    }
    assert table == ALLOWED


@pytest.mark.parametrize("status,action", sorted(ALLOWED, key=str))
def test_allowed_transition_moves_the_case_and_records_it(cases, status, action):
    case = build(cases, status)
    if action == "complete":
        services.consultation_record(
            request_id=case.pk,
            actor=cases.expert.user,
            held_on=case.submitted_at.date(),
            form="online",
            duration_minutes=60,
        )
    if action == "assign_expert" and status == Status.EXPERT_ASSIGNED:
        cases.expert = ExpertFactory()  # reassigning to the same expert is refused on purpose
    events_before = case.events.count()

    moved = cases.step(case, action)

    moved.refresh_from_db()
    assert moved.status == ALLOWED[(status, action)]
    assert moved.version == case.version + 1
    event = moved.events.order_by("-pk").first()
    assert moved.events.count() == events_before + 1
    assert (event.kind, event.from_status, event.to_status) == (
        CaseEvent.Kind.STATUS,
        status,
        moved.status,
    )


@pytest.mark.parametrize(
    "status,action",
    [(s, a) for s in ALL_STATUSES for a in ALL_ACTIONS if (s, a) not in ALLOWED],
)
def test_refused_transition_changes_nothing_and_explains_in_polish(cases, status, action):
    case = build(cases, status)
    events_before = case.events.count()

    with pytest.raises(TransitionNotAllowed) as error:
        cases.step(case, action)

    assert "Nie można wykonać czynności" in error.value.message
    assert case.get_status_display() in error.value.message
    fresh = AdvisoryRequest.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version) == (case.status, case.version)
    assert fresh.events.count() == events_before


def test_stale_version_is_refused_as_a_concurrent_change(cases):
    case = cases.at(Status.SUBMITTED)
    services.request_transition(
        request_id=case.pk, action="accept", expected_version=case.version, actor=cases.staff
    )

    with pytest.raises(ConcurrentChange) as error:
        services.request_transition(
            request_id=case.pk,
            action="reject",
            expected_version=case.version,
            actor=StaffUserFactory(),
            reason="x",
        )
    assert "Ktoś inny zmienił tę sprawę" in error.value.message
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.ACCEPTED


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_requester_and_expert_cannot_do_staff_transitions(cases, action):
    case = cases.at(Status.SUBMITTED)
    for actor in (case.requester, cases.expert.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.request_transition(
                request_id=case.pk,
                action=action,
                expected_version=case.version,
                actor=actor,
                reason="r",
            )
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_only_the_assigned_expert_may_start_the_case(cases):
    case = cases.at(Status.SCHEDULED)
    other_expert = ExpertFactory()
    with pytest.raises(PermissionDenied):
        services.request_transition(
            request_id=case.pk,
            action="start",
            expected_version=case.version,
            actor=other_expert.user,
        )
    started = services.request_transition(
        request_id=case.pk, action="start", expected_version=case.version, actor=cases.expert.user
    )
    assert started.status == Status.IN_PROGRESS


def test_staff_cannot_withdraw_on_behalf_of_the_requester(cases):
    case = cases.at(Status.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.request_transition(
            request_id=case.pk, action="withdraw", expected_version=case.version, actor=cases.staff
        )


def test_another_member_of_the_same_jst_may_withdraw(cases):
    case = cases.at(Status.ACCEPTED)
    colleague = MembershipFactory(organisation=case.organisation).user
    withdrawn = services.request_transition(
        request_id=case.pk, action="withdraw", expected_version=case.version, actor=colleague
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.due_on is None


def test_reject_requires_a_reason(cases):
    case = cases.at(Status.SUBMITTED)
    with pytest.raises(TransitionNotAllowed, match="Podaj powód odrzucenia"):
        cases.step(case, "reject", reason="   ")
    rejected = cases.step(case, "reject", reason="Temat poza zakresem projektu.")
    assert rejected.rejection_reason == "Temat poza zakresem projektu."


def test_complete_requires_a_recorded_consultation(cases):
    case = cases.at(Status.IN_PROGRESS)
    with pytest.raises(TransitionNotAllowed, match="bez co najmniej jednej zapisanej konsultacji"):
        cases.step(case, "complete")


def test_schedule_requires_a_date_and_assignment_an_active_expert(cases):
    case = cases.at(Status.EXPERT_ASSIGNED)
    with pytest.raises(TransitionNotAllowed, match="Podaj termin"):
        cases.step(case, "schedule", scheduled_for=None)
    accepted = cases.at(Status.ACCEPTED)
    inactive = ExpertFactory(is_active=False)
    with pytest.raises(TransitionNotAllowed, match="aktywnego eksperta"):
        cases.step(accepted, "assign_expert", expert=inactive)


def test_submission_sets_number_and_deadlines(cases):
    case = cases.at(Status.SUBMITTED)
    second = cases.at(Status.SUBMITTED)
    assert case.number.startswith("DOR/") and case.number.endswith("/0001")
    assert second.number.endswith("/0002")
    assert case.first_response_due < case.resolution_due
    assert case.due_on == case.first_response_due
    accepted = cases.step(case, "accept")
    assert accepted.due_on == accepted.resolution_due and accepted.first_responded_at


def test_incomplete_draft_cannot_be_submitted(cases):
    draft = cases.draft(description="", rodo_consent=False, topics=[])
    with pytest.raises(IncompleteRequest) as error:
        cases.step(draft, "submit")
    assert "Opisz potrzebę" in error.value.message
    assert "informacją o przetwarzaniu danych osobowych" in error.value.message
    assert AdvisoryRequest.objects.get(pk=draft.pk).status == Status.DRAFT


def test_draft_can_be_saved_and_finished_later(cases):
    draft = cases.draft(description="", topics=[])
    topic = AdvisoryTopicFactory()
    updated = services.request_draft_save(
        actor=draft.requester,
        organisation=draft.organisation,
        request=draft,
        expected_version=draft.version,
        topics=[topic],
        description="Program współpracy z NGO na 2027 r.",
        contact_name="Jan",
        contact_email="jan@example.org",
        rodo_consent=True,
    )
    assert updated.version == draft.version + 1
    submitted = cases.step(updated, "submit")
    assert submitted.status == Status.SUBMITTED
    assert list(submitted.topics.all()) == [topic]


def test_user_without_approved_jst_membership_cannot_create_a_request():
    owes_member = MembershipFactory(organisation=OrganisationFactory()).user
    pending = MembershipFactory(organisation=JstFactory(), status="pending")
    for user, organisation in [
        (owes_member, owes_member.memberships.get().organisation),
        (pending.user, pending.organisation),
    ]:
        with pytest.raises(NotJstMember) as error:
            services.request_draft_save(actor=user, organisation=organisation, topics=[])
        assert "zatwierdzone" in error.value.message
    assert AdvisoryRequest.objects.count() == 0


def test_wrong_attachment_type_or_size_saves_nothing(settings):
    user = jst_member()
    organisation = user.memberships.get().organisation
    with pytest.raises(ValidationError, match="niedozwolony typ"):
        services.request_draft_save(
            actor=user, organisation=organisation, topics=[], attachments=(exe_upload(),)
        )
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="za duży"):
        services.request_draft_save(
            actor=user, organisation=organisation, topics=[], attachments=(pdf_upload(size=5000),)
        )
    assert AdvisoryRequest.objects.count() == 0


def test_internal_notes_are_internal_and_not_mailed_to_the_requester(cases):
    case = cases.at(Status.EXPERT_ASSIGNED)
    OutboundEmail.objects.all().delete()
    services.case_message_post(
        request_id=case.pk, actor=cases.staff, body="Gmina ma zaległy program.", internal=True
    )
    note = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert note.is_internal
    recipients = set(OutboundEmail.objects.values_list("to", flat=True))
    assert case.requester.email not in recipients and case.contact_email not in recipients
    assert cases.expert.email in recipients


def test_requester_cannot_post_internal_notes(cases):
    case = cases.at(Status.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.case_message_post(
            request_id=case.pk, actor=case.requester, body="x", internal=True
        )


def test_no_messages_after_the_case_is_closed(cases):
    case = cases.at(Status.CLOSED)
    with pytest.raises(TransitionNotAllowed, match="nie można już dodawać"):
        services.case_message_post(
            request_id=case.pk, actor=case.requester, body="Jeszcze jedno pytanie"
        )


def test_consultation_only_by_assigned_expert_or_staff_and_in_the_right_status(cases):
    case = cases.at(Status.ACCEPTED)
    with pytest.raises(TransitionNotAllowed):
        services.consultation_record(
            request_id=case.pk,
            actor=cases.staff,
            held_on=case.submitted_at.date(),
            form="phone",
            duration_minutes=30,
        )
    scheduled = cases.at(Status.SCHEDULED)
    with pytest.raises(PermissionDenied):
        services.consultation_record(
            request_id=scheduled.pk,
            actor=scheduled.requester,
            held_on=scheduled.submitted_at.date(),
            form="phone",
            duration_minutes=30,
        )
    consultation = services.consultation_record(
        request_id=scheduled.pk,
        actor=cases.expert.user,
        held_on=scheduled.submitted_at.date(),
        form="phone",
        duration_minutes=75,
        recommendations="Powołać radę pożytku.",
    )
    assert consultation.hours == "1:15"
    assert scheduled.events.filter(kind=CaseEvent.Kind.CONSULTATION).exists()


def test_status_changes_notify_requester_and_expert(cases):
    case = cases.at(Status.ACCEPTED)
    OutboundEmail.objects.all().delete()
    cases.step(case, "assign_expert")
    emails = list(OutboundEmail.objects.all())
    assert sorted(m.to for m in emails) == sorted(
        {case.requester.email, case.contact_email, cases.expert.email}
    )
    assert all(case.number in m.subject for m in emails)
    expert_mail = next(m for m in emails if m.to == cases.expert.email)
    requester_mail = next(m for m in emails if m.to == case.requester.email)
    assert f"/doradztwo/sprawy/{case.pk}/" in expert_mail.body_text
    assert f"/doradztwo/wnioski/{case.pk}/" in requester_mail.body_text


def test_requester_reply_notifies_the_expert_not_the_requester(cases):
    case = cases.at(Status.IN_PROGRESS)
    OutboundEmail.objects.all().delete()
    services.case_message_post(
        request_id=case.pk,
        actor=case.requester,
        body="Przesyłamy projekt.",
        attachments=(pdf_upload(),),
    )
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [cases.expert.email]
    reply = case.events.get(kind=CaseEvent.Kind.REPLY)
    assert reply.attachments.get().original_name == "uchwala.pdf"


def test_submission_is_confirmed_to_the_requester_and_announced_to_the_contact_point(cases):
    from advisory.models import AdvisorySettings

    settings_row = AdvisorySettings.load()
    settings_row.contact_email = "doradztwo@rops.example.org"
    settings_row.save()
    draft = cases.draft()
    OutboundEmail.objects.all().delete()
    case = cases.step(draft, "submit")
    by_recipient = {m.to: m for m in OutboundEmail.objects.all()}
    assert set(by_recipient) == {
        case.requester.email,
        case.contact_email,
        "doradztwo@rops.example.org",
    }
    assert (
        f"/admin/advisory/advisoryrequest/{case.pk}/"
        in by_recipient["doradztwo@rops.example.org"].body_text
    )
    assert "złożony" in by_recipient[case.requester.email].subject
