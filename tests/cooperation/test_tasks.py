"""The beat's cooperation tasks on a real Celery worker: run twice, even at once, they send each
e-mail exactly once (the outbox's dedup keys)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cooperation import services, tasks
from partners.models import Membership
from portal import roles
from portal.models import OutboundEmail
from tests.factories import RoleUserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import GroupMemberFactory, GroupTaskFactory, survey_with_questions

pytestmark = pytest.mark.django_db(transaction=True)


def test_digest_and_reminders_sent_twice_at_once_by_the_worker_go_out_once(celery_worker):
    today = timezone.localdate()
    member = GroupMemberFactory(group__starts_on=today - timedelta(days=100))
    GroupTaskFactory(
        group=member.group,
        owner=member.organisation,
        deadline=today - timedelta(days=2),
        title="Zaległe zestawienie",
    )
    survey, _questions = survey_with_questions(deadline_in_days=3)
    waiting = OrganisationFactory(is_verified=True)
    administrator = MembershipFactory(organisation=waiting, role=Membership.Role.ADMIN).user
    GroupMemberFactory(group=member.group, organisation=waiting)
    services.survey_send(
        survey=survey,
        deadline=survey.deadline,
        group=member.group,
        actor=RoleUserFactory(role=roles.REGISTRY_EDITOR),
    )
    results = [
        tasks.overdue_digest_send.delay(),
        tasks.overdue_digest_send.delay(),
        tasks.survey_reminders_send.delay(),
        tasks.survey_reminders_send.delay(),
    ]
    for result in results:
        result.get(timeout=60)
    for result in (tasks.overdue_digest_send.delay(), tasks.survey_reminders_send.delay()):
        assert result.get(timeout=60) == 0  # a later run finds everything already sent
    digest = OutboundEmail.objects.filter(to=member.group.coordinator.email)
    assert digest.count() == 1 and "Zaległe zestawienie" in digest.get().body_text
    reminders = OutboundEmail.objects.filter(
        to=administrator.email, subject__startswith="Przypomnienie o ankiecie"
    )
    assert reminders.count() == 1
