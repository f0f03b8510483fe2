"""Boundaries from a small hand-made GeoJSON: import, bad files, and the map on the coverage page."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal import roles
from reporting.boundaries import BoundaryImportError, boundaries_import
from reporting.models import Boundary
from tests.factories import RoleUserFactory

from .factories import PERIOD, build_world

pytestmark = pytest.mark.django_db


def square(lon, lat, size=0.2):
    return [
        [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    ]


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def feature(code, coordinates, kind="Polygon", key="JPT_KOD_JE"):
    return {
        "type": "Feature",
        "properties": {key: code},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def test_import_and_map(client, tmp_path):
    world = build_world()
    path = tmp_path / "powiaty.geojson"
    path.write_text(
        collection(
            feature(world.powiat_a.teryt, square(18.0, 54.2)),
            feature(
                world.powiat_b.teryt,
                [square(17.5, 54.0), square(17.8, 54.3, 0.05)],
                kind="MultiPolygon",
                key="teryt",
            ),
        )
    )
    call_command("import_boundaries", str(path))
    assert Boundary.objects.count() == 2
    call_command("import_boundaries", str(path))  # again: replaced, not duplicated
    assert Boundary.objects.count() == 2

    client.force_login(RoleUserFactory(role=roles.REPORTING))
    html = client.get(
        reverse("reporting:coverage"),
        {
            "start": PERIOD[0].isoformat(),
            "end": PERIOD[1].isoformat(),
            "funding_project": world.project.pk,
        },
    ).content.decode()
    assert 'class="coverage-map"' in html
    assert "<title>kartuski: 2</title>" in html and "<title>bytowski: 1</title>" in html
    # The same choropleth as data for the Leaflet map, and the vendored library, served locally.
    assert 'id="coverage-map-data"' in html and "kartuski: 2" in html
    assert "/static/vendor/leaflet/leaflet.js" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("to nie jest json", "nie jest poprawnym plikiem GeoJSON"),
        (json.dumps({"type": "Feature"}), "FeatureCollection"),
        (collection(feature("9999", square(18, 54))), "Nieznane kody TERYT"),
        (
            collection(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": square(18, 54)},
                }
            ),
            "nie ma kodu TERYT",
        ),
        (
            collection(feature("2201", [[[500000, 600000], [1, 1], [2, 2], [500000, 600000]]])),
            "WGS 84",
        ),
        (collection(feature("2201", [[18, 54]], kind="Point")), "tylko wielokąty"),
    ],
)
def test_bad_files_get_a_polish_message_and_change_nothing(content, message):
    world = build_world()
    Boundary.objects.create(
        unit=world.powiat_a, geometry={"type": "Polygon", "coordinates": square(18.0, 54.2)}
    )
    with pytest.raises(BoundaryImportError, match=message.split(":")[0]):
        boundaries_import(content=content)
    assert Boundary.objects.count() == 1


def test_one_bad_feature_stops_the_whole_file(tmp_path):
    world = build_world()
    path = tmp_path / "mix.geojson"
    path.write_text(
        collection(
            feature(world.powiat_a.teryt, square(18.0, 54.2)), feature("9999", square(18, 54))
        )
    )
    with pytest.raises(CommandError, match="9999"):
        call_command("import_boundaries", str(path))
    assert not Boundary.objects.exists()
