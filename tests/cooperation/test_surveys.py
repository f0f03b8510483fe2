"""Surveys: sending, filling in, the single submission, reminders, results and exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cooperation import services
from cooperation.exceptions import CooperationError
from cooperation.models import Survey, SurveyResponse
from partners.models import Membership, Organisation
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.concurrency import run_together
from tests.factories import RoleUserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory, SubregionFactory

from .factories import GroupMemberFactory, survey_with_questions

pytestmark = pytest.mark.django_db


def admin_of(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


def sent_survey(*, organisations=None, deadline_in_days=10):
    survey, questions = survey_with_questions(deadline_in_days=deadline_in_days)
    organisations = organisations or [OrganisationFactory(is_verified=True)]
    group = GroupMemberFactory(organisation=organisations[0]).group
    for organisation in organisations[1:]:
        GroupMemberFactory(group=group, organisation=organisation)
    services.survey_send(
        survey=survey,
        deadline=survey.deadline,
        group=group,
        actor=RoleUserFactory(role=roles.REGISTRY_EDITOR),
    )
    return survey, questions


def test_send_chooses_by_kind_and_subregion_and_invites_administrators_once():
    subregion = SubregionFactory()
    owes_in = OrganisationFactory(
        is_verified=True, kind=Organisation.Kind.OWES, served_subregion=subregion
    )
    owes_out = OrganisationFactory(is_verified=True, kind=Organisation.Kind.OWES)
    OrganisationFactory(is_verified=True, kind=Organisation.Kind.LGD, served_subregion=subregion)
    OrganisationFactory(is_verified=False, kind=Organisation.Kind.OWES, served_subregion=subregion)
    administrator = admin_of(owes_in)
    MembershipFactory(organisation=owes_in)  # an ordinary member gets no invitation
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    survey, _questions = survey_with_questions()
    assert (
        services.survey_send(
            survey=survey,
            deadline=survey.deadline,
            kinds=["owes"],
            subregion=subregion,
            actor=staff,
        )
        == 1
    )
    assert list(survey.responses.values_list("organisation", flat=True)) == [owes_in.pk]
    assert OutboundEmail.objects.filter(to=administrator.email).count() == 1
    assert OutboundEmail.objects.count() == 1
    # Sending again with wider criteria adds only the new organisation and invites nobody twice.
    assert (
        services.survey_send(survey=survey, deadline=survey.deadline, kinds=["owes"], actor=staff)
        == 1
    )
    assert set(survey.responses.values_list("organisation", flat=True)) == {owes_in.pk, owes_out.pk}
    assert OutboundEmail.objects.filter(to=administrator.email).count() == 1
    assert AuditLogEntry.objects.filter(action="cooperation.survey.send", actor=staff).count() == 2


def test_send_needs_a_future_deadline_and_recipients():
    survey, _questions = survey_with_questions()
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    with pytest.raises(CooperationError) as error:
        services.survey_send(
            survey=survey, deadline=timezone.now() - timedelta(hours=1), actor=staff
        )
    assert error.value.field == "deadline"
    with pytest.raises(CooperationError):
        services.survey_send(survey=survey, deadline=survey.deadline, kinds=["cus"], actor=staff)
    assert not SurveyResponse.objects.exists()


def test_missing_required_answer_keeps_the_draft_and_then_submits_once():
    survey, questions = sent_survey()
    response = survey.responses.get()
    person = admin_of(response.organisation)
    with pytest.raises(services.MissingAnswers) as error:
        services.response_submit(
            response=response, answers={questions["comment"].pk: "Wstępne dane"}, actor=person
        )
    assert error.value.question_ids == [questions["jobs"].pk]
    response.refresh_from_db()
    assert (
        response.status == "draft"
        and response.answers[str(questions["comment"].pk)] == "Wstępne dane"
    )
    services.response_submit(response=response, answers={questions["jobs"].pk: "12"}, actor=person)
    response.refresh_from_db()
    assert response.status == "submitted" and response.submitted_by == person
    assert response.answers == {
        str(questions["comment"].pk): "Wstępne dane",
        str(questions["jobs"].pk): "12",
    }
    with pytest.raises(CooperationError):
        services.response_submit(
            response=response, answers={questions["jobs"].pk: "99"}, actor=person
        )
    with pytest.raises(CooperationError):
        services.response_save_draft(
            response=response, answers={questions["jobs"].pk: "99"}, actor=person
        )
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    services.response_reopen(response=response, actor=staff)
    services.response_submit(response=response, answers={questions["jobs"].pk: "13"}, actor=person)
    response.refresh_from_db()
    assert response.answers[str(questions["jobs"].pk)] == "13"
    actions = list(
        AuditLogEntry.objects.filter(action__startswith="cooperation.response").values_list(
            "action", flat=True
        )
    )
    assert (
        actions.count("cooperation.response.submit") == 2
        and "cooperation.response.reopen" in actions
    )


def test_nothing_is_accepted_after_the_deadline():
    survey, questions = sent_survey()
    response = survey.responses.get()
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(CooperationError) as error:
        services.response_submit(
            response=response,
            answers={questions["jobs"].pk: "3"},
            actor=admin_of(response.organisation),
        )
    assert "Termin odpowiedzi minął" in error.value.message
    response.refresh_from_db()
    assert response.status == "pending"


@pytest.mark.django_db(transaction=True)
def test_two_administrators_submitting_at_once_make_one_submission():
    survey, questions = sent_survey()
    response = survey.responses.get()
    first, second = admin_of(response.organisation), admin_of(response.organisation)

    def submit(person, value):
        return lambda: services.response_submit(
            response=response, answers={questions["jobs"].pk: value}, actor=person
        )

    results, errors = run_together([submit(first, "5"), submit(second, "7")])
    assert sum(result is not None for result in results) == 1
    assert sum(isinstance(error, CooperationError) for error in errors) == 1
    assert AuditLogEntry.objects.filter(action="cooperation.response.submit").count() == 1


def test_reminders_go_once_per_stage_however_often_the_task_runs():
    survey, _questions = sent_survey(
        organisations=[OrganisationFactory(is_verified=True), OrganisationFactory(is_verified=True)]
    )
    answered, waiting = survey.responses.order_by("pk")
    answered_admin, waiting_admin = admin_of(answered.organisation), admin_of(waiting.organisation)
    SurveyResponse.objects.filter(pk=answered.pk).update(status="submitted")
    deadline = survey.deadline
    assert services.survey_reminders_send(now=deadline - timedelta(days=8)) == 0  # too early
    assert services.survey_reminders_send(now=deadline - timedelta(days=6)) == 1
    assert services.survey_reminders_send(now=deadline - timedelta(days=5)) == 0
    assert services.survey_reminders_send(now=deadline - timedelta(hours=20)) == 1  # the last call
    assert services.survey_reminders_send(now=deadline - timedelta(hours=2)) == 0
    assert services.survey_reminders_send(now=deadline + timedelta(hours=1)) == 0
    assert OutboundEmail.objects.filter(to=waiting_admin.email).count() == 2
    assert not OutboundEmail.objects.filter(to=answered_admin.email).exists()


def test_copy_keeps_sections_and_questions_without_responses():
    survey, questions = sent_survey()
    copy = services.survey_copy(
        survey=survey,
        title="Ankieta roczna OWES 2027",
        actor=RoleUserFactory(role=roles.REGISTRY_EDITOR),
    )
    assert copy.status == "draft" and copy.copied_from == survey and not copy.responses.exists()
    assert [q.text for q in copy.questions()] == [q.text for q in survey.questions()]


# --- pages ---------------------------------------------------------------------------------


def fill_url(response):
    return reverse("cooperation:response_fill", args=[response.pk])


def test_wrong_kind_of_answer_gets_a_polish_message_and_keeps_what_was_typed(client):
    survey, questions = sent_survey()
    response = survey.responses.get()
    client.force_login(admin_of(response.organisation))
    page = client.post(
        fill_url(response),
        {
            f"q_{questions['jobs'].pk}": "dużo",
            f"q_{questions['comment'].pk}": "Nasze uwagi",
            "submit": "1",
        },
    )
    assert page.status_code == 400
    content = page.content.decode()
    assert (
        "Proszę wpisać liczbę" in content and "Nasze uwagi" in content and 'value="dużo"' in content
    )
    page = client.post(
        fill_url(response), {f"q_{questions['comment'].pk}": "Nasze uwagi", "submit": "1"}
    )
    assert page.status_code == 400 and "To pytanie jest obowiązkowe" in page.content.decode()
    response.refresh_from_db()
    assert (
        response.status == "draft"
        and response.answers[str(questions["comment"].pk)] == "Nasze uwagi"
    )
    page = client.post(
        fill_url(response),
        {f"q_{questions['jobs'].pk}": "4,5", f"q_{questions['plan'].pk}": "tak", "submit": "1"},
    )
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.status == "submitted" and response.answers[str(questions["jobs"].pk)] == "4.5"


@pytest.mark.parametrize(
    "who", ["ordinary_member", "other_admin", "staff_without_role", "anonymous"]
)
def test_only_the_organisations_administrators_fill_in(client, who):
    survey, questions = sent_survey()
    response = survey.responses.get()
    if who == "ordinary_member":
        client.force_login(MembershipFactory(organisation=response.organisation).user)
    elif who == "other_admin":
        client.force_login(admin_of(OrganisationFactory(is_verified=True)))
    elif who == "staff_without_role":
        client.force_login(RoleUserFactory(role=None))
    result = client.post(fill_url(response), {f"q_{questions['jobs'].pk}": "3", "submit": "1"})
    assert result.status_code in (302, 404)
    if who != "anonymous":
        assert result.status_code == 404
    response.refresh_from_db()
    assert response.status == "pending"


@pytest.mark.parametrize(
    "name",
    ["survey_results", "survey_send", "survey_copy", "survey_export_csv", "survey_export_xlsx"],
)
def test_staff_pages_refuse_people_without_the_permission(client, name):
    survey, _questions = sent_survey()
    for user in (RoleUserFactory(role=None), admin_of(survey.responses.get().organisation)):
        client.force_login(user)
        assert client.get(reverse(f"cooperation:{name}", args=[survey.pk])).status_code == 403
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    expected = 403 if name in ("survey_send", "survey_copy") else 200
    assert client.get(reverse(f"cooperation:{name}", args=[survey.pk])).status_code == expected


def test_results_show_the_rate_and_sums_and_exports_are_formula_safe(client):
    first = OrganisationFactory(is_verified=True, name='=HYPERLINK("http://zly.example")')
    second = OrganisationFactory(is_verified=True, kind=Organisation.Kind.LGD)
    survey, questions = sent_survey(organisations=[first, second])
    response = survey.responses.get(organisation=first)
    services.response_submit(
        response=response,
        answers={questions["jobs"].pk: "7", questions["comment"].pk: "+cmd"},
        actor=admin_of(first),
    )
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    page = client.get(reverse("cooperation:survey_results", args=[survey.pk]))
    content = page.content.decode()
    assert "Odpowiedziało 1 z 2 organizacji (50%)" in content
    assert page.context["results"]["sums"][0]["value"] == 7
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("cooperation:survey_export_csv", args=[survey.pk])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 3
    assert rows[0][4:] == [q.text for q in survey.questions()]
    escaped = [row for row in rows if row[0].startswith("'=")][0]
    assert escaped[4] == "7" and escaped[5] == "'+cmd"
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("cooperation:survey_export_xlsx", args=[survey.pk])).content)
    )
    assert workbook.active.max_row == 3
    assert all(
        not str(cell.value or "").startswith("=")
        for row in workbook.active.iter_rows()
        for cell in row
    )


def test_staff_send_page_shows_errors_next_to_fields(client):
    survey, _questions = survey_with_questions()
    survey.save()
    client.force_login(RoleUserFactory(role=roles.REGISTRY_EDITOR))
    page = client.post(
        reverse("cooperation:survey_send", args=[survey.pk]),
        {"kinds": ["owes"], "deadline": "2020-01-01T10:00"},
    )
    assert (
        page.status_code == 400
        and "Termin odpowiedzi musi przypadać w przyszłości." in page.content.decode()
    )
    assert not SurveyResponse.objects.exists()


def test_a_submitted_survey_shows_the_answers_read_only(client):
    survey, questions = sent_survey()
    response = survey.responses.get()
    person = admin_of(response.organisation)
    services.response_submit(
        response=response,
        answers={questions["jobs"].pk: "12", questions["comment"].pk: "Bez uwag"},
        actor=person,
    )
    client.force_login(person)
    page = client.get(fill_url(response)).content.decode()
    assert "<dd>12</dd>" in page and "<dd>Bez uwag</dd>" in page and "Wyślij ankietę" not in page


def test_a_file_answer_is_served_only_to_staff_with_the_permission_and_the_organisation(
    client, settings
):
    from cooperation.models import AnswerFile, Question
    from tests.advisory.factories import exe_upload, pdf_upload

    survey, questions = sent_survey(
        organisations=[OrganisationFactory(is_verified=True), OrganisationFactory(is_verified=True)]
    )
    report = Question.objects.create(
        section=questions["jobs"].section, text="Sprawozdanie roczne (PDF)", kind="file"
    )
    response = survey.responses.order_by("pk").first()
    other_response = survey.responses.order_by("pk").last()
    person = admin_of(response.organisation)
    client.force_login(person)
    # A file of the wrong kind is refused next to the field; what was typed stays.
    page = client.post(
        fill_url(response),
        {
            f"q_{questions['jobs'].pk}": "3",
            f"q_{report.pk}": exe_upload("sprawozdanie.pdf"),
            "submit": "1",
        },
    )
    assert page.status_code == 400 and 'value="3"' in page.content.decode()
    assert not AnswerFile.objects.exists()
    page = client.post(
        fill_url(response),
        {
            f"q_{questions['jobs'].pk}": "3",
            f"q_{report.pk}": pdf_upload("sprawozdanie-2026.pdf"),
            "submit": "1",
        },
    )
    assert page.status_code == 302
    answer_file = AnswerFile.objects.get()
    url = reverse("cooperation:answer_file", args=[response.pk, answer_file.pk])
    # The organisation's administrator sees the link on the read-only answers and may download.
    assert url in client.get(fill_url(response)).content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # Staff who may see results get the link on the results page and the file.
    staff = RoleUserFactory(role=roles.REPORTING)
    client.force_login(staff)
    results = client.get(reverse("cooperation:survey_results", args=[survey.pk])).content.decode()
    assert f'href="{url}"' in results and "sprawozdanie-2026.pdf" in results
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = "/protected-media/"
    behind_nginx = client.get(url)
    assert behind_nginx.status_code == 200 and behind_nginx.content == b""
    assert behind_nginx["X-Accel-Redirect"] == "/protected-media/" + answer_file.file.name
    assert AuditLogEntry.objects.filter(
        action="cooperation.response.file_download", actor=staff
    ).exists()
    # Nobody else: staff without the role, an ordinary member, another organisation's
    # administrator, and the right file under another organisation's response.
    for outsider in (
        RoleUserFactory(role=None),
        MembershipFactory(organisation=response.organisation).user,
        admin_of(other_response.organisation),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(admin_of(other_response.organisation))
    wrong_pair = reverse("cooperation:answer_file", args=[other_response.pk, answer_file.pk])
    assert client.get(wrong_pair).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_staff_reopen_after_the_deadline_gives_a_correction_window_and_tells_the_administrators(
    client,
):
    survey, questions = sent_survey()
    response = survey.responses.get()
    person, second = admin_of(response.organisation), admin_of(response.organisation)
    services.response_submit(response=response, answers={questions["jobs"].pk: "12"}, actor=person)
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(days=3))
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    client.force_login(staff)
    page = client.post(
        reverse("cooperation:response_reopen", args=[survey.pk, response.pk]), follow=True
    )
    assert "Odpowiedź otwarto do poprawy." in page.content.decode()
    response.refresh_from_db()
    assert response.status == "draft" and response.correction_until > timezone.now()
    reopened = OutboundEmail.objects.filter(subject__startswith="Ankieta otwarta do poprawy")
    assert sorted(reopened.values_list("to", flat=True)) == sorted([person.email, second.email])
    # The correction is accepted although the survey's own deadline has passed ...
    services.response_submit(response=response, answers={questions["jobs"].pk: "13"}, actor=second)
    response.refresh_from_db()
    assert response.answers[str(questions["jobs"].pk)] == "13" and response.submitted_by == second
    # ... a second reopening is a new message, and after the correction window nothing is accepted.
    services.response_reopen(response=response, actor=staff)
    assert reopened.count() == 4
    SurveyResponse.objects.filter(pk=response.pk).update(
        correction_until=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(CooperationError) as error:
        services.response_save_draft(
            response=response, answers={questions["jobs"].pk: "14"}, actor=person
        )
    assert "Termin odpowiedzi minął" in error.value.message
    with pytest.raises(CooperationError):
        services.response_reopen(response=response, actor=staff)  # not submitted: nothing to reopen
    # Only staff who may manage surveys reopen.
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    assert (
        client.post(
            reverse("cooperation:response_reopen", args=[survey.pk, response.pk])
        ).status_code
        == 403
    )


def test_a_submission_after_the_deadline_is_refused_in_polish_and_keeps_what_was_typed(client):
    survey, questions = sent_survey()
    response = survey.responses.get()
    client.force_login(admin_of(response.organisation))
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    page = client.post(
        fill_url(response),
        {
            f"q_{questions['jobs'].pk}": "21",
            f"q_{questions['comment'].pk}": "Spóźniona odpowiedź",
            "submit": "1",
        },
    )
    content = page.content.decode()
    assert page.status_code == 400 and "Termin odpowiedzi minął" in content
    assert 'value="21"' in content and "Spóźniona odpowiedź" in content
    response.refresh_from_db()
    assert response.status == "pending" and response.answers == {}
    # Opened again later, the page says it is closed instead of offering a form that cannot work.
    page = client.get(fill_url(response)).content.decode()
    assert "Termin odpowiedzi minął" in page and "Wyślij ankietę" not in page
