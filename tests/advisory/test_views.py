"""Pages of the advisory app: the happy path and every refusal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advisory import services
from advisory.models import AdvisoryRequest, AdvisorySettings, CaseAttachment, CaseEvent
from tests.factories import UserFactory
from tests.partners.factories import JstFactory, MembershipFactory, OrganisationFactory

from .factories import AdvisoryTopicFactory, ExpertFactory, exe_upload, jst_member, pdf_upload

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status


def form_data(topic, user=None, **overrides):
    membership = user.memberships.first() if user else None
    data = {
        "organisation": membership.organisation_id if membership else "",
        "topics": [topic.pk],
        "description": "Potrzebujemy pomocy przy lokalnym planie rozwoju ekonomii społecznej.",
        "documents_concerned": "Lokalny plan rozwoju ES",
        "preferred_form": "on_site",
        "preferred_dates": "czerwiec",
        "contact_name": "Ewa Nowak",
        "contact_email": "ewa@gmina.example.org",
        "contact_phone": "58 000 00 01",
        "rodo_consent": "on",
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_home_shows_topics_contact_and_links_for_members(client):
    topic = AdvisoryTopicFactory(name="Rady działalności pożytku publicznego (test)")
    settings_row = AdvisorySettings.load()
    settings_row.contact_name = "Marta Doradcza"
    settings_row.contact_phone = "58 999 88 77"
    settings_row.save()
    html = client.get(reverse("advisory:advisory_home")).content.decode()
    assert topic.name in html and "Marta Doradcza" in html and "58 999 88 77" in html
    assert reverse("advisory:request_create") in html  # the login link leads back to the form
    user = jst_member()
    client.force_login(user)
    html = client.get(reverse("advisory:advisory_home")).content.decode()
    assert "Moje wnioski" in html and reverse("advisory:request_list") in html


def test_seeded_catalogue_contains_the_domain_topics():
    from advisory.models import AdvisoryTopic

    names = set(AdvisoryTopic.objects.values_list("name", flat=True))
    assert "Zlecanie zadań publicznych podmiotom ekonomii społecznej" in names
    assert "Lokalny plan rozwoju ekonomii społecznej" in names
    assert len(names) >= 9


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("advisory:request_create"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["owes", "pending_jst", "none"])
def test_non_member_gets_a_polish_explanation_and_nothing_is_created(client, kind):
    user = UserFactory()
    if kind == "owes":
        MembershipFactory(user=user, organisation=OrganisationFactory())
    elif kind == "pending_jst":
        MembershipFactory(user=user, organisation=JstFactory(), status="pending")
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(reverse("advisory:request_create"), form_data(topic, user))
    assert response.status_code == 403
    assert "może złożyć tylko osoba" in response.content.decode()
    assert AdvisoryRequest.objects.count() == 0


def test_submit_request_with_pdf(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"), {**form_data(topic, user), "attachment": pdf_upload()}
    )
    case = AdvisoryRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "advisory:request_detail", args=[case.pk]
    )
    assert case.status == Status.SUBMITTED and case.rodo_consent_at is not None
    assert case.attachments.get().original_name == "uchwala.pdf"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "uchwala.pdf" in page


def test_draft_saved_without_required_fields_and_finished_later(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"),
        {
            **form_data(topic, user, description="", rodo_consent="", topics=[]),
            "submit": "",
            "save_draft": "1",
        },
    )
    draft = AdvisoryRequest.objects.get()
    assert response.status_code == 302 and draft.status == Status.DRAFT
    edit_url = reverse("advisory:request_edit", args=[draft.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {**form_data(topic, user), "version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_submit_with_missing_fields_shows_errors_next_to_fields(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"), form_data(topic, user, description="", rodo_consent="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Opisz potrzebę doradczą." in html
        and "Prosimy potwierdzić zapoznanie się z informacją o przetwarzaniu danych osobowych."
        in html
    )
    assert 'aria-invalid="true"' in html
    assert AdvisoryRequest.objects.count() == 0


def test_failed_submit_keeps_the_attached_file_in_a_draft_and_says_so(client):
    """The file was dropped while the banner said nothing was lost."""
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"),
        {**form_data(topic, user, description=""), "attachment": pdf_upload("diagnoza.pdf")},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Opisz potrzebę doradczą." in html
    draft = AdvisoryRequest.objects.get()
    assert draft.status == Status.DRAFT and draft.attachments.get().original_name == "diagnoza.pdf"
    assert "Plik „diagnoza.pdf” został zapisany w szkicu wniosku" in html
    edit_url = reverse("advisory:request_edit", args=[draft.pk])
    assert f'action="{edit_url}"' in html and f'name="version" value="{draft.version}"' in html

    response = client.post(edit_url, {**form_data(topic, user), "version": draft.version})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == Status.SUBMITTED
    assert AdvisoryRequest.objects.count() == 1 and draft.attachments.count() == 1


def test_failed_submit_that_cannot_keep_the_file_says_to_attach_it_again(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"),
        {
            **form_data(topic, user, contact_email="to nie e-mail"),
            "attachment": pdf_upload("diagnoza.pdf"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Plik „diagnoza.pdf” nie został zapisany – prosimy wybrać go ponownie" in html
    assert "nie zostało utracone" not in html
    assert AdvisoryRequest.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_wrong_attachment_type_is_refused_with_a_message_and_nothing_saved(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"), {**form_data(topic, user), "attachment": exe_upload()}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "niedozwolony typ" in html
    assert AdvisoryRequest.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_too_large_attachment_is_refused(client, settings):
    settings.UPLOAD_MAX_BYTES = 1500
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    response = client.post(
        reverse("advisory:request_create"),
        {**form_data(topic, user), "attachment": pdf_upload(size=4000)},
    )
    assert "jest za duży" in response.content.decode()
    assert AdvisoryRequest.objects.count() == 0


def test_jst_sees_only_its_own_cases(client, cases):
    mine = cases.at(Status.SUBMITTED)
    theirs = cases.at(Status.SUBMITTED)
    client.force_login(mine.requester)
    listing = client.get(reverse("advisory:request_list")).content.decode()
    assert mine.number in listing and theirs.number not in listing
    for name in ["advisory:request_detail", "advisory:request_edit", "advisory:card_download"]:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    attachment = services.case_message_post(
        request_id=theirs.pk, actor=theirs.requester, body="plik", attachments=(pdf_upload(),)
    ).attachments.get()
    url = reverse("advisory:attachment_download", args=[theirs.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("advisory:request_withdraw", args=[theirs.pk]), {"version": theirs.version}
        ).status_code
        == 404
    )
    assert AdvisoryRequest.objects.get(pk=theirs.pk).status == Status.SUBMITTED


def test_expert_sees_only_assigned_cases(client, cases):
    assigned = cases.at(Status.EXPERT_ASSIGNED)
    not_assigned = cases.at(Status.ACCEPTED)
    client.force_login(cases.expert.user)
    listing = client.get(reverse("advisory:case_list")).content.decode()
    assert assigned.number in listing and not_assigned.number not in listing
    assert client.get(reverse("advisory:case_detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("advisory:case_detail", args=[not_assigned.pk])).status_code == 404
    other_expert = ExpertFactory()
    client.force_login(other_expert.user)
    assert client.get(reverse("advisory:case_detail", args=[assigned.pk])).status_code == 404


def test_requester_and_ordinary_users_cannot_open_the_case_workspace(client, cases):
    case = cases.at(Status.ACCEPTED)
    client.force_login(case.requester)
    assert client.get(reverse("advisory:case_list")).status_code == 404
    assert client.get(reverse("advisory:case_detail", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("advisory:case_transition", args=[case.pk]),
        {"action": "reject", "version": case.version},
    )
    assert response.status_code == 404
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_internal_notes_and_files_never_reach_the_requester(client, cases):
    case = cases.at(Status.EXPERT_ASSIGNED)
    note = services.case_message_post(
        request_id=case.pk,
        actor=cases.staff,
        body="TAJNA-NOTATKA o budżecie gminy",
        internal=True,
        attachments=(pdf_upload("analiza-wewnetrzna.pdf"),),
    )
    services.case_message_post(
        request_id=case.pk, actor=cases.staff, body="Prosimy o projekt uchwały."
    )
    internal_file = note.attachments.get()
    client.force_login(case.requester)
    html = client.get(reverse("advisory:request_detail", args=[case.pk])).content.decode()
    assert "Prosimy o projekt uchwały." in html
    assert "TAJNA-NOTATKA" not in html and "analiza-wewnetrzna.pdf" not in html
    url = reverse("advisory:attachment_download", args=[case.pk, internal_file.pk])
    assert client.get(url).status_code == 404
    client.force_login(cases.expert.user)
    html = client.get(reverse("advisory:case_detail", args=[case.pk])).content.decode()
    assert "TAJNA-NOTATKA" in html
    assert client.get(url).status_code == 200


def test_invalid_transition_from_the_page_shows_a_polish_message(client, cases):
    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    response = client.post(
        reverse("advisory:case_transition", args=[case.pk]),
        {"action": "close", "version": case.version},
        follow=True,
    )
    assert (
        "Nie można wykonać czynności „Zamknij sprawę”, gdy wniosek ma status „złożony”."
        in response.content.decode()
    )
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_stale_form_shows_the_concurrent_change_message(client, cases):
    case = cases.at(Status.SUBMITTED)
    cases.step(case, "accept")
    client.force_login(cases.staff)
    response = client.post(
        reverse("advisory:case_transition", args=[case.pk]),
        {"action": "reject", "version": case.version, "reason": "x"},
        follow=True,
    )
    assert "Ktoś inny zmienił tę sprawę w międzyczasie" in response.content.decode()
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_requester_withdraws_and_replies(client, cases):
    case = cases.at(Status.SCHEDULED)
    client.force_login(case.requester)
    response = client.post(
        reverse("advisory:request_message", args=[case.pk]),
        {"body": "Dołączamy projekt.", "attachment": pdf_upload()},
    )
    assert response.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.REPLY, body="Dołączamy projekt.").exists()
    response = client.post(
        reverse("advisory:request_message", args=[case.pk]),
        {"body": "", "attachment": exe_upload()},
    )
    assert response.status_code == 400 and "niedozwolony typ" in response.content.decode()
    client.post(reverse("advisory:request_withdraw", args=[case.pk]), {"version": case.version})
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.WITHDRAWN


def test_done_when_scenario(client, cases, django_capture_on_commit_callbacks):
    """JST submits with a PDF, staff assign an expert, two consultations, completion, card download."""
    official = jst_member()
    topic = AdvisoryTopicFactory()
    client.force_login(official)
    client.post(
        reverse("advisory:request_create"),
        {**form_data(topic, official), "attachment": pdf_upload()},
    )
    case = AdvisoryRequest.objects.get()

    client.force_login(cases.staff)
    for data in (
        {"action": "accept"},
        {"action": "assign_expert", "expert": cases.expert.pk},
    ):
        case.refresh_from_db()
        client.post(
            reverse("advisory:case_transition", args=[case.pk]), {**data, "version": case.version}
        )
    case.refresh_from_db()
    assert case.status == Status.EXPERT_ASSIGNED and case.expert == cases.expert

    client.force_login(cases.expert.user)
    case_url = reverse("advisory:case_transition", args=[case.pk])
    client.post(
        case_url,
        {"action": "schedule", "version": case.version, "scheduled_for": "2026-06-02T10:00"},
    )
    case.refresh_from_db()
    client.post(case_url, {"action": "start", "version": case.version})
    today = timezone.localdate().isoformat()
    for minutes in (90, 120):
        response = client.post(
            reverse("advisory:consultation_create", args=[case.pk]),
            {
                "held_on": today,
                "form": "online",
                "duration_minutes": minutes,
                "recommendations": "Rekomendacja",
            },
        )
        assert response.status_code == 302
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(case_url, {"action": "complete", "version": case.version})
    case.refresh_from_db()
    assert case.status == Status.COMPLETED and case.consultations.count() == 2
    assert case.card_pdf

    client.force_login(official)
    response = client.get(reverse("advisory:card_download", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_card_page_says_being_prepared_until_the_file_exists(
    client, cases, django_capture_on_commit_callbacks
):
    case = cases.at(Status.COMPLETED)  # on_commit never runs here, so no card yet
    requested_at = AdvisoryRequest.objects.get(pk=case.pk).card_requested_at
    assert requested_at is not None  # completing the case asked for the card
    client.force_login(case.requester)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(reverse("advisory:card_download", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 202 and "jest przygotowywana" in html
    # The page does not refresh itself (WCAG 2.2.1); the person checks again with a link.
    assert 'http-equiv="refresh"' not in html.lower() and "Sprawdź, czy karta jest gotowa" in html
    # A GET changes nothing: nothing queued, the request time untouched.
    assert queued == []
    assert AdvisoryRequest.objects.get(pk=case.pk).card_requested_at == requested_at


def test_downloading_a_missing_card_never_queues_it_only_the_post_button_does(
    client, cases, django_capture_on_commit_callbacks
):
    case = cases.at(Status.COMPLETED)
    AdvisoryRequest.objects.filter(pk=case.pk).update(card_requested_at=None)
    client.force_login(cases.staff)
    with django_capture_on_commit_callbacks() as queued:
        html = client.get(reverse("advisory:card_download", args=[case.pk])).content.decode()
    assert queued == [] and AdvisoryRequest.objects.get(pk=case.pk).card_requested_at is None
    assert (
        "nie została jeszcze przygotowana" in html
        and reverse("advisory:card_request", args=[case.pk]) in html
    )
    assert client.get(reverse("advisory:card_request", args=[case.pk])).status_code == 405

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("advisory:card_request", args=[case.pk]))
    assert response.status_code == 302 and len(queued) == 1
    case.refresh_from_db()
    assert case.card_requested_at is not None and case.card_pdf  # the eager task rendered it
    response = client.get(reverse("advisory:card_download", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_card_is_not_available_before_completion(client, cases):
    case = cases.at(Status.IN_PROGRESS)
    client.force_login(case.requester)
    assert client.get(reverse("advisory:card_download", args=[case.pk])).status_code == 404


def test_admin_queue_filters_export_and_bulk_assignment(client, cases):
    first = cases.at(Status.ACCEPTED)
    second = cases.at(Status.ACCEPTED)
    submitted = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    changelist = reverse("admin:advisory_advisoryrequest_changelist")
    html = client.get(changelist, {"status": "accepted"}).content.decode()
    assert first.number in html and submitted.number not in html
    powiat = first.organisation.seat_gmina.parent
    html = client.get(changelist, {"powiat": powiat.pk}).content.decode()
    assert first.number in html and second.number not in html
    assert client.get(changelist, {"termin": "po"}).status_code == 200

    expert = ExpertFactory()
    selected = [first.pk, second.pk, submitted.pk]
    page = client.post(changelist, {"action": "assign_expert", "_selected_action": selected})
    assert page.status_code == 200 and "Przydziel eksperta" in page.content.decode()
    response = client.post(
        changelist,
        {
            "action": "assign_expert",
            "apply": "1",
            "expert": expert.pk,
            "_selected_action": selected,
            **{f"version_{c.pk}": c.version for c in (first, second, submitted)},
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Przydzielono eksperta do spraw: 2." in html
    assert submitted.number in html and "Nie można wykonać czynności" in html
    assert set(AdvisoryRequest.objects.filter(expert=expert).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }

    columns = {
        f"advisoryrequestresource_{f}": "on"
        for f in ["number", "status", "powiat", "topics", "expert", "hours"]
    }
    export_url = reverse("admin:advisory_advisoryrequest_export")
    csv_export = client.post(export_url, {"format": "0", "resource": "0", **columns})
    assert csv_export.status_code == 200
    assert (
        first.number in csv_export.content.decode() and powiat.name in csv_export.content.decode()
    )
    xlsx_export = client.post(export_url, {"format": "1", "resource": "0", **columns})
    assert xlsx_export.status_code == 200 and xlsx_export.content.startswith(b"PK")


def test_admin_change_page_links_to_the_workspace(client, cases):
    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    html = client.get(
        reverse("admin:advisory_advisoryrequest_change", args=[case.pk])
    ).content.decode()
    assert reverse("advisory:case_detail", args=[case.pk]) in html


def test_stale_draft_form_is_refused_and_bad_version_is_not_a_500(client):
    user = jst_member()
    client.force_login(user)
    topic = AdvisoryTopicFactory()
    client.post(
        reverse("advisory:request_create"),
        {**form_data(topic, user), "submit": "", "save_draft": "1"},
    )
    draft = AdvisoryRequest.objects.get()
    edit_url = reverse("advisory:request_edit", args=[draft.pk])
    for version in (draft.version - 1, "abc"):
        response = client.post(
            edit_url,
            {**form_data(topic, user, description="Nowy opis"), "version": version},
            follow=True,
        )
        assert response.status_code == 200
        assert "Ktoś inny zmienił tę sprawę" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AdvisoryRequest.Status.DRAFT and draft.description != "Nowy opis"


def test_request_form_does_not_present_consent_as_the_legal_basis(client):
    from tests.advisory.factories import jst_member

    client.force_login(jst_member())
    html = client.get(reverse("advisory:request_create")).content.decode()
    assert "Wyrażam zgodę" not in html
    assert "art. 6 ust. 1 lit. e RODO" in html
