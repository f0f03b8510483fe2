"""Demo content of the site itself: the region, its funding project, pages and news."""

from datetime import date, timedelta
from html import escape

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.utils import timezone

from .models import FundingProject, NewsItem, NewsTag, Page, Region, User

DEMO_STAFF_EMAIL = "staff@demo.rops.local"
DEMO_STAFF_PASSWORD = "demo-rops-2026"
# The demo staff account's authenticator app (TOTP) secret, so a developer can open the admin:
# `manage.py demo_totp` prints the current code, or add this key to any authenticator app.
# Demo data only: a real installation's staff enrol their own app on their first admin visit.
DEMO_STAFF_TOTP_SECRET = "KRUGS4ZANFZSAZDFNVXSA4TPOBZSAMRQ"

# Demo texts of the legal pages. Built from the region's data when first loaded; after that they
# are staff's to edit in the admin (Portal i treści → Strony informacyjne), and loading the demo
# again never changes their publication and update dates.
DEMO_DPO_EMAIL = "iod@demo.rops.local"
DEMO_ACCESSIBILITY_CONTACT = "Anna Koordynatorka"
# The statement's official template dates (ustawa z 4 kwietnia 2019 r., art. 10): the website's
# publication and last significant update live in Page fields; these are the statement's own.
DEMO_PUBLISHED_ON = date(2025, 10, 1)
DEMO_UPDATED_ON = date(2026, 3, 31)

ACCESSIBILITY_STATEMENT = """
<p id="a11y-wstep"><span id="a11y-podmiot">{centre}</span> zobowiązuje się zapewnić dostępność
swojej strony internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron
internetowych i aplikacji mobilnych podmiotów publicznych. Deklaracja dostępności dotyczy strony
internetowej <a id="a11y-url" href="/">{portal_title}</a>.</p>

<h2>Stan dostępności cyfrowej</h2>
<p id="a11y-status">Strona internetowa jest <strong>częściowo zgodna</strong> z ustawą z dnia
4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów
publicznych z powodu niezgodności wymienionych poniżej.</p>

<h3>Treści niedostępne</h3>
<ul>
<li>materiały do pobrania przekazane przez prelegentów i partnerów (prezentacje, pliki PDF) mogą nie
być w pełni dostępne cyfrowo – na prośbę udostępniamy je w innej formie,</li>
<li>zdjęcia w relacjach z wydarzeń mogą mieć zbyt ogólne opisy alternatywne,</li>
<li>nagrania wideo z wydarzeń nie mają audiodeskrypcji.</li>
</ul>

<h2>Przygotowanie deklaracji dostępności</h2>
<p>Deklarację sporządzono dnia <time id="a11y-data-sporzadzenie" datetime="2025-10-01">1 października
2025 r.</time> Ostatni przegląd i aktualizacja deklaracji: <time datetime="2026-03-31">31 marca
2026 r.</time></p>
<p>Deklarację sporządzono na podstawie samooceny przeprowadzonej przez ośrodek: każda strona portalu
jest sprawdzana automatycznie narzędziem axe-core przy każdej zmianie, a główne ścieżki
(rejestracja na wydarzenie, wniosek o doradztwo, panel pracowników) ręcznie – samą klawiaturą,
w powiększeniu 200% i z czytnikiem ekranu NVDA.</p>

<h2>Ułatwienia i skróty klawiaturowe</h2>
<ul>
<li>link „Przejdź do treści” na początku każdej strony (widoczny po naciśnięciu klawisza Tab),</li>
<li>widoczne wyróżnienie elementu, na którym jest fokus klawiatury,</li>
<li>strona działa przy powiększeniu do 200% i na ekranach o szerokości 320 pikseli,</li>
<li>formularze opisują błędy tekstem przy polu.</li>
</ul>
<p>Portal nie ma własnych skrótów klawiaturowych; działają standardowe skróty przeglądarki
i czytników ekranu.</p>

<h2 id="a11y-kontakt">Informacje zwrotne i dane kontaktowe</h2>
<p>Problemy z dostępnością portalu prosimy zgłaszać osobie odpowiedzialnej za dostępność:
<span id="a11y-osoba">{contact}</span>, adres e-mail <span id="a11y-email">{email}</span>,
telefon <span id="a11y-telefon">{phone}</span>. Tą samą drogą można złożyć wniosek o udostępnienie
informacji niedostępnej albo żądanie zapewnienia dostępności cyfrowej.</p>

<h3 id="a11y-procedura">Obsługa wniosków i skarg związanych z dostępnością</h3>
<p>Każdy ma prawo zażądać zapewnienia dostępności cyfrowej strony internetowej lub jej elementu
albo udostępnienia informacji w alternatywny sposób, na przykład przez odczytanie niedostępnego
dokumentu lub opisanie zawartości nagrania. Żądanie powinno zawierać:</p>
<ul>
<li>dane kontaktowe osoby zgłaszającej,</li>
<li>wskazanie strony internetowej lub jej elementu, którego dotyczy,</li>
<li>wskazanie dogodnego sposobu przekazania informacji, jeśli osoba prosi o alternatywny sposób
dostępu.</li>
</ul>
<p>Żądanie realizujemy niezwłocznie, nie później niż w ciągu 7 dni od jego otrzymania. Jeżeli nie
jest to możliwe, informujemy o tym wnoszącego żądanie i wskazujemy nowy termin, nie dłuższy niż
2 miesiące od dnia złożenia żądania. Jeżeli zapewnienie dostępności nie jest możliwe, proponujemy
alternatywny sposób dostępu do informacji.</p>
<p>W przypadku odmowy realizacji żądania albo niedotrzymania terminu można złożyć skargę do
dyrektora ośrodka na adres podany powyżej. Po wyczerpaniu tej procedury można złożyć wniosek do
<a href="https://bip.brpo.gov.pl/">Rzecznika Praw Obywatelskich</a>.</p>

<h2 id="a11y-architektura">Dostępność architektoniczna</h2>
<p>Siedziba ośrodka: {address_inline}.</p>
<ul>
<li>Do budynku prowadzi jedno wejście od ulicy, bez schodów, z drzwiami otwieranymi automatycznie.</li>
<li>Biuro obsługi znajduje się na parterze; na wyższe piętra prowadzi winda z komunikatami głosowymi
i przyciskami w alfabecie Braille’a.</li>
<li>Na parterze jest toaleta dostosowana do potrzeb osób z niepełnosprawnościami.</li>
<li>Przed budynkiem wyznaczono dwa miejsca parkingowe dla osób z niepełnosprawnościami.</li>
<li>Do budynku można wejść z psem asystującym.</li>
<li>W biurze obsługi działa pętla indukcyjna.</li>
</ul>

<h2>Dostęp do tłumacza języka migowego</h2>
<p>Osoby uprawnione mogą skorzystać z bezpłatnej pomocy tłumacza polskiego języka migowego (PJM),
systemu językowo-migowego (SJM) lub sposobu komunikowania się osób głuchoniewidomych (SKOGN)
– na miejscu w siedzibie ośrodka albo przez połączenie wideo. Potrzebę prosimy zgłosić co najmniej
3 dni robocze przed wizytą (z wyjątkiem sytuacji nagłych), e-mailem na adres {email} lub przez
osobę trzecią pod numerem telefonu {phone}.</p>

<h2 id="a11y-aplikacje">Aplikacje mobilne</h2>
<p>Ośrodek nie udostępnia aplikacji mobilnych.</p>
"""

RODO_CLAUSE = """
<p>Zgodnie z art. 13 rozporządzenia Parlamentu Europejskiego i Rady (UE) 2016/679 z dnia 27 kwietnia
2016 r. (RODO) informujemy, jak przetwarzamy dane osobowe w portalu.</p>

<h2 id="administrator">Administrator danych</h2>
<p>Administratorem danych osobowych jest {centre}, {address_inline}, e-mail
<a href="mailto:{email}">{email}</a>, telefon {phone}.</p>

<h2 id="inspektor">Inspektor ochrony danych</h2>
<p>W sprawach dotyczących danych osobowych można kontaktować się z inspektorem ochrony danych:
e-mail <a href="mailto:{dpo_email}">{dpo_email}</a> albo pisemnie na adres administratora
z dopiskiem „Inspektor ochrony danych”.</p>

<h2 id="cele">Cele i podstawy prawne przetwarzania</h2>
<dl>
<dt>Konto w portalu, rejestr partnerów i koordynacja ekonomii społecznej w regionie</dt>
<dd>wykonywanie zadania realizowanego w interesie publicznym (art. 6 ust. 1 lit. e RODO) w związku
z ustawą z dnia 12 marca 2004 r. o pomocy społecznej i ustawą z dnia 5 sierpnia 2022 r.
o ekonomii społecznej.</dd>
<dt>Organizacja wydarzeń: zgłoszenia, lista rezerwowa, lista obecności, zaświadczenia</dt>
<dd>wykonywanie zadania realizowanego w interesie publicznym (art. 6 ust. 1 lit. e RODO). Udział
w wydarzeniu nie zależy od zgody na przetwarzanie danych – podstawą jest zadanie publiczne
ośrodka.</dd>
<dt>Doradztwo dla jednostek samorządu terytorialnego</dt>
<dd>wykonywanie zadania realizowanego w interesie publicznym (art. 6 ust. 1 lit. e RODO).</dd>
<dt>Rozliczenie, monitorowanie i kontrola projektu współfinansowanego ze środków Unii Europejskiej
oraz archiwizacja dokumentacji</dt>
<dd>wypełnienie obowiązku prawnego administratora (art. 6 ust. 1 lit. c RODO) wynikającego
z rozporządzenia Parlamentu Europejskiego i Rady (UE) 2021/1060, ustawy z dnia 28 kwietnia 2022 r.
o zasadach realizacji zadań finansowanych ze środków europejskich w perspektywie finansowej
2021–2027 oraz ustawy z dnia 14 lipca 1983 r. o narodowym zasobie archiwalnym i archiwach.</dd>
<dt>Informacje o zdrowiu podawane przy zgłoszeniu na wydarzenie (np. dieta wynikająca ze stanu
zdrowia, potrzeby związane z niepełnosprawnością i dostępnością)</dt>
<dd>wyraźna zgoda osoby, której dane dotyczą (art. 9 ust. 2 lit. a RODO), wyrażana osobno przy
tych pytaniach. Podanie tych informacji jest dobrowolne; zgodę można w każdej chwili wycofać,
co nie wpływa na zgodność z prawem przetwarzania przed jej wycofaniem.</dd>
</dl>

<h2 id="odbiorcy">Odbiorcy danych</h2>
<p>Dane mogą otrzymać wyłącznie:</p>
<ul>
<li>podmioty przetwarzające dane na zlecenie administratora na podstawie umowy (utrzymanie
serwerów, poczta elektroniczna, serwis informatyczny),</li>
<li>eksperci prowadzący doradztwo – w zakresie sprawy, do której zostali przydzieleni,</li>
<li>instytucje uprawnione do kontroli i rozliczenia projektu (instytucja zarządzająca programem
regionalnym, organy kontroli) oraz inne organy publiczne, gdy wynika to z przepisów prawa.</li>
</ul>
<p>Dane nie są przekazywane do państw spoza Europejskiego Obszaru Gospodarczego ani organizacjom
międzynarodowym.</p>

<h2 id="okres">Okres przechowywania</h2>
<ul>
<li>dane konta – do czasu usunięcia konta; po usunięciu dane osobowe są anonimizowane, a zostają
tylko liczby potrzebne do sprawozdań z projektu,</li>
<li>dokumentacja wydarzeń i doradztwa finansowanych z projektu – przez okres wymagany przepisami
o funduszach europejskich (co najmniej 5 lat od 31 grudnia roku, w którym dokonano ostatniej
płatności na rzecz projektu), a następnie zgodnie z jednolitym rzeczowym wykazem akt ośrodka,</li>
<li>informacje o zdrowiu – do czasu zakończenia wydarzenia, którego dotyczą, albo wcześniejszego
wycofania zgody.</li>
</ul>

<h2 id="prawa">Prawa osób, których dane dotyczą</h2>
<p>Przysługuje Państwu prawo:</p>
<ul>
<li>dostępu do swoich danych i otrzymania ich kopii (art. 15 RODO) – w portalu w zakładce
„Moje dane”,</li>
<li>sprostowania danych (art. 16 RODO),</li>
<li>usunięcia danych (art. 17 RODO) – w zakresie, w jakim przepisy nie nakazują ich
przechowywania,</li>
<li>ograniczenia przetwarzania (art. 18 RODO),</li>
<li>wniesienia sprzeciwu wobec przetwarzania opartego na zadaniu publicznym (art. 21 RODO),</li>
<li>wycofania zgody na przetwarzanie informacji o zdrowiu w dowolnym momencie (art. 7 ust. 3 RODO)
oraz przenoszenia danych przetwarzanych na podstawie zgody (art. 20 RODO).</li>
</ul>

<h2 id="skarga">Prawo wniesienia skargi</h2>
<p>Jeżeli uznają Państwo, że przetwarzanie danych narusza przepisy RODO, przysługuje Państwu prawo
wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa,
<a href="https://uodo.gov.pl/">uodo.gov.pl</a>).</p>

<h2 id="informacje-dodatkowe">Informacje dodatkowe</h2>
<p>Podanie danych jest dobrowolne, ale bez nich nie można założyć konta, zgłosić się na wydarzenie
ani złożyć wniosku o doradztwo. Dane nie służą do zautomatyzowanego podejmowania decyzji ani do
profilowania.</p>
"""

CONTACT_PAGE = """
<p>W sprawach portalu, wydarzeń i doradztwa prosimy o kontakt z zespołem koordynacji ekonomii
społecznej. Dane adresowe i telefon znajdują się w stopce strony.</p>
"""


def load() -> None:
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": "127.0.0.1:8000", "name": "Portal ekonomii społecznej"},
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
            # The central monitoring system needs these about every person supported: the event
            # registration form asks them (docs/reporting.md, "Monitoring export").
            "requires_sex": True,
            "requires_birth_year": True,
            "cofinancing_notice": (
                "Projekt „Koordynacja rozwoju ekonomii społecznej w województwie pomorskim” jest "
                "współfinansowany przez Unię Europejską ze środków Europejskiego Funduszu Społecznego Plus "
                "w ramach programu Fundusze Europejskie dla Pomorza 2021–2027."
            ),
        },
    )
    _load_pages(site, region)
    now = timezone.now()
    for days_ago, slug, title, lead in [
        # The visit's dates are relative to the day the demo is loaded: no season, and three days
        # like its programme (events/demo.py).
        (
            3,
            "ruszaja-zapisy-na-wizyte-studyjna",
            "Ruszają zapisy na wizytę studyjną w Wielkopolsce",
            "Zapraszamy przedstawicieli samorządów, PES i CUS na trzydniowy wyjazd do Koźmina Wielkopolskiego: spółdzielnie socjalne, centrum usług społecznych i zakład aktywności zawodowej.",
        ),
        (
            12,
            "spotkanie-owes-i-lgd",
            "Relacja ze spotkania OWES i LGD",
            "Przedstawiciele ośrodków wsparcia i lokalnych grup działania wypracowali wspólne postulaty.",
        ),
        (
            30,
            "doradztwo-dla-samorzadow",
            "Bezpłatne doradztwo dla samorządów",
            "Gminy i powiaty mogą zgłaszać potrzeby doradcze przez portal.",
        ),
    ]:
        item, _created = NewsItem.objects.update_or_create(
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
        _news_media(item)
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_superuser(
            DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, first_name="Anna", last_name="Koordynatorka"
        )
    _verify_email(staff)
    _give_demo_totp(staff)


# Demo news media: a generated picture (colour, caption drawn on it), its description and tags.
DEMO_NEWS_MEDIA = {
    "ruszaja-zapisy-na-wizyte-studyjna": (
        (31, 111, 137),
        "Wizyta studyjna",
        "Grafika z napisem „Wizyta studyjna” na niebieskim tle.",
        [
            ("Wizyty studyjne", "wizyty-studyjne"),
            ("Spółdzielnie socjalne", "spoldzielnie-socjalne"),
        ],
    ),
    "spotkanie-owes-i-lgd": (
        (137, 74, 31),
        "OWES i LGD",
        "Grafika z napisem „OWES i LGD” na brązowym tle.",
        [("Spotkania", "spotkania"), ("Postulaty", "postulaty")],
    ),
    "doradztwo-dla-samorzadow": (
        (46, 110, 60),
        "Doradztwo",
        "Grafika z napisem „Doradztwo” na zielonym tle.",
        [("Doradztwo", "doradztwo"), ("Samorządy", "samorzady")],
    ),
}
DEMO_STUDY_VISIT_NEWS = "ruszaja-zapisy-na-wizyte-studyjna"


def _demo_news_picture(colour, text: str) -> ContentFile:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 860, 560), outline=(255, 255, 255), width=6)
    draw.text((80, 280), text, fill=(255, 255, 255), font_size=64)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="zdjecie.jpg")


def _news_media(item: NewsItem) -> None:
    media = DEMO_NEWS_MEDIA.get(item.slug)
    if media is None:
        return
    colour, text, alt, tags = media
    if not item.image:
        item.image.save("zdjecie.jpg", _demo_news_picture(colour, text), save=False)
    # The Polish column explicitly: whatever language is active while the demo loads.
    item.image_alt_pl = alt
    item.save(update_fields=["image", "image_alt_pl"])
    item.tags.set(
        [
            NewsTag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in tags
        ]
    )


def link_demo_news_to_event(event) -> None:
    """Called by events.demo once the study visit exists: the news about it links to it."""
    NewsItem.objects.filter(slug=DEMO_STUDY_VISIT_NEWS).update(event=event)


def _give_demo_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_STAFF_TOTP_SECRET)


def demo_totp_code() -> str:
    """The demo staff account's current authenticator code (what the app would show now)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(
        hotp_value(DEMO_STAFF_TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD)
    )


def _legal_page_values(region: Region) -> dict[str, str]:
    values = {
        "centre": region.centre_name,
        "portal_title": region.portal_title,
        "address_inline": ", ".join(
            line.strip() for line in region.address.splitlines() if line.strip()
        ),
        "email": region.email,
        "phone": region.phone,
        "dpo_email": DEMO_DPO_EMAIL,
        "contact": DEMO_ACCESSIBILITY_CONTACT,
    }
    return {key: escape(value) for key, value in values.items()}


def _load_pages(site: Site, region: Region) -> None:
    """Write the demo pages; dates are set only when a page is created, never by a later load."""
    values = _legal_page_values(region)
    for slug, title, body in [
        (Page.ACCESSIBILITY_STATEMENT_SLUG, "Deklaracja dostępności", ACCESSIBILITY_STATEMENT),
        ("rodo", "Ochrona danych osobowych (RODO)", RODO_CLAUSE),
        ("kontakt", "Kontakt", CONTACT_PAGE),
    ]:
        Page.objects.update_or_create(
            site=site,
            slug=slug,
            defaults={"title": title, "body": body.format(**values).strip()},
            create_defaults={
                "title": title,
                "body": body.format(**values).strip(),
                "published_on": DEMO_PUBLISHED_ON,
                "content_updated_on": DEMO_UPDATED_ON,
            },
        )


def _verify_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
