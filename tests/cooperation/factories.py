import factory
from django.utils import timezone

from cooperation.models import GroupMember, GroupTask, WorkingGroup
from tests.factories import UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    kind = WorkingGroup.Kind.PLATFORM
    name = factory.Sequence(lambda n: f"Platforma współpracy {n}")
    description = "Regionalna platforma OWES, LGD i OPS."
    coordinator = factory.SubFactory(UserFactory)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(WorkingGroupFactory)
    organisation = factory.SubFactory(OrganisationFactory, is_verified=True)


class GroupTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupTask

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Zadanie {n}")
    owner = factory.SubFactory(OrganisationFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=7))


def group_with_member():
    """A group, one verified member organisation and one person with an approved membership in it."""
    member = GroupMemberFactory()
    person = MembershipFactory(organisation=member.organisation).user
    return member.group, member, person


def survey_with_questions(*, deadline_in_days=10):
    """A sent-ready survey: one part, a required number, a text, a choice and a yes/no question."""
    from datetime import timedelta

    from cooperation.models import Question, Survey, SurveySection

    survey = Survey.objects.create(title="Ankieta roczna OWES", description="Dane za rok 2026.")
    section = SurveySection.objects.create(survey=survey, title="Zatrudnienie", position=1)
    questions = {
        "jobs": Question.objects.create(
            section=section,
            text="Liczba nowych miejsc pracy",
            kind="number",
            required=True,
            position=1,
        ),
        "comment": Question.objects.create(section=section, text="Uwagi", kind="text", position=2),
        "form": Question.objects.create(
            section=section,
            text="Główna forma wsparcia",
            kind="choice",
            choices="doradztwo\ndotacje",
            position=3,
        ),
        "plan": Question.objects.create(
            section=section, text="Czy mają Państwo plan na 2027?", kind="yes_no", position=4
        ),
    }
    survey.deadline = timezone.now() + timedelta(days=deadline_in_days)
    return survey, questions
