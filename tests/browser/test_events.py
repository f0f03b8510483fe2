"""A partner in Chromium: from the home page to a confirmed place at a study visit, the waitlist, cancelling."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Question, Registration
from tests.events.factories import (
    ConsentTextFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
)
from tests.factories import RegionFactory
from tests.partners.factories import MembershipFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, password="haslo-testowe-123"):
    page.goto("/konto/login/")
    page.get_by_label("Adres e-mail").fill(user.email)
    page.get_by_label("Hasło").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def study_visit():
    RegionFactory()
    ConsentTextFactory(
        version="2026-01",
        text="Administratorem danych jest ROPS. Dane przetwarzamy, aby zorganizować wyjazd.",
    )
    start = timezone.now() + timedelta(days=20)
    event = EventFactory(
        type=Event.Type.STUDY_VISIT,
        title="Wizyta studyjna w Wielkopolsce",
        slug="wizyta-studyjna-wielkopolska",
        starts_at=start,
        ends_at=start + timedelta(days=2, hours=10),
        capacity=2,
    )
    EventFactory(title="Spotkanie robocze OWES i LGD", type=Event.Type.WORKING_MEETING)
    QuestionFactory(
        event=event,
        label="Przejazd autokarem",
        kind=Question.Kind.YES_NO,
        is_required=True,
        position=1,
    )
    QuestionFactory(
        event=event,
        label="Dieta",
        kind=Question.Kind.CHOICE,
        choices="standardowa\nwegetariańska",
        is_required=True,
        position=2,
    )
    QuestionFactory(
        event=event, label="Potrzeby związane z dostępnością", kind=Question.Kind.TEXT, position=3
    )
    RegistrationFactory(event=event)  # one of the two places is taken already
    return event


def test_partner_registers_sees_waitlist_and_cancels(page, study_visit):
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation).user
    user = membership.user
    sign_in(page, user)

    started = time.monotonic()
    page.goto("/")
    page.get_by_role("link", name="Zobacz kalendarz wydarzeń").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalendarz wydarzeń")
    assert_accessible(page, "events-calendar")
    page.get_by_label("Rodzaj").select_option("study_visit")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.get_by_role("link", name="Spotkanie robocze OWES i LGD")).to_have_count(0)
    page.get_by_role("link", name="Wizyta studyjna w Wielkopolsce").click()
    expect(page.get_by_text("1 wolne miejsce")).to_be_visible()
    assert_accessible(page, "events-detail")
    page.get_by_role("link", name="Zapisz się").click()
    assert_accessible(page, "events-registration-form")

    # Missing required answers: a clear message next to the field, nothing saved.
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("Odpowiedź na to pytanie jest wymagana.").first).to_be_visible()
    assert_accessible(page, "events-registration-form-errors")
    assert not Registration.objects.filter(participant=user).exists()

    page.get_by_role("group", name="Przejazd autokarem").get_by_label("tak").check()
    page.get_by_role("group", name="Dieta").get_by_label("wegetariańska").check()
    page.get_by_label("Potrzeby związane z dostępnością").fill("Miejsce z przodu autokaru.")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("ma potwierdzone miejsce")).to_be_visible()
    elapsed = time.monotonic() - started
    assert elapsed < 60
    expect(page.get_by_role("heading", level=1)).to_have_text("Moje zgłoszenia")
    expect(page.locator("tbody tr").first).to_contain_text("potwierdzone")
    assert_accessible(page, "events-my-registrations")

    # The event is full now: registering the colleague puts them on the waitlist.
    page.goto(study_visit.get_absolute_url())
    expect(page.get_by_text("Brak wolnych miejsc – zapisy na listę rezerwową")).to_be_visible()
    page.get_by_role("link", name="Zapisz się na listę rezerwową").click()
    page.get_by_label("Uczestnik").select_option(str(colleague.pk))
    page.get_by_role("group", name="Przejazd autokarem").get_by_label("nie").check()
    page.get_by_role("group", name="Dieta").get_by_label("standardowa").check()
    page.get_by_role("button", name="Zapisz na listę rezerwową").click()
    expect(page.get_by_text("jest na liście rezerwowej")).to_be_visible()
    colleague_row = page.locator("tbody tr", has_text=colleague.get_full_name())
    expect(colleague_row).to_contain_text("lista rezerwowa")
    expect(colleague_row).to_contain_text("miejsce w kolejce: 1")
    assert_accessible(page, "events-my-registrations-waitlist")

    # Cancelling my own place gives it to the colleague at once.
    my_row = page.locator("tbody tr", has_text=user.get_full_name())
    my_row.get_by_role("link", name="Zrezygnuj").click()
    # A separate confirmation page (no JavaScript needed); nothing happens until confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Rezygnacja z udziału")
    assert Registration.objects.get(participant=user).status == Registration.Status.CONFIRMED
    assert_accessible(page, "events-cancel-confirm")
    page.get_by_role("button", name="Tak, rezygnuję z udziału").click()
    expect(page.get_by_text("zostało anulowane")).to_be_visible()
    expect(page.locator("tbody tr", has_text=user.get_full_name())).to_contain_text("anulowane")
    expect(page.locator("tbody tr", has_text=colleague.get_full_name())).to_contain_text(
        "potwierdzone"
    )
    registration = Registration.objects.get(participant=user)
    assert registration.status == Registration.Status.CANCELLED
    assert registration.consent_text.version == "2026-01"


def test_anonymous_visitor_sees_why_registration_is_disabled(page, study_visit):
    page.goto(study_visit.get_absolute_url())
    expect(page.get_by_role("button", name="Zapisz się")).to_be_disabled()
    expect(
        page.get_by_text(
            "Zapisy wymagają zalogowania: można zapisać siebie lub osoby ze swojej organizacji."
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Plan wizyty dzień po dniu")).to_have_count(
        0
    )  # no agenda yet
    assert_accessible(page, "events-detail-anonymous")
