"""Helpers that walk a case through the real services to the status a test needs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advisory import services
from advisory.models import AdvisoryRequest
from portal import roles
from tests.factories import RoleUserFactory

from .factories import AdvisoryTopicFactory, ExpertFactory, jst_member

Status = AdvisoryRequest.Status

# The order in which a case normally moves, with the action that leads to each status.
PATH = [
    (Status.SUBMITTED, "submit"),
    (Status.ACCEPTED, "accept"),
    (Status.EXPERT_ASSIGNED, "assign_expert"),
    (Status.SCHEDULED, "schedule"),
    (Status.IN_PROGRESS, "start"),
    (Status.COMPLETED, "complete"),
    (Status.CLOSED, "close"),
]


def ensure_advisory_roles() -> None:
    """Recreate the role groups and their advisory permissions after a transactional test's flush
    (a flush keeps the permission rows, which post_migrate recreates, but not the groups)."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    grants = import_module("advisory.migrations.0004_grant_roles").role_permissions()
    for role in roles.STAFF_ROLES:
        group, created = Group.objects.get_or_create(name=role)
        if created or role in grants and not group.permissions.exists():
            for name in grants.get(role, []):
                app_label, codename = name.split(".", 1)
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


class CaseBuilder:
    def __init__(self):
        ensure_advisory_roles()
        self.staff = RoleUserFactory(role=roles.ADVISORY_OFFICER)
        self.expert = ExpertFactory()

    def draft(self, *, requester=None, **fields) -> AdvisoryRequest:
        requester = requester or jst_member()
        organisation = requester.memberships.get().organisation
        data = {
            "topics": [AdvisoryTopicFactory()],
            "description": "Chcemy wpisać ekonomię społeczną do strategii rozwiązywania problemów społecznych.",
            "documents_concerned": "Strategia rozwiązywania problemów społecznych 2026–2030",
            "preferred_form": AdvisoryRequest.Form.ONLINE,
            "preferred_dates": "wtorki po 10:00",
            "contact_name": "Ewa Nowak",
            "contact_email": "ewa.nowak@gmina.example.org",
            "contact_phone": "58 111 22 33",
            "rodo_consent": True,
        }
        data.update(fields)
        return services.request_draft_save(actor=requester, organisation=organisation, **data)

    def at(self, status: str, *, requester=None, consultations: int = 1) -> AdvisoryRequest:
        case = self.draft(requester=requester)
        for target, action in PATH:
            if action == "complete" and consultations:
                for _ in range(consultations):
                    services.consultation_record(
                        request_id=case.pk,
                        actor=self.expert.user,
                        held_on=timezone.localdate(),
                        form=AdvisoryRequest.Form.ONLINE,
                        duration_minutes=90,
                        recommendations="Dopisać cel operacyjny dotyczący PES.",
                    )
            case = self.step(case, action)
            if target == status:
                return case
        raise AssertionError(status)

    def step(self, case: AdvisoryRequest, action: str, **kwargs) -> AdvisoryRequest:
        actor = {
            "submit": case.requester,
            "withdraw": case.requester,
        }.get(action, self.staff)
        extra = {}
        if action == "assign_expert":
            extra["expert"] = self.expert
        if action == "schedule":
            extra["scheduled_for"] = timezone.now() + timedelta(days=3)
        if action in ("reject", "wait_for_jst"):
            extra["reason"] = "Prosimy o przesłanie projektu uchwały."
        extra.update(kwargs)
        return services.request_transition(
            request_id=case.pk, action=action, expected_version=case.version, actor=actor, **extra
        )


@pytest.fixture
def cases(db):
    return CaseBuilder()
