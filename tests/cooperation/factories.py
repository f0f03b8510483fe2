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
