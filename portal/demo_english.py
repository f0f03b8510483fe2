"""English texts of the demo content (django-modeltranslation's *_en fields); idempotent.

Loaded after every other app's demo (portal/management/commands/load_demo.py), so that the
English site shows the demo region, pages, news, events and advisory topics in English. Fields
left empty fall back to Polish, as they would for a region that translates only some texts.
"""

from django.contrib.sites.models import Site

from advisory.models import AdvisoryTopic
from events.models import AgendaItem, ConsentText, Event

from .models import FundingProject, NewsItem, Page, Region

REGION = {
    "portal_title_en": "Social economy in Pomerania",
    "centre_name_en": "Regional Social Policy Centre in Gdańsk",
    "cofinancing_notice_en": (
        "The portal is run within the project “Coordinating the development of the social economy "
        "in the region”, co-financed by the European Union from the European Social Fund Plus."
    ),
}

FUNDING_NOTICE_EN = (
    "The project “Coordinating the development of the social economy in the Pomeranian "
    "Voivodeship” is co-financed by the European Union from the European Social Fund Plus under "
    "the programme European Funds for Pomerania 2021–2027."
)

PAGES = {
    "deklaracja-dostepnosci": ("Accessibility statement", None),
    "rodo": ("Personal data protection (GDPR)", None),
    "kontakt": (
        "Contact",
        "<p>For questions about the portal, events and advice, please contact the social economy "
        "coordination team. The address and telephone number are in the page footer.</p>",
    ),
}

NEWS_IMAGE_ALT = {
    "ruszaja-zapisy-na-wizyte-studyjna": "A graphic reading “Wizyta studyjna” (study visit) on a blue background.",
    "spotkanie-owes-i-lgd": "A graphic reading “OWES i LGD” on a brown background.",
    "doradztwo-dla-samorzadow": "A graphic reading “Doradztwo” (advice) on a green background.",
}

NEWS = {
    "ruszaja-zapisy-na-wizyte-studyjna": (
        "Registration opens for the study visit to Greater Poland",
        "We invite local governments, social economy entities and social service centres to a "
        "three-day visit to Koźmin Wielkopolski: social cooperatives, a social services centre and "
        "a vocational activity workshop.",
    ),
    "spotkanie-owes-i-lgd": (
        "Report from the meeting of OWES and LAGs",
        "Social economy support centres and local action groups agreed on joint proposals.",
    ),
    "doradztwo-dla-samorzadow": (
        "Free advice for local governments",
        "Municipalities and counties can request expert advice through the portal.",
    ),
}

EVENTS = {
    "wizyta-studyjna-wielkopolska": (
        "Study visit: social services and social cooperatives in Greater Poland",
        "Three days in Koźmin Wielkopolski and nearby municipalities that commission social "
        "services from social cooperatives and run social services centres.",
        "<p>We invite representatives of local governments, social services centres and social "
        "economy entities to a three-day trip to Greater Poland. We will see how a municipality "
        "works with social cooperatives on care services and catering, how a social services "
        "centre operates, and a vocational activity workshop running a laundry and a "
        "restaurant.</p><p>The organiser provides coach transport from Gdańsk (also stopping in "
        "Tczew), two nights' accommodation and meals. Places are limited: one organisation may "
        "register at most two people.</p>",
    ),
    "spotkanie-robocze-owes-lgd-ops": (
        "Working meeting of OWES, LAGs and social assistance centres",
        "A working meeting with parallel workshops on cooperation in the region.",
        None,
    ),
    "szkolenie-zlecanie-zadan-pes": (
        "Training: commissioning public tasks to social economy entities",
        "How local governments commission and account for public tasks, including social clauses.",
        None,
    ),
    "spotkanie-konwentu-ops": (
        "Meeting of the convention of social assistance centres",
        None,
        None,
    ),
    "konferencja-ekonomia-spoleczna-pomorze": (
        "Conference: the social economy in Pomerania",
        None,
        None,
    ),
    "forum-lgd-owes-jesien": ("Autumn forum of LAGs and OWES", None, None),
}

AGENDA_EN = {
    "Przejazd autokarem z Gdańska (przystanek w Tczewie o 7:40)": (
        "Coach from Gdańsk (stop in Tczew at 7:40)"
    ),
    "Gmina, która zleca usługi: współpraca urzędu ze spółdzielniami socjalnymi": (
        "A municipality that commissions services: the town hall and social cooperatives"
    ),
}

CONSENT_TEXT_EN = """The controller of your personal data is the Regional Social Policy Centre.

We process your data (first and last name, e-mail address, telephone, organisation and the answers in the form) to organise the event, arrange transport, accommodation and meals, and to account for a project co-financed by the European Union (Article 6(1)(c) and (e) GDPR).

Information about health or accessibility needs (Article 9(2)(a) GDPR) is given voluntarily and only so that we can take it into account.

We keep the data for the project's durability period and the archiving of its documentation. You have the right of access, rectification, restriction of processing, objection, and to lodge a complaint with the President of the Personal Data Protection Office."""

TOPICS_EN = {
    "Miejsce ekonomii społecznej w dokumentach strategicznych": (
        "The social economy in strategic documents"
    ),
    "Powiązanie dokumentów strategicznych z dokumentami operacyjnymi": (
        "Linking strategic documents with operational ones"
    ),
    "Programy dedykowane ekonomii społecznej": "Programmes dedicated to the social economy",
    "Rola samorządu w rozwoju ekonomii społecznej": (
        "The role of local government in developing the social economy"
    ),
    "Lokalny plan rozwoju ekonomii społecznej": "A local social economy development plan",
    "Zlecanie zadań publicznych podmiotom ekonomii społecznej": (
        "Commissioning public tasks to social economy entities"
    ),
}


def load() -> None:
    site = Site.objects.get_current()
    Region.objects.filter(site=site).update(**REGION)
    FundingProject.objects.filter(region__site=site).update(cofinancing_notice_en=FUNDING_NOTICE_EN)
    for slug, (title, body) in PAGES.items():
        fields = {"title_en": title}
        if body:
            fields["body_en"] = body
        Page.objects.filter(site=site, slug=slug).update(**fields)
    for slug, (title, lead) in NEWS.items():
        NewsItem.objects.filter(site=site, slug=slug).update(
            title_en=title, lead_en=lead, image_alt_en=NEWS_IMAGE_ALT.get(slug, "")
        )
    for slug, (title, summary, description) in EVENTS.items():
        # A series repeats the event under slugs that start the same (…-2, …-3).
        events = Event.objects.filter(slug__startswith=slug)
        fields = {"title_en": title}
        if summary:
            fields["summary_en"] = summary
        for event in events:
            for name, value in fields.items():
                setattr(event, name, value)
            if description:
                event.description_en = description  # sanitised by RichTextField on save
            event.save()
    for polish, english in AGENDA_EN.items():
        AgendaItem.objects.filter(title_pl=polish).update(title_en=english)
    for polish, english in TOPICS_EN.items():
        AdvisoryTopic.objects.filter(name_pl=polish).update(name_en=english)
    ConsentText.objects.filter(version="2026-01").update(text_en=CONSENT_TEXT_EN)
