"""Boundaries of powiats and gminas for the coverage map: import from GeoJSON, draw as SVG.

The official source is the PRG data set of GUGiK (granice administracyjne): export the powiat
or gmina layer as GeoJSON in WGS 84 (EPSG:4326), e.g. ``ogr2ogr -f GeoJSON -t_srs EPSG:4326
powiaty.geojson Powiaty.shp``; each feature's ``JPT_KOD_JE`` is its TERYT code (4 digits for a
powiat, 7 for a gmina). A property named ``teryt`` works too.

The map is drawn on the server as SVG (no JavaScript, no tiles, nothing fetched from outside):
each unit is a path coloured by the number of people who took part, with the table beside it
carrying the same figures for assistive technology.
"""

from __future__ import annotations

import json
import math

from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from partners.models import TerritorialUnit

from .models import Boundary

CODE_PROPERTIES = ("JPT_KOD_JE", "teryt", "TERYT", "kod_teryt")
MAX_FEATURES = 5000


class BoundaryImportError(ValueError):
    pass


def _rings(geometry: dict):
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        yield from coordinates
    elif kind == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon
    else:
        raise BoundaryImportError(
            _("Obsługiwane są tylko wielokąty (Polygon, MultiPolygon), a nie %(kind)s.")
            % {"kind": kind}
        )


def _check_ring(ring) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise BoundaryImportError(_("Wielokąt musi mieć co najmniej cztery punkty."))
    for point in ring:
        if (
            not isinstance(point, list | tuple)
            or len(point) < 2
            or not all(isinstance(value, int | float) for value in point[:2])
            or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
        ):
            raise BoundaryImportError(
                _(
                    "Współrzędne muszą być długością i szerokością geograficzną w układzie WGS 84 (EPSG:4326)."
                )
            )


def boundaries_import(*, content: bytes | str) -> int:
    """Store the boundaries of a GeoJSON FeatureCollection; all or nothing. Returns the count."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundaryImportError(
            _("Plik nie jest poprawnym plikiem GeoJSON (JSON): %(error)s") % {"error": error}
        ) from error
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryImportError(
            _("Plik GeoJSON musi zawierać kolekcję obiektów (FeatureCollection).")
        )
    features = data["features"]
    if len(features) > MAX_FEATURES:
        raise BoundaryImportError(
            _("Plik zawiera zbyt wiele obiektów (najwięcej %(max)d).") % {"max": MAX_FEATURES}
        )
    parsed = []
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        code = next(
            (str(properties[key]).strip() for key in CODE_PROPERTIES if properties.get(key)), ""
        )
        if not code:
            raise BoundaryImportError(
                _("Obiekt nr %(number)d nie ma kodu TERYT (JPT_KOD_JE lub teryt).")
                % {"number": number}
            )
        geometry = (feature or {}).get("geometry") or {}
        try:
            for ring in _rings(geometry):
                _check_ring(ring)
        except BoundaryImportError as error:
            raise BoundaryImportError(
                _("Obiekt nr %(number)d (%(code)s): %(error)s")
                % {"number": number, "code": code, "error": error}
            ) from error
        except TypeError as error:
            raise BoundaryImportError(
                _("Obiekt nr %(number)d (%(code)s) ma niepoprawną geometrię.")
                % {"number": number, "code": code}
            ) from error
        parsed.append((code, {"type": geometry["type"], "coordinates": geometry["coordinates"]}))
    units = {
        unit.teryt: unit
        for unit in TerritorialUnit.objects.filter(teryt__in=[code for code, _geometry in parsed])
    }
    unknown = sorted({code for code, _geometry in parsed} - set(units))
    if unknown:
        raise BoundaryImportError(
            _("Nieznane kody TERYT (najpierw zaimportuj rejestr TERC): %(codes)s")
            % {"codes": ", ".join(unknown[:20])}
        )
    with transaction.atomic():
        for code, geometry in parsed:
            Boundary.objects.update_or_create(unit=units[code], defaults={"geometry": geometry})
    return len(parsed)


WIDTH = 640
PALETTE = ["#f1f4f7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]


def _project(lon: float, lat: float, mid_lat: float) -> tuple[float, float]:
    return lon * math.cos(math.radians(mid_lat)), -lat


def coverage_map_svg(rows: list[dict], *, value_key: str = "people"):
    """A choropleth of the coverage rows whose units have boundaries; '' when none do."""
    by_unit = {row["unit"].pk: row for row in rows}
    boundaries = list(Boundary.objects.filter(unit_id__in=by_unit).only("unit_id", "geometry"))
    if not boundaries:
        return mark_safe("")
    latitudes = [point[1] for b in boundaries for ring in _rings(b.geometry) for point in ring]
    mid_lat = (min(latitudes) + max(latitudes)) / 2
    projected = {
        b.unit_id: [[_project(p[0], p[1], mid_lat) for p in ring] for ring in _rings(b.geometry)]
        for b in boundaries
    }
    xs = [x for rings in projected.values() for ring in rings for x, _y in ring]
    ys = [y for rings in projected.values() for ring in rings for _x, y in ring]
    min_x, min_y = min(xs), min(ys)
    scale = WIDTH / ((max(xs) - min_x) or 1)
    height = (max(ys) - min_y) * scale
    maximum = max((by_unit[pk][value_key] for pk in projected), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {WIDTH + 4} {height + 4:.0f}" width="100%" '
        f'class="coverage-map" aria-hidden="true" focusable="false">'
    ]
    for pk, rings in projected.items():
        row = by_unit[pk]
        value = row[value_key]
        colour = (
            PALETTE[0]
            if not value
            else PALETTE[min(len(PALETTE) - 1, 1 + int((len(PALETTE) - 2) * value / maximum))]
        )
        d = " ".join(
            "M"
            + " L".join(f"{(x - min_x) * scale:.1f},{(y - min_y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings
        )
        title = escape(f"{row['name']}: {value}")
        stroke = "#9b1c10" if not row["reached"] else "#33475b"
        parts.append(
            f'<path d="{d}" fill="{colour}" stroke="{stroke}" stroke-width="0.8"><title>{title}</title></path>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped names only


def coverage_map_geojson(rows: list[dict], *, value_key: str = "people") -> dict | None:
    """The same choropleth as data for the browser map (Leaflet): a FeatureCollection, or None."""
    by_unit = {row["unit"].pk: row for row in rows}
    boundaries = list(Boundary.objects.filter(unit_id__in=by_unit).only("unit_id", "geometry"))
    if not boundaries:
        return None
    maximum = max((by_unit[b.unit_id][value_key] for b in boundaries), default=0) or 1
    features = []
    for boundary in boundaries:
        row = by_unit[boundary.unit_id]
        value = row[value_key]
        colour = (
            PALETTE[0]
            if not value
            else PALETTE[min(len(PALETTE) - 1, 1 + int((len(PALETTE) - 2) * value / maximum))]
        )
        features.append(
            {
                "type": "Feature",
                "geometry": boundary.geometry,
                "properties": {
                    "label": f"{row['name']}: {value}",
                    "fill": colour,
                    "stroke": "#9b1c10" if not row["reached"] else "#33475b",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
