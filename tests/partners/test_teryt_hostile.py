"""Both TERC import paths answer hostile files with a Polish message naming the line, not a traceback."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners.models import TerritorialUnit
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
GOOD = "22;;;;POMORSKIE;województwo;2025-01-01\n22;02;;;chojnicki;powiat;2025-01-01\n"

HOSTILE = [
    pytest.param(
        GOOD + "22;02;01;1;" + "Chojnice" * 19 + ";gmina miejska;2025-01-01\n",
        "Wiersz 4",
        "NAZWA",
        id="long-name",
    ),
    pytest.param(
        GOOD + "22;02;01;1;Choj\x00nice;gmina miejska;2025-01-01\n",
        "Wiersz 4",
        "NUL",
        id="nul-in-name",
    ),
    pytest.param(
        GOOD + "22;02;01;1;Chojnice;gmina\x00;2025-01-01\n", "Wiersz 4", "NUL", id="nul-in-extra"
    ),
    pytest.param(
        GOOD + "22;02;01;1;Chojnice;" + "m" * 101 + ";2025-01-01\n",
        "Wiersz 4",
        "NAZWA_DOD",
        id="long-kind",
    ),
    pytest.param(
        GOOD + '22;02;01;1;"' + "x" * 140_000 + '";;\n', "Wiersz", "", id="csv-field-limit"
    ),
]


def _staff_client(client):
    staff = factories.StaffUserFactory()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(("text", "line", "detail"), HOSTILE)
def test_import_teryt_command_names_the_line_and_writes_nothing(tmp_path, text, line, detail):
    path = tmp_path / "TERC.csv"
    path.write_bytes((HEADER + text).encode())
    with pytest.raises(CommandError) as error:
        call_command("import_teryt", str(path))
    message = str(error.value)
    assert line in message and detail in message and "Nic nie zostało zapisane" in message
    assert not TerritorialUnit.objects.exists()


@pytest.mark.parametrize(("text", "line", "detail"), HOSTILE)
def test_admin_terc_upload_names_the_line_and_writes_nothing(client, text, line, detail):
    client = _staff_client(client)
    upload = SimpleUploadedFile("TERC.csv", (HEADER + text).encode(), content_type="text/csv")
    response = client.post(reverse("admin:partners_territorialunit_import_terc"), {"file": upload})
    assert response.status_code == 200
    content = response.content.decode()
    assert line in content and detail in content and "Nic nie zostało zapisane" in content
    assert not TerritorialUnit.objects.exists()
