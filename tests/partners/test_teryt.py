"""Import of the GUS TERC register: sample file, re-import, encodings, bad input."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partners.demo import SAMPLE_TERC
from partners.exceptions import TercImportError
from partners.models import TerritorialUnit
from partners.services import territory_import_terc

from .factories import OrganisationFactory

HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
SMALL = HEADER + (
    "22;;;;POMORSKIE;województwo;2025-01-01\n"
    "22;02;;;chojnicki;powiat;2025-01-01\n"
    "22;02;01;1;Chojnice;gmina miejska;2025-01-01\n"
    "22;02;04;3;Czersk;gmina miejsko-wiejska;2025-01-01\n"
    "22;02;04;4;Czersk;miasto;2025-01-01\n"
    "22;02;05;2;Konarzyny;gmina wiejska;2025-01-01\n"
)


def import_text(text: str, encoding: str = "utf-8"):
    return territory_import_terc(data=text.encode(encoding), actor=None)


@pytest.mark.django_db
def test_sample_file_imports_the_demo_region():
    result = territory_import_terc(data=SAMPLE_TERC.read_bytes(), actor=None)
    assert result.created == TerritorialUnit.objects.count() > 150
    assert TerritorialUnit.objects.filter(level="woj").get().name == "POMORSKIE"
    assert TerritorialUnit.objects.filter(level="pow").count() == 20
    gdansk = TerritorialUnit.objects.get(teryt="2261011")
    assert gdansk.parent.teryt == "2261" and gdansk.parent.parent.teryt == "22"
    assert TerritorialUnit.objects.get(teryt="2202043").kind_name == "gmina miejsko-wiejska"


@pytest.mark.django_db
def test_reimport_of_the_same_file_changes_nothing():
    import_text(SMALL)
    result = import_text(SMALL)
    assert (result.created, result.updated, result.deactivated, result.unchanged) == (0, 0, 0, 6)


@pytest.mark.django_db
def test_newer_file_renames_and_marks_missing_units_inactive_without_breaking_references():
    import_text(SMALL)
    konarzyny = TerritorialUnit.objects.get(teryt="2202052")
    organisation = OrganisationFactory(seat_gmina=konarzyny)
    newer = SMALL.replace(
        "Chojnice;gmina miejska;2025-01-01", "Chojnice Miasto;gmina miejska;2026-01-01"
    )
    newer = newer.replace(
        "22;02;05;2;Konarzyny;gmina wiejska;2025-01-01\n",
        "22;02;06;2;Nowa Gmina;gmina wiejska;2026-01-01\n",
    )
    result = import_text(newer)
    assert (result.created, result.updated, result.deactivated) == (1, 1, 1)
    assert TerritorialUnit.objects.get(teryt="2202011").name == "Chojnice Miasto"
    konarzyny.refresh_from_db()
    assert konarzyny.is_active is False
    organisation.refresh_from_db()
    assert organisation.seat_gmina == konarzyny
    # The unit comes back when a later file lists it again.
    result = import_text(SMALL)
    konarzyny.refresh_from_db()
    assert konarzyny.is_active is True and result.reactivated >= 1


@pytest.mark.django_db
def test_units_of_other_voivodeships_are_not_deactivated():
    import_text(SMALL)
    import_text(HEADER + "04;;;;KUJAWSKO-POMORSKIE;województwo;2025-01-01\n")
    assert TerritorialUnit.objects.filter(teryt__startswith="22", is_active=False).count() == 0


@pytest.mark.django_db
def test_windows_1250_file_with_bom_free_header_is_read():
    import_text(SMALL.replace("Konarzyny", "Łęczyce Żółte"), encoding="cp1250")
    assert TerritorialUnit.objects.get(teryt="2202052").name == "Łęczyce Żółte"


@pytest.mark.django_db
def test_utf8_with_bom_is_read():
    territory_import_terc(data=b"\xef\xbb\xbf" + SMALL.encode(), actor=None)
    assert TerritorialUnit.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_line,message",
    [
        ("22;02;07;7;Zła;gmina;2025-01-01", "Wiersz 8: nieznany rodzaj gminy (RODZ) „7”"),
        ("22;2;;;zły;powiat;2025-01-01", "Wiersz 8: kod powiatu (POW) musi mieć 2 cyfry"),
        ("22;02;07;2;;gmina wiejska;2025-01-01", "Wiersz 8: brak nazwy jednostki"),
        ("22;02;07;2;Data;gmina wiejska;01.01.2025", "Wiersz 8: data STAN_NA „01.01.2025”"),
        (
            "22;03;01;2;Sierota;gmina wiejska;2025-01-01",
            "Wiersz 8: jednostka 2203012 odwołuje się do nieznanej jednostki nadrzędnej 2203",
        ),
        (
            "22;02;01;1;Chojnice;gmina miejska;2025-01-01",
            "Wiersz 8: kod 2202011 powtarza się (pierwszy raz w wierszu 4)",
        ),
        ("22;02", "Wiersz 8: oczekiwano 7 kolumn"),
    ],
)
def test_bad_row_names_its_line_and_writes_nothing(bad_line, message):
    import_text(SMALL)
    before = list(
        TerritorialUnit.objects.order_by("teryt").values_list("teryt", "name", "is_active")
    )
    renamed = SMALL.replace("Konarzyny;", "Konarzyny Nowe;")
    with pytest.raises(TercImportError) as error:
        import_text(renamed + bad_line + "\n")
    assert message in str(error.value)
    after = list(
        TerritorialUnit.objects.order_by("teryt").values_list("teryt", "name", "is_active")
    )
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "Plik jest pusty."),
        (b"KOD;NAZWA\n22;POMORSKIE\n", "Nieprawidłowy nagłówek pliku TERC"),
        (HEADER.encode(), "nie zawiera żadnej jednostki"),
    ],
)
def test_malformed_files_are_refused(content, message):
    with pytest.raises(TercImportError) as error:
        territory_import_terc(data=content, actor=None)
    assert message in str(error.value)
    assert TerritorialUnit.objects.count() == 0


@pytest.mark.django_db
def test_management_command_imports_and_reports(tmp_path: Path, capsys):
    path = tmp_path / "TERC.csv"
    path.write_text(SMALL, encoding="utf-8")
    call_command("import_teryt", str(path))
    assert "Dodano 6" in capsys.readouterr().out
    call_command("import_teryt", str(path))
    assert "bez zmian 6" in capsys.readouterr().out
    path.write_text(SMALL + "xx;;;;Zła;;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Wiersz 8: kod województwa .* Nic nie zostało zapisane"):
        call_command("import_teryt", str(path))
    with pytest.raises(CommandError, match="Nie znaleziono pliku"):
        call_command("import_teryt", str(tmp_path / "brak.csv"))


def _upload(content: bytes, name: str = "TERC.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.django_db
def test_staff_import_terc_in_admin(client):
    from django.urls import reverse

    from tests.factories import StaffUserFactory, UserFactory

    url = reverse("admin:partners_territorialunit_import_terc")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302  # not staff: to the admin login
    client.force_login(StaffUserFactory())
    assert client.get(reverse("admin:partners_territorialunit_changelist")).status_code == 200
    response = client.post(
        url, {"file": _upload((SMALL + "22;02;09;7;Zła;;2025-01-01\n").encode())}
    )
    assert response.status_code == 200
    assert "Wiersz 8: nieznany rodzaj gminy" in response.content.decode()
    assert TerritorialUnit.objects.count() == 0
    response = client.post(url, {"file": _upload(b"%PDF-1.4", name="plik.pdf")})
    assert "Wybierz plik CSV" in response.content.decode()
    response = client.post(url, {"file": _upload(SMALL.encode("cp1250"))}, follow=True)
    assert "Dodano 6" in response.content.decode()
    assert TerritorialUnit.objects.count() == 6
