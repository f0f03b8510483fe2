""" "Moje dane" names each part of the stored data in words, not as app.model:field keys."""

import html
import re

import pytest
from django.urls import reverse

from portal.personal_data import section_label
from tests.events.factories import RegistrationFactory
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_my_data_page_shows_polish_labels_not_technical_keys(client, user):
    MembershipFactory(user=user)
    RegistrationFactory(participant=user)
    client.force_login(user)
    content = html.unescape(client.get(reverse("my_data")).content.decode())
    assert "Adresy e-mail konta: 1 wpis" in content
    assert "Członkostwo w organizacjach: 1 wpis" in content
    assert "Zgłoszenia na wydarzenia: 1 wpis" in content
    assert not re.search(r"[a-z]+\.[a-z]+:[a-z_]+", content.split("<main", 1)[1]), (
        "a technical key is shown"
    )
    assert "Twoje" not in content and "Możesz" not in content


def test_every_part_of_the_export_has_a_label_in_words(client, user):
    """Also parts added by an app later: they fall back to the model's and field's names."""
    assert section_label("partners.contactperson:user") == "Dane osoby kontaktowej organizacji"
    assert section_label("events.attendance:registration") == "Obecności (zgłoszenie)"
