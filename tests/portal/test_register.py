"""One Polish register everywhere: people are addressed formally ("Państwo") or impersonally.

Scans every template and every user-facing string in the apps for the informal second person
("Twoje", "możesz", "jesteś") and for gendered slash forms ("Zapoznałem/am", "zakładałeś(-aś)"),
and renders allauth's pages, whose stock Polish our catalogue in locale/pl overrides.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
INFORMAL = re.compile(
    r"\b(Twoj\w*|Twój|Tobie|Ciebie|[Mm]ożesz|[Jj]esteś|[Nn]ie masz|[Mm]asz już|[Pp]racujesz|działasz|"
    r"[Zz]apomniałeś|[Cc]hcesz|[Kk]liknij|[Zz]ignoruj|zostaniesz|[Pp]amiętasz)\b"
    r"|\w+(łem|łam)/\w*|\w+łeś\(-?aś\)|\w+ł\(a\)ś",
)


def _sources():
    for pattern in ["templates/**/*.html", "templates/**/*.txt"]:
        yield from ROOT.glob(pattern)
    for app in ["portal", "partners", "events", "advisory", "reporting"]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_informal_address_in_templates_and_strings():
    found = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INFORMAL.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


def test_our_catalogue_translates_without_informal_address():
    catalogue = (ROOT / "locale/pl/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n)+)', catalogue, re.M)
    informal = [t for t in translations if INFORMAL.search(t)]
    assert not informal, informal


@pytest.mark.parametrize("url_name", ["account_reset_password", "account_login"])
def test_allauth_pages_speak_formally(client, url_name):
    content = client.get(reverse(url_name)).content.decode()
    assert not INFORMAL.search(content), INFORMAL.search(content)
    assert "proszę" not in content.lower()


def test_field_length_errors_are_impersonal_and_inflected():
    from django import forms

    with pytest.raises(forms.ValidationError) as error:
        forms.CharField(max_length=3).clean("abcdefghijklm")
    assert error.value.messages == ["Wpisany tekst może mieć najwyżej 3 znaki (ma 13)."]
    with pytest.raises(forms.ValidationError) as error:
        forms.CharField(min_length=5).clean("ab")
    assert error.value.messages == ["Wpisany tekst musi mieć co najmniej 5 znaków (ma 2)."]


GENDERED_SLASH = re.compile(r"\w\((?:a|-a|-ła|-ęła|-aś|-na|-ne)\)")


def test_no_gendered_slash_forms_in_labels_and_messages():
    """ "obecny(-a)", "złożył(a)": a neutral noun or an impersonal form reads right for everyone.

    The PDFs (certificate, attendance list) are worded in their own templates by the PDF work."""
    found = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("templates/pdf/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if GENDERED_SLASH.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:120]}")
    assert not found, "\n".join(found)
