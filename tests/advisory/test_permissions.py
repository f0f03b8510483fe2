"""The advisory permission matrix (docs/permissions.md, "Advisory"): one test per forbidden cell.

Each test signs in as one role, tries one action it must not do (open a page, download a file,
POST a change, use the admin) and checks that it got 403 or 404 and that nothing changed: the
case's status and version, its timeline, files, consultations, card request and the audit trail.
"""

from functools import cached_property

import pytest
from django.urls import reverse
from django.utils import timezone

from advisory import services
from advisory.models import AdvisoryRequest, CaseAttachment, CaseEvent, Consultation
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, UserFactory

from .factories import ExpertFactory, jst_member, pdf_upload

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status

SECRET_NOTE = "NOTATKA-WEWNETRZNA o sytuacji finansowej gminy"


class World:
    """The cases the actions need, each built on first use (a test builds only what it touches)."""

    def __init__(self, cases):
        self.cases = cases

    @cached_property
    def submitted(self) -> AdvisoryRequest:
        return self.cases.at(Status.SUBMITTED)

    @cached_property
    def completed(self) -> AdvisoryRequest:
        return self.cases.at(Status.COMPLETED)  # on_commit does not run here: no card file yet

    @cached_property
    def scheduled(self) -> AdvisoryRequest:
        case = self.cases.at(Status.SCHEDULED)
        note = services.case_message_post(
            request_id=case.pk,
            actor=self.cases.staff,
            body=SECRET_NOTE,
            internal=True,
            attachments=(pdf_upload("analiza-wewnetrzna.pdf"),),
        )
        reply = services.case_message_post(
            request_id=case.pk,
            actor=case.requester,
            body="Przesyłamy uchwałę.",
            attachments=(pdf_upload("uchwala.pdf"),),
        )
        self.internal_file = note.attachments.get()
        self.public_file = reply.attachments.get()
        return AdvisoryRequest.objects.get(pk=case.pk)


@pytest.fixture
def world(cases):
    return World(cases)


def make_user(who: str, target: AdvisoryRequest):
    if who == "staff_without_role":
        return RoleUserFactory(role=None)
    if who == "events_coordinator":
        return RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    if who == "registry_editor":
        return RoleUserFactory(role=roles.REGISTRY_EDITOR)
    if who == "reporting":
        return RoleUserFactory(role=roles.REPORTING)
    if who == "other_expert":
        return ExpertFactory().user
    if who == "other_jst_member":
        return jst_member()
    if who == "requester":
        return target.requester  # a member of the JST that requested the case the action is about
    if who == "plain_user":
        return UserFactory()
    raise AssertionError(who)


def snapshot() -> tuple:
    """Everything a refused action must leave as it was."""
    return (
        sorted(
            AdvisoryRequest.objects.values_list(
                "pk", "status", "version", "expert_id", "card_requested_at"
            )
        ),
        sorted(
            AdvisoryRequest.topics.through.objects.values_list(
                "advisoryrequest_id", "advisorytopic_id"
            )
        ),
        CaseEvent.objects.count(),
        CaseAttachment.objects.count(),
        Consultation.objects.count(),
        AuditLogEntry.objects.count(),
    )


# --- the actions, each (client, world) -> response --------------------------------------------


def case_list(client, w):
    return client.get(reverse("advisory:case_list"))


def case_detail(client, w):
    return client.get(reverse("advisory:case_detail", args=[w.scheduled.pk]))


def internal_file(client, w):
    case = w.scheduled
    return client.get(reverse("advisory:attachment_download", args=[case.pk, w.internal_file.pk]))


def public_file(client, w):
    case = w.scheduled
    return client.get(reverse("advisory:attachment_download", args=[case.pk, w.public_file.pk]))


def post_internal_note(client, w):
    return client.post(
        reverse("advisory:case_message", args=[w.scheduled.pk]),
        {"body": "Notatka", "internal": "on"},
    )


def post_message(client, w):
    return client.post(
        reverse("advisory:case_message", args=[w.scheduled.pk]), {"body": "Wiadomość do JST"}
    )


def post_accept(client, w):
    return client.post(
        reverse("advisory:case_transition", args=[w.submitted.pk]),
        {"action": "accept", "version": w.submitted.version},
    )


def post_reject(client, w):
    return client.post(
        reverse("advisory:case_transition", args=[w.submitted.pk]),
        {"action": "reject", "version": w.submitted.version, "reason": "Poza zakresem"},
    )


def post_start(client, w):
    return client.post(
        reverse("advisory:case_transition", args=[w.scheduled.pk]),
        {"action": "start", "version": w.scheduled.version},
    )


def post_close(client, w):
    return client.post(
        reverse("advisory:case_transition", args=[w.completed.pk]),
        {"action": "close", "version": w.completed.version},
    )


def post_consultation(client, w):
    return client.post(
        reverse("advisory:consultation_create", args=[w.scheduled.pk]),
        {"held_on": timezone.localdate().isoformat(), "form": "online", "duration_minutes": 60},
    )


def card_download(client, w):
    return client.get(reverse("advisory:card_download", args=[w.completed.pk]))


def card_request(client, w):
    return client.post(reverse("advisory:card_request", args=[w.completed.pk]))


def requester_page(client, w):
    return client.get(reverse("advisory:request_detail", args=[w.scheduled.pk]))


def admin_changelist(client, w):
    return client.get(reverse("admin:advisory_advisoryrequest_changelist"))


def admin_change_page(client, w):
    return client.get(reverse("admin:advisory_advisoryrequest_change", args=[w.scheduled.pk]))


def admin_change_post(client, w):
    return client.post(
        reverse("admin:advisory_advisoryrequest_change", args=[w.scheduled.pk]),
        {"topics": [], "funding_project": ""},
    )


def admin_status_page(client, w):
    return client.get(reverse("admin:advisory_advisoryrequest_transition", args=[w.submitted.pk]))


def admin_status_post(client, w):
    return client.post(
        reverse("admin:advisory_advisoryrequest_transition", args=[w.submitted.pk]),
        {"action": "accept", "version": w.submitted.version},
    )


def admin_action_accept(client, w):
    return client.post(
        reverse("admin:advisory_advisoryrequest_changelist"),
        {"action": "accept_requests", "_selected_action": [w.submitted.pk]},
    )


NEEDS = {
    post_accept: lambda w: w.submitted,
    post_reject: lambda w: w.submitted,
    admin_status_page: lambda w: w.submitted,
    admin_status_post: lambda w: w.submitted,
    admin_action_accept: lambda w: w.submitted,
    post_close: lambda w: w.completed,
    card_download: lambda w: w.completed,
    card_request: lambda w: w.completed,
}

STAFF_ROLES = ["staff_without_role", "events_coordinator", "registry_editor", "reporting"]
NO_ADVISORY_STAFF = ["staff_without_role", "events_coordinator", "registry_editor"]
OUTSIDERS = ["other_expert", "other_jst_member", "plain_user"]

# action -> the roles that must be refused (everyone else in the matrix may do it).
FORBIDDEN = {
    case_list: NO_ADVISORY_STAFF + ["other_jst_member", "requester", "plain_user"],
    case_detail: NO_ADVISORY_STAFF + OUTSIDERS + ["requester"],
    internal_file: STAFF_ROLES + OUTSIDERS + ["requester"],
    public_file: NO_ADVISORY_STAFF + OUTSIDERS,
    post_internal_note: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_message: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_accept: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_reject: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_start: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_close: STAFF_ROLES + OUTSIDERS + ["requester"],
    post_consultation: STAFF_ROLES + OUTSIDERS + ["requester"],
    card_download: NO_ADVISORY_STAFF + OUTSIDERS,
    card_request: STAFF_ROLES + OUTSIDERS,
    requester_page: STAFF_ROLES + OUTSIDERS,
    admin_changelist: NO_ADVISORY_STAFF,
    admin_change_page: NO_ADVISORY_STAFF,
    admin_change_post: STAFF_ROLES,
    admin_status_page: STAFF_ROLES,
    admin_status_post: STAFF_ROLES,
    admin_action_accept: STAFF_ROLES,
}
CELLS = [(action, who) for action, whos in FORBIDDEN.items() for who in whos]


@pytest.mark.parametrize("action,who", CELLS, ids=[f"{a.__name__}-{w}" for a, w in CELLS])
def test_forbidden_cell_is_refused_and_changes_nothing(client, world, action, who):
    target = NEEDS.get(action, lambda w: w.scheduled)(world)  # built before the snapshot
    client.force_login(make_user(who, target))
    before = snapshot()

    response = action(client, world)

    assert response.status_code in (403, 404), (response.status_code, getattr(response, "url", ""))
    assert snapshot() == before
    assert SECRET_NOTE not in response.content.decode(errors="replace")


def test_admin_action_is_not_offered_without_the_permission(client, world):
    assert world.submitted
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    html = client.get(reverse("admin:advisory_advisoryrequest_changelist")).content.decode()
    assert "accept_requests" not in html and "assign_expert" not in html


def test_reporting_reads_cases_without_internal_notes_or_files(client, world):
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    assert world.scheduled.number in client.get(reverse("advisory:case_list")).content.decode()
    html = client.get(reverse("advisory:case_detail", args=[world.scheduled.pk])).content.decode()
    assert "Przesyłamy uchwałę." in html and "uchwala.pdf" in html
    assert SECRET_NOTE not in html and "analiza-wewnetrzna.pdf" not in html
    assert (
        "Dodaj wpis" not in html and "Zapisz konsultację" not in html and "Zmień status" not in html
    )
    assert public_file(client, world).status_code == 200
    admin_html = admin_change_page(client, world).content.decode()
    assert world.scheduled.number in admin_html
    assert SECRET_NOTE not in admin_html and "analiza-wewnetrzna.pdf" not in admin_html
    assert card_download(client, world).status_code == 202


def test_advisory_officer_may_do_every_staff_action(client, world):
    assert world.scheduled and world.submitted and world.completed
    officer = RoleUserFactory(role=roles.ADVISORY_OFFICER)
    client.force_login(officer)
    html = case_detail(client, world).content.decode()
    assert SECRET_NOTE in html and "analiza-wewnetrzna.pdf" in html
    assert internal_file(client, world).status_code == 200
    assert post_internal_note(client, world).status_code == 302
    assert post_message(client, world).status_code == 302
    assert post_consultation(client, world).status_code == 302
    assert post_accept(client, world).status_code == 302
    assert post_close(client, world).status_code == 302
    assert card_request(client, world).status_code == 302
    assert admin_changelist(client, world).status_code == 200
    assert AdvisoryRequest.objects.get(pk=world.submitted.pk).status == Status.ACCEPTED
    assert AdvisoryRequest.objects.get(pk=world.completed.pk).status == Status.CLOSED
    assert world.scheduled.events.filter(kind=CaseEvent.Kind.NOTE, author=officer).exists()


def test_events_and_registry_roles_see_no_advisory_menu_or_workspace(client):
    for role in (None, roles.EVENTS_COORDINATOR, roles.REGISTRY_EDITOR):
        client.force_login(RoleUserFactory(role=role))
        html = client.get(reverse("advisory:advisory_home")).content.decode()
        assert reverse("advisory:case_list") not in html


def test_digest_goes_only_to_people_who_run_cases(world):
    from portal.models import OutboundEmail

    AdvisoryRequest.objects.filter(pk=world.submitted.pk).update(due_on=timezone.localdate())
    reporting = RoleUserFactory(role=roles.REPORTING)
    no_role = RoleUserFactory(role=None)
    admin = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    OutboundEmail.objects.all().delete()
    services.deadline_digest_send()
    recipients = set(
        OutboundEmail.objects.filter(dedup_key__startswith="advisory:digest:").values_list(
            "to", flat=True
        )
    )
    assert world.cases.staff.email in recipients and admin.email in recipients
    assert reporting.email not in recipients and no_role.email not in recipients
