"""Demo content of the site itself: the region, its funding project, pages and news."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sites.models import Site
from django.utils import timezone

from .models import FundingProject, NewsItem, Page, Region, User

DEMO_STAFF_EMAIL = "staff@demo.rops.local"
DEMO_STAFF_PASSWORD = "demo-rops-2026"

ACCESSIBILITY_STATEMENT = """
<p>Regionalny Ośrodek Polityki Społecznej zobowiązuje się zapewnić dostępność swojego portalu
zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji
mobilnych podmiotów publicznych.</p>
<h2>Stan dostępności</h2>
<p>Portal jest zgodny ze standardem WCAG 2.1 na poziomie AA. Każda strona jest sprawdzana
automatycznym narzędziem axe-core w testach przed publikacją zmian.</p>
<h2>Ułatwienia</h2>
<ul>
<li>link „Przejdź do treści” na początku każdej strony,</li>
<li>widoczne wyróżnienie elementu, na którym jest fokus klawiatury,</li>
<li>strona działa przy powiększeniu do 200% i na małych ekranach,</li>
<li>formularze opisują błędy tekstem obok pola.</li>
</ul>
<h2>Informacje zwrotne i dane kontaktowe</h2>
<p>Problemy z dostępnością można zgłaszać na adres e-mail ośrodka podany w stopce strony.
Odpowiadamy nie później niż w ciągu 7 dni.</p>
"""

RODO_CLAUSE = """
<p>Administratorem danych osobowych przetwarzanych w portalu jest Regionalny Ośrodek Polityki
Społecznej (dane kontaktowe w stopce strony).</p>
<h2>Cele i podstawy przetwarzania</h2>
<ul>
<li>prowadzenie konta użytkownika i rejestru partnerów – art. 6 ust. 1 lit. e RODO,</li>
<li>organizacja wydarzeń, rejestracja uczestników i rozliczenie projektu współfinansowanego z UE
– art. 6 ust. 1 lit. c i e RODO,</li>
<li>obsługa wniosków o doradztwo dla jednostek samorządu terytorialnego – art. 6 ust. 1 lit. e RODO.</li>
</ul>
<h2>Prawa osoby, której dane dotyczą</h2>
<p>Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, ograniczenia przetwarzania,
wniesienia sprzeciwu oraz skargi do Prezesa Urzędu Ochrony Danych Osobowych. Dane są
przechowywane przez okres wymagany przepisami o archiwizacji dokumentacji projektów UE.</p>
"""

CONTACT_PAGE = """
<p>W sprawach portalu, wydarzeń i doradztwa prosimy o kontakt z zespołem koordynacji ekonomii
społecznej. Dane adresowe i telefon znajdują się w stopce strony.</p>
"""


def load() -> None:
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000", "name": "Portal ekonomii społecznej"}
    )
    region, _ = Region.objects.update_or_create(
        site=site,
        defaults={
            "name": "województwo pomorskie",
            "voivodeship_code": "22",
            "centre_name": "Regionalny Ośrodek Polityki Społecznej w Gdańsku",
            "centre_short_name": "ROPS",
            "portal_title": "Pomorska ekonomia społeczna",
            "address": "ul. Przykładowa 1\n80-001 Gdańsk",
            "phone": "58 000 00 00",
            "email": "ekonomiaspoleczna@demo.rops.local",
            "website": "https://example.org",
            "cofinancing_notice": (
                "Portal prowadzony w ramach projektu „Koordynacja rozwoju ekonomii społecznej w regionie” "
                "współfinansowanego przez Unię Europejską ze środków Europejskiego Funduszu Społecznego Plus."
            ),
        },
    )
    FundingProject.objects.update_or_create(
        region=region,
        title="Koordynacja rozwoju ekonomii społecznej w województwie pomorskim",
        defaults={
            "programme": "Fundusze Europejskie dla Pomorza 2021–2027",
            "priority_axis": "Priorytet 5. Fundusze europejskie dla silnego społecznie Pomorza (EFS+)",
            "measure": "Działanie 5.17 Ekonomia społeczna",
            "sub_measure": "",
            "cofinancing_notice": (
                "Projekt „Koordynacja rozwoju ekonomii społecznej w województwie pomorskim” jest "
                "współfinansowany przez Unię Europejską ze środków Europejskiego Funduszu Społecznego Plus "
                "w ramach programu Fundusze Europejskie dla Pomorza 2021–2027."
            ),
        },
    )
    for slug, title, body in [
        ("deklaracja-dostepnosci", "Deklaracja dostępności", ACCESSIBILITY_STATEMENT),
        ("rodo", "Ochrona danych osobowych (RODO)", RODO_CLAUSE),
        ("kontakt", "Kontakt", CONTACT_PAGE),
    ]:
        Page.objects.update_or_create(site=site, slug=slug, defaults={"title": title, "body": body.strip()})
    now = timezone.now()
    for days_ago, slug, title, lead in [
        (3, "ruszaja-zapisy-na-wizyte-studyjna", "Ruszają zapisy na jesienną wizytę studyjną",
         "Zapraszamy przedstawicieli samorządów, PES i CUS na dwudniowy wyjazd do Wielkopolski."),
        (12, "spotkanie-owes-i-lgd", "Relacja ze spotkania OWES i LGD",
         "Przedstawiciele ośrodków wsparcia i lokalnych grup działania wypracowali wspólne postulaty."),
        (30, "doradztwo-dla-samorzadow", "Bezpłatne doradztwo dla samorządów",
         "Gminy i powiaty mogą zgłaszać potrzeby doradcze przez portal."),
    ]:
        NewsItem.objects.update_or_create(
            site=site,
            slug=slug,
            defaults={
                "title": title,
                "lead": lead,
                "body": f"<p>{lead}</p><p>Szczegóły znajdą Państwo w kalendarzu wydarzeń i w zakładce doradztwa.</p>",
                "published_at": now - timedelta(days=days_ago),
                "is_published": True,
            },
        )
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_superuser(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, first_name="Anna", last_name="Koordynatorka")
    _verify_email(staff)


def _verify_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
