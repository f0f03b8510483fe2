"""A partner administrator fills in a survey, fixes an error and submits; the coordinator adds a
task; staff see the response rate (Chromium, axe)."""

import pytest
from playwright.sync_api import expect

from cooperation import services
from cooperation.models import GroupMember, GroupTask
from partners.models import Membership
from portal import roles
from portal.models import AuditLogEntry
from tests.clients import SignedInClient
from tests.cooperation.factories import GroupMemberFactory, survey_with_questions
from tests.factories import RoleUserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(chromium, live_server, user):
    client = SignedInClient()
    client.force_login(user)
    context = chromium.new_context(
        locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context, context.new_page()


def test_partner_fills_in_a_survey_and_staff_see_the_rate(chromium, live_server):
    organisation = OrganisationFactory(is_verified=True, name="OWES Pomorze Testowe")
    other = OrganisationFactory(is_verified=True)
    administrator = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    member = GroupMemberFactory(organisation=organisation)
    GroupMemberFactory(group=member.group, organisation=other)
    survey, questions = survey_with_questions()
    services.survey_send(
        survey=survey,
        deadline=survey.deadline,
        group=member.group,
        actor=RoleUserFactory(role=roles.REGISTRY_EDITOR),
    )

    context, page = _signed_in(chromium, live_server, administrator)
    try:
        page.goto("/wspolpraca/ankiety/")
        page.get_by_role("link", name="Ankieta roczna OWES").click()
        page.get_by_label("Liczba nowych miejsc pracy").fill("kilka")
        page.get_by_label("Uwagi").fill("Dane wstępne z biura")
        page.get_by_role("button", name="Wyślij ankietę").click()
        expect(page.get_by_text("Proszę wpisać liczbę", exact=False).first).to_be_visible()
        expect(page.get_by_label("Uwagi")).to_have_value("Dane wstępne z biura")
        assert_accessible(page, "cooperation-survey-error")
        page.set_viewport_size({"width": 360, "height": 800})
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        page.set_viewport_size({"width": 1280, "height": 900})

        page.get_by_label("Liczba nowych miejsc pracy").fill("12")
        page.get_by_role("radio", name="tak").check()
        page.get_by_role("button", name="Wyślij ankietę").click()
        expect(page.get_by_text("Dziękujemy. Ankieta została wysłana.")).to_be_visible()
        assert_accessible(page, "cooperation-survey-submitted")
    finally:
        context.close()

    newcomer = OrganisationFactory(is_verified=True, name="Spółdzielnia Socjalna Nowa")
    delegate = MembershipFactory(organisation=newcomer).user
    context, page = _signed_in(chromium, live_server, member.group.coordinator)
    try:
        page.goto(member.group.get_absolute_url())
        page.get_by_label("Zadanie (wymagane)").fill("Przygotować zestawienie PES")
        page.get_by_role("button", name="Dodaj zadanie").click()
        expect(
            page.get_by_text("Proszę wskazać organizację odpowiedzialną za zadanie.").first
        ).to_be_visible()
        expect(page.get_by_label("Zadanie (wymagane)")).to_have_value("Przygotować zestawienie PES")
        page.get_by_label("Organizacja odpowiedzialna").select_option(str(organisation.pk))
        page.get_by_label("Termin").fill("2030-01-15")
        page.get_by_role("button", name="Dodaj zadanie").click()
        expect(page.get_by_role("row", name="Przygotować zestawienie PES")).to_be_visible()
        assert GroupTask.objects.filter(
            title="Przygotować zestawienie PES", owner=organisation
        ).exists()
        assert_accessible(page, "cooperation-group")

        # The coordinator adds a member organisation and names its delegate.
        page.locator("#id_member-organisation").select_option(str(newcomer.pk))
        page.get_by_role("button", name="Dodaj organizację").click()
        expect(page.get_by_role("heading", name=f"Delegaci: {newcomer.name}")).to_be_visible()
        assert_accessible(page, "cooperation-member-delegates")
        page.get_by_label(delegate.get_full_name() or delegate.email).check()
        page.get_by_role("button", name="Zapisz delegatów").click()
        expect(page.get_by_text("Zapisano delegatów.")).to_be_visible()
        expect(page.locator("#czlonkowie")).to_contain_text(newcomer.name)
        assert list(
            GroupMember.objects.get(group=member.group, organisation=newcomer).delegates.all()
        ) == [delegate]
        assert AuditLogEntry.objects.filter(
            action="cooperation.member.delegates", actor=member.group.coordinator
        ).exists()
    finally:
        context.close()

    context, page = _signed_in(chromium, live_server, RoleUserFactory(role=roles.REPORTING))
    try:
        page.goto(f"/wspolpraca/ankiety/{survey.pk}/wyniki/")
        expect(page.get_by_text("Odpowiedziało 1 z 2 organizacji (50%).")).to_be_visible()
        assert_accessible(page, "cooperation-survey-results")
    finally:
        context.close()
