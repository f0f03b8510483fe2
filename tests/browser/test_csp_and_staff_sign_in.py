"""In a real browser: staff reach the admin only with a TOTP code, and no page breaks the CSP."""

import pytest

from tests.factories import StaffUserFactory

from .conftest import assert_accessible, enter_totp_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/wydarzenia/",
    "/partnerzy/",
    "/aktualnosci/",
    "/konto/dane/",
    "/konto/2fa/",
    "/admin/",
    "/admin/partners/organisation/",
    "/admin/partners/organisation/export/",
    "/admin/events/event/",
    "/admin/portal/user/",
]


def test_staff_signs_in_with_a_totp_code_and_no_page_violates_the_csp(page):
    from tests.factories import RegionFactory

    RegionFactory()
    staff = StaffUserFactory()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )

    page.goto("/admin/")
    assert "/konto/login/" in page.url  # the admin's own login form is gone
    form = page.locator("main form")
    form.locator("input[name=login]").fill(staff.email)
    form.locator("input[name=password]").fill("haslo-testowe-123")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/konto/2fa/authenticate/")
    assert_accessible(page, "staff-second-factor")
    page.goto("/admin/")
    assert "/admin" not in page.url  # password alone does not open the admin: back to the code form
    assert "/konto/2fa/authenticate/" in page.url
    enter_totp_code(page, staff.email)
    assert page.url.rstrip("/").endswith("/admin")
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert (
            "Content-Security-Policy" in response.headers
            or "content-security-policy" in response.headers
        )
        page.wait_for_load_state("load")
    assert not violations, violations


def test_staff_without_an_authenticator_is_guided_to_set_one_up(page):
    from tests.factories import RegionFactory

    RegionFactory()
    staff = StaffUserFactory(totp=False)
    sign_in(page, staff.email, "haslo-testowe-123")
    page.goto("/admin/")
    # First a code e-mailed to the account: the password alone enrols no one's app.
    page.wait_for_url("**/konto/2fa/potwierdzenie-e-mail/**")
    assert_accessible(page, "staff-enrolment-code")
    page.get_by_role("button", name="Wyślij kod e-mailem").click()
    page.wait_for_load_state("load")
    import re

    from portal.models import OutboundEmail

    body = OutboundEmail.objects.get(to=staff.email).body_text
    code = re.search(r"^(\d{6})$", body, re.MULTILINE).group(1)
    page.get_by_label("Kod z wiadomości e-mail").fill(code)
    page.get_by_role("button", name="Potwierdź kod").click()
    # allauth asks for the password once more before adding an authenticator.
    page.wait_for_url("**/konto/reauthenticate/**")
    page.locator("main form input[name=password]").fill("haslo-testowe-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/2fa/totp/activate/**")
    assert_accessible(page, "staff-totp-activation")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Włączenie aplikacji uwierzytelniającej"
    )
    secret = page.locator("#authenticator_secret").input_value()
    from tests.factories import totp_code

    page.locator("main form input[name=code]").fill(totp_code(staff, secret=secret))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/konto/2fa/recovery-codes/**")
    assert_accessible(page, "staff-recovery-codes")
    page.get_by_role("link", name="Przejdź do panelu ROPS").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))
