"""End to end on the demo data: sign up, find the OWES of a powiat, join it, get approved;
staff preview a 1,000-row organisation CSV with bad rows in the Django admin and nothing is written."""

import csv
import io
import re
import time

import pytest
from playwright.sync_api import expect

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo
from portal.demo import DEMO_STAFF_TOTP_SECRET

from .conftest import assert_accessible, enter_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_USER_EMAIL = "nowa.osoba@example.org"
NEW_USER_PASSWORD = "Kaszubskie-Jezioro-2026"
SOUTH_OWES = "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Południowego"
STAFF_EMAIL = "staff@demo.rops.local"
STAFF_PASSWORD = "demo-rops-2026"
# Columns of partners.resources.OrganisationResource (id is ignored on import).
CSV_COLUMNS = [
    "id",
    "rodzaj",
    "nazwa",
    "nazwa_skrocona",
    "forma_prawna",
    "typ_jst",
    "teryt_gminy",
    "ulica",
    "kod_pocztowy",
    "miejscowosc",
    "nip",
    "regon",
    "krs",
    "email",
    "telefon",
    "www",
    "zgoda_na_publikacje",
    "opis",
]
# Active gminas of the sample TERC file loaded by the demo data.
GMINA_CODES = ["2202011", "2203011", "2207011", "2261011", "2206082"]
REASON_NIP = "cyfrę kontrolną"
REASON_TERYT = "Nieznany kod TERYT gminy „9999999”"
REASON_EMPTY_NAME = "To pole nie może być puste."


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def _nip(number: int) -> str:
    """A checksum-valid NIP with prefix 998 (not used by the demo data)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        body = f"998{number:06d}"
        check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check != 10:
            return body + str(check)
        number += 100_000


def _import_csv(count: int = 1000) -> tuple[bytes, dict[int, str]]:
    """A semicolon-separated UTF-8 CSV of `count` organisations; every 50th row is bad in one of three ways."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    bad: dict[int, str] = {}
    for index in range(count):
        is_pes = index % 2 == 0
        row = {
            "id": "",
            "rodzaj": "pes"
            if is_pes
            else "Ośrodek pomocy społecznej (OPS/MOPS/GOPS)"
            if index % 4 == 1
            else "lgd",
            "nazwa": f"Organizacja z importu E2E {index}",
            "nazwa_skrocona": "",
            "forma_prawna": "spółdzielnia socjalna" if is_pes else "",
            "typ_jst": "",
            "teryt_gminy": GMINA_CODES[index % len(GMINA_CODES)],
            "ulica": f"ul. Polna {index % 90 + 1}",
            "kod_pocztowy": "89-600",
            "miejscowosc": "Chojnice",
            "nip": _nip(index),
            "regon": "",
            "krs": "",
            "email": f"biuro{index}@example.org",
            "telefon": "58 123 45 67",
            "www": "",
            "zgoda_na_publikacje": "tak" if index % 3 else "nie",
            "opis": "",
        }
        if index % 50 == 49:
            kind = ("nip", "teryt", "name")[len(bad) % 3]
            if kind == "nip":
                good = row["nip"]
                row["nip"] = good[:9] + str((int(good[9]) + 1) % 10)
            elif kind == "teryt":
                row["teryt_gminy"] = "9999999"
            else:
                row["nazwa"] = ""
            bad[index + 1] = kind
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8"), bad


def _new_context(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="pl-PL", timezone_id="Europe/Warsaw"
    )
    context.set_default_timeout(15_000)
    return context


def _login(page, email: str, password: str) -> None:
    page.goto("/konto/login/")
    assert_accessible(page, "journey-partners-login")
    form = page.locator("main form")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def test_new_user_joins_the_owes_of_a_powiat_and_staff_preview_a_bad_import(
    page, chromium, live_server, demo_data
):
    from django.core import mail

    from partners.models import Membership, Organisation
    from portal.models import OutboundEmail, User

    started = time.monotonic()

    # (1) A brand-new visitor signs up and confirms the e-mail address from the link in the e-mail.
    page.goto("/konto/signup/")
    assert_accessible(page, "journey-partners-signup")
    form = page.locator("main form")
    form.get_by_label("Imię").fill("Marta")
    form.get_by_label("Nazwisko").fill("Zielińska")
    form.locator("input[name=email]").fill(NEW_USER_EMAIL)
    form.locator("input[name=password1]").fill(NEW_USER_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_USER_PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/signup/" not in url)
    assert_accessible(page, "journey-partners-verification-sent")
    assert User.objects.filter(email=NEW_USER_EMAIL).exists()

    to_new_user = [m for m in mail.outbox if NEW_USER_EMAIL in m.to]
    assert to_new_user, [m.to for m in mail.outbox]
    assert mail.outbox[-1].to == [NEW_USER_EMAIL]
    match = re.search(r"/konto/confirm-email/[^\s\"'<>]+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    assert OutboundEmail.objects.filter(to=NEW_USER_EMAIL).exists()
    page.goto(match.group(0))
    assert_accessible(page, "journey-partners-confirm-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/confirm-email/" not in url)
    assert_accessible(page, "journey-partners-after-confirmation")
    user = User.objects.get(email=NEW_USER_EMAIL)
    assert user.emailaddress_set.get(email=NEW_USER_EMAIL).verified
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: confirming in the same browser signs the new user in.
    expect(page.get_by_text("Zalogowano jako Marta Zielińska")).to_be_visible()
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()

    # (2) The catalogue's filters find the OWES serving powiat człuchowski (seat in Chojnice, another powiat).
    page.goto("/partnerzy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Katalog partnerów")
    assert_accessible(page, "journey-partners-catalogue")
    page.get_by_label("Rodzaj").select_option(label="Ośrodek Wsparcia Ekonomii Społecznej (OWES)")
    page.get_by_label("Powiat").select_option(label="powiat człuchowski")
    page.get_by_role("button", name="Pokaż").click()
    cards = page.locator(".org-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(SOUTH_OWES)
    expect(cards.first).to_contain_text("Obsługuje subregion: Południowy")
    assert "powiat=" in page.url and "kind=owes" in page.url
    assert_accessible(page, "journey-partners-catalogue-filtered")
    cards.first.get_by_role("link", name=SOUTH_OWES).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SOUTH_OWES)
    expect(page.get_by_text("AKR-OWES/3/2024")).to_be_visible()
    assert_accessible(page, "journey-partners-owes-detail")
    page.get_by_role("link", name="Dołącz do tej organizacji").click()
    assert_accessible(page, "journey-partners-join-form")
    page.get_by_label("Stanowisko lub funkcja w organizacji").fill("animatorka ekonomii społecznej")
    page.get_by_role("button", name="Wyślij prośbę o dołączenie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moje organizacje")
    expect(page.get_by_text("Wysłano prośbę o dołączenie")).to_be_visible()
    expect(page.get_by_role("row", name=SOUTH_OWES)).to_contain_text("oczekuje na zatwierdzenie")
    assert_accessible(page, "journey-partners-my-organisations-pending")
    owes = Organisation.objects.get(name=SOUTH_OWES)
    membership = Membership.objects.get(user=user, organisation=owes)
    assert membership.status == Membership.Status.PENDING
    assert any("partner@demo.rops.local" in m.to for m in mail.outbox), (
        "the OWES administrator was not told"
    )

    # (3) The OWES administrator approves the request in a second browser context.
    admin_context = _new_context(chromium, live_server)
    try:
        admin_page = admin_context.new_page()
        _login(admin_page, partners_demo.DEMO_PARTNER_EMAIL, partners_demo.DEMO_PASSWORD)
        admin_page.goto("/partnerzy/moje/")
        admin_page.get_by_role("link", name="Prośby o dołączenie").click()
        expect(admin_page.get_by_text(NEW_USER_EMAIL).first).to_be_visible()
        expect(admin_page.get_by_text(partners_demo.DEMO_CANDIDATE_EMAIL).first).to_be_visible()
        assert_accessible(admin_page, "journey-partners-join-requests")
        admin_page.get_by_role("button", name=f"Zatwierdź {NEW_USER_EMAIL}").click()
        expect(admin_page.get_by_text(f"Zatwierdzono: {NEW_USER_EMAIL}")).to_be_visible()
        # The other pending request (the demo candidate) is still waiting.
        expect(
            admin_page.get_by_role("button", name=f"Zatwierdź {partners_demo.DEMO_CANDIDATE_EMAIL}")
        ).to_be_visible()
        assert_accessible(admin_page, "journey-partners-join-requests-after")
    finally:
        admin_context.close()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert membership.decided_by.email == partners_demo.DEMO_PARTNER_EMAIL
    assert mail.outbox[-1].to == [NEW_USER_EMAIL]

    # (4) The new user sees the approved membership on "Moje organizacje".
    page.goto("/partnerzy/moje/")
    row = page.get_by_role("row", name=SOUTH_OWES)
    expect(row).to_contain_text("zatwierdzone")
    expect(row.get_by_role("link", name=SOUTH_OWES)).to_be_visible()
    assert_accessible(page, "journey-partners-my-organisations-approved")
    journey_seconds = time.monotonic() - started
    assert journey_seconds < 60, journey_seconds

    # (5) Staff preview a 1,000-row CSV with ~20 bad rows in the Django admin: every bad row is listed
    # with its reason, the import cannot be confirmed, and nothing is written.
    data, bad = _import_csv(1000)
    assert len(bad) == 20
    organisations_before = Organisation.objects.count()
    staff_context = _new_context(chromium, live_server)
    try:
        staff_page = staff_context.new_page()
        staff_page.set_default_timeout(30_000)
        # The admin sends staff to the portal's own sign-in: password, then the authenticator code.
        staff_page.goto("/admin/")
        assert "/konto/login/" in staff_page.url
        staff_page.locator("main form input[name=login]").fill(STAFF_EMAIL)
        staff_page.locator("main form input[name=password]").fill(STAFF_PASSWORD)
        staff_page.locator("main form button[type=submit]").click()
        staff_page.wait_for_url("**/konto/2fa/authenticate/")
        assert_accessible(staff_page, "journey-partners-staff-second-factor")
        enter_totp_code(staff_page, STAFF_EMAIL, DEMO_STAFF_TOTP_SECRET)
        staff_page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))
        staff_page.locator("a[href$='/admin/partners/organisation/']").first.click()
        staff_page.wait_for_url("**/admin/partners/organisation/")
        staff_page.locator("a[href$='/admin/partners/organisation/import/']").first.click()
        staff_page.wait_for_url("**/admin/partners/organisation/import/")
        staff_page.locator("input[type=file][name=import_file]").set_input_files(
            {"name": "organizacje-1000.csv", "mimeType": "text/csv", "buffer": data}
        )
        format_select = staff_page.locator("select[name=format]")
        format_select.select_option(label="csv")
        staff_page.locator("form input[type=submit]").click()
        preview = staff_page.locator("table.import-preview")
        expect(preview).to_be_visible()
        rows = preview.locator("tbody tr")
        expect(rows).to_have_count(len(bad))
        shown = {}
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td")
            shown[int(cells.nth(0).inner_text().strip())] = cells.nth(1).text_content()
        assert sorted(shown) == sorted(bad)
        reasons = {"nip": REASON_NIP, "teryt": REASON_TERYT, "name": REASON_EMPTY_NAME}
        for number, kind in bad.items():
            assert reasons[kind] in shown[number], (number, kind, shown[number])
        # A few rows by number, as staff would read them.
        assert (
            (50, "nip") in bad.items()
            and (100, "teryt") in bad.items()
            and (150, "name") in bad.items()
        )
        assert (
            "NIP „" in shown[50] and REASON_TERYT in shown[100] and REASON_EMPTY_NAME in shown[150]
        )
        # The reasons sit behind each row's error count; hovering it shows them.
        row_100 = rows.filter(has=staff_page.locator("td", has_text=re.compile(r"^\s*100\s*$")))
        row_100.locator(".validation-error-count").hover()
        expect(row_100.get_by_text(REASON_TERYT)).to_be_visible()
        expect(staff_page.locator("input[name=confirm]")).to_have_count(0)
        staff_page.screenshot(
            path=str(_screenshot("journey-partners-admin-import-preview")), full_page=True
        )
    finally:
        staff_context.close()
    assert Organisation.objects.count() == organisations_before
    assert not Organisation.objects.filter(name__startswith="Organizacja z importu E2E").exists()


def _screenshot(name: str):
    from .conftest import SCREENSHOT_DIR

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR / f"{name}.png"
