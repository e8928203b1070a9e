"""Point layers: national digital innovation districts (stars) and Smart Village tasks.

Never a made-up site: a record without published coordinates is drawn at its unit's
representative point and says so, or counted on a badge when only its region is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import pandas as pd

from geo.maps.elements import OfflineMarkerCluster, Script
from geo.maps.geometry import representative_points
from geo.maps.markup import esc, js_json
from geo.maps.records import (
    budget_line,
    district_label,
    of_type,
    per_record,
    place,
    precision_text,
    rec,
    record_name,
    record_year,
    row_code,
)
from geo.maps.style import DEFAULT_SETTINGS, MapSettings, district_svg, village_svg
from geo.maps.text import check_lang, region_name, t

POINT_FIELDS = ("lat", "lon", "icon", "tip", "name", "label", "popup", "z", "id")


def point_columns(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The markers as columns: ``n`` and one array per field any marker has (no key repeated per
    marker; a thousand sites' keys were a tenth of the layer's bytes)."""
    cols: dict[str, Any] = {"n": len(points)}
    for k in POINT_FIELDS:
        col = [p.get(k) for p in points]
        if any(v is not None for v in col):
            cols[k] = col
    return cols


def points_script(points: list[dict[str, Any]], icons: dict[str, dict[str, Any]]) -> str:
    """Markers as compact columns (``point_columns``), made into Leaflet markers in one loop in
    the browser (kdim.points), not one folium element each."""
    return f"var I = {js_json(icons)}, D = {js_json(point_columns(points))};\nreturn kdim.points(PARENT, I, D);\n"


def icon(cls: str, html_: str, px: int) -> dict[str, Any]:
    """L.divIcon options for an inline-SVG marker centred on its point."""
    return {
        "className": f"kdim-icon {cls}",
        "html": html_,
        "iconSize": [px, px],
        "iconAnchor": [px // 2, px // 2],
    }


def point_tip(lines: list[str], row: Mapping[str, Any], lang: str, placed: str, *, year_key: str) -> tuple[str, str]:
    """A marker's tooltip HTML and its accessible name, from the same plain-text lines: the given
    ones (the first is the name, bold), then year, budget and location precision."""
    lines = list(lines)
    year = record_year(row)
    if year:
        lines.append(f"{t(lang, year_key)}: {year}")
    b = budget_line(row, lang)
    if b:
        lines.append(b)
    lines.append(f"{t(lang, 'precision')}: {precision_text(row, lang, placed)}")
    html_ = '<div class="kdim-tip">' + "<br>".join([f"<b>{esc(lines[0])}</b>", *map(esc, lines[1:])]) + "</div>"
    return html_, f"{lines[0]}: {', '.join(lines[1:])}"


def _district_entry(row: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """A district's star (worked out once per data version), None for the national program line
    itself, which has no place."""
    ll, placed = place(row)
    if ll is None:
        code = row_code(row, "sigungu")
        if code not in representative_points("sigungu"):
            return None
        ll, placed = representative_points("sigungu")[code], "sigungu"
    name = record_name(row, lang)
    year = record_year(row)
    short = district_label(name, lang)
    label = f"{esc(short)} ({esc(year)})" if year else esc(short)
    tip, aria = point_tip([name, t(lang, "district")], row, lang, placed, year_key="selected")
    # z: stars and their labels above Smart Village markers and clusters in the same city
    return {"lat": ll[0], "lon": ll[1], "icon": "d", "tip": tip, "name": aria, "label": label, "id": rec(row, "id"),
            "z": 1000}  # fmt: skip


def districts_layer(
    records: pd.DataFrame | None, *, lang: str = "ko", settings: MapSettings = DEFAULT_SETTINGS
) -> folium.FeatureGroup:
    """National digital innovation districts: star markers labelled with name and selection year."""
    check_lang(lang)
    px = settings.marker_px
    entries = per_record(records, "district", lang, lambda row: _district_entry(row, lang),
                         rows=of_type("innovation_district"))  # fmt: skip
    points = [p for p in entries if p is not None]
    points.sort(key=lambda p: p["id"])
    fg = folium.FeatureGroup(name=t(lang, "layer_districts"), overlay=True, control=True, show=True)
    icons = {"d": icon("kdim-icon-district", district_svg(px), px)}
    fg.add_child(Script(points_script(points, icons), "KdimDistricts"))
    fg.add_child(Script("return kdim.labels(PARENT);", "KdimLabels"))
    return fg


def _cluster(lang: str, settings: MapSettings) -> OfflineMarkerCluster:
    """The sites' cluster group. Not animated unless the map is: kdim.fit's second fit (once the
    legend and title are drawn) re-clusters, and an animation left the old markers up ~0.2 s."""
    return OfflineMarkerCluster(
        control=False,
        show=True,
        maxClusterRadius=40,
        showCoverageOnHover=False,
        spiderfyOnMaxZoom=True,
        disableClusteringAtZoom=11,
        animate=settings.animate,
        icon_create_function=f"kdim.clusterIcon({js_json(t(lang, 'cluster'))})",
    )


def _village_entry(row: Mapping[str, Any], lang: str) -> tuple[Any, ...]:
    """A Smart Village record as the layer reads it (worked out once per data version): its
    site's marker, or what its count badge needs (precision, 시군구, 시도, name)."""
    ll, placed = place(row)
    if ll is None:
        return ("count", rec(row, "location_precision"), row_code(row, "sigungu"), row_code(row, "sido"),
                record_name(row, lang))  # fmt: skip
    name = record_name(row, lang)
    sgg = row_code(row, "sigungu")
    where = region_name(sgg, lang) if sgg else ""
    lines = [name, t(lang, "village")]
    if where:
        lines.append(where + (" " + rec(row, "emd") if rec(row, "emd") else ""))
    tip, aria = point_tip(lines, row, lang, placed, year_key="year")
    point = {"lat": ll[0], "lon": ll[1], "icon": "v", "tip": tip, "name": aria, "label": None, "id": rec(row, "id")}
    return ("site", point)


def smart_village_layer(
    records: pd.DataFrame | None,
    *,
    level: str = "sigungu",
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
    counted: bool = False,
) -> folium.FeatureGroup:
    """Smart Village tasks: known sites clustered; tasks known only per region as count badges.

    A task whose source names only its 시군구 or 시도 is counted on that unit's representative
    point with a dashed badge and a tooltip that says it is a count, never drawn as a site.
    Records for the whole country (``multi_region``/``national``) are not placed at all.
    ``counted``: the map's circles already count these records per unit of ``level``, so a
    badge there would say the same number twice; only badges of a wider unit are drawn.
    """
    check_lang(lang)
    px = settings.marker_px
    points, counts = [], {}
    entries = per_record(records, "village", lang, lambda row: _village_entry(row, lang), rows=of_type("smart_village"))
    for entry in entries:
        if entry[0] == "site":
            points.append(entry[1])
            continue
        _, prec, sgg, sido, name = entry
        code = sgg if prec != "sido" else ""
        unit_level = "sigungu"
        if not code or level == "sido":
            code, unit_level = sido, "sido"
        if not code:
            continue  # national or multi-region totals: no place on the map
        if counted and unit_level == level:
            continue  # its circle counts it
        counts.setdefault((unit_level, code), []).append(name)
    points.sort(key=lambda p: p["id"])
    badges = []
    for (unit_level, code), names in sorted(counts.items()):
        pts = representative_points(unit_level)
        if code not in pts:
            continue
        lat, lon = pts[code]
        tip_head = t(
            lang,
            "count_tip",
            name=region_name(code, lang),
            n=len(names),
            level=t(lang, "level_" + unit_level),
        )
        items = "".join(f"<li>{esc(n)}</li>" for n in sorted(names))
        tip = f'<div class="kdim-tip">{esc(tip_head)}<ul>{items}</ul></div>'
        aria = f"{tip_head}: {', '.join(sorted(names))}"
        # the icon names its 시도 (data-g): where badges collide, kdim.js adds a hidden one's count
        # to a shown badge of the same 시도 ("2 +3") rather than dropping it
        key = f"c{len(names)}:{code}"
        badges.append({"lat": lat, "lon": lon, "icon": key, "tip": tip, "name": aria, "label": None})
    icons: dict[str, dict[str, Any]] = {"v": icon("kdim-icon-village", village_svg(px), px)}
    for b in badges:
        n, code = b["icon"][1:].split(":")
        icons[b["icon"]] = {
            "className": "kdim-icon kdim-icon-count",
            "html": f'<span class="kdim-count" data-n="{esc(n)}" data-g="{esc(code[:2])}" aria-hidden="true">'
            f"{esc(n)}</span>",
            "iconSize": None,
            "iconAnchor": [px // 2, px // 2],
        }
    fg = folium.FeatureGroup(name=t(lang, "layer_village"), overlay=True, control=True, show=True)
    cluster = _cluster(lang, settings)
    cluster.add_child(Script(points_script(points, icons), "KdimVillagePoints"))
    fg.add_child(cluster)
    fg.add_child(Script(points_script(badges, icons), "KdimVillageCounts"))
    return fg
