"""Area layers drawn over the choropleth: the 권역 AI specialties and the 읍면동 drill-down."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import folium
import pandas as pd
import shapely

from geo.maps.elements import Script
from geo.maps.geometry import emd_geometry, specialty_geometry
from geo.maps.markers import points_script
from geo.maps.markup import esc, js_json
from geo.maps.records import BUDGET_COLUMNS, budget_line, latlon, per_record, rec, record_name, records_list
from geo.maps.style import DEFAULT_SETTINGS, SPECIALTIES, MapSettings
from geo.maps.text import check_lang, region_name, specialty_title, t


def _with_specialty(df: pd.DataFrame) -> Any:
    return df["specialty"].notna() if "specialty" in df.columns else pd.Series(False, index=df.index)


def _specialty_entry(row: Mapping[str, Any], lang: str) -> tuple[str, str] | None:
    """A record's line in its 권역's tooltip ("name — 예산 …"); None for a share of a project (its
    whole is listed). Worked out once per data version (``per_record``)."""
    if rec(row, "record_role") == "share":
        return None
    b = budget_line(row, lang)
    return rec(row, "specialty"), record_name(row, lang) + (f" — {b}" if b else "")


def specialties_layer(
    records: pd.DataFrame | None = None,
    *,
    specialties: Iterable[str] | None = None,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
) -> folium.FeatureGroup:
    """Each 권역's AI specialty: its 시도 outlined in the specialty's colour, with a label."""
    check_lang(lang)
    wanted = None if specialties is None else {str(s) for s in specialties}
    chosen = [s for s in SPECIALTIES if wanted is None or s.key in wanted]
    geom, label_pts = specialty_geometry(settings.band)
    progs: dict[str, list[str]] = {s.key: [] for s in chosen}
    cols = ("specialty", "record_role", "name_ko", "name_en", "id", *BUDGET_COLUMNS)
    lines = per_record(records, "specialty", lang, lambda row: _specialty_entry(row, lang), rows=_with_specialty,
                       columns=cols)  # fmt: skip
    for entry in lines:
        if entry is not None and entry[0] in progs:
            progs[entry[0]].append(entry[1])
    styles, tips, labels = {}, {}, []
    for s in chosen:
        title = specialty_title(s, lang)
        members = ", ".join(region_name(c, lang) for c in s.sido)
        body = [f"<b>{esc(title)}</b>", esc(members)]
        items = "".join(f"<li>{esc(p)}</li>" for p in sorted(progs[s.key]))
        tip = '<div class="kdim-tip">' + "<br>".join(body) + (f"<ul>{items}</ul>" if items else "") + "</div>"
        styles[s.key] = {
            "color": s.colour,
            "weight": 4,
            "opacity": 0.95,
            "dashArray": s.dash or None,
            "fill": True,
            "fillOpacity": 0,
            "className": f"kdim-specialty kdim-sp-{s.key}",
        }
        tips[s.key] = tip
        lat, lon = label_pts[s.key]
        labels.append(
            {
                "lat": lat,
                "lon": lon,
                "icon": s.key,
                "tip": tip,
                "label": None,
            }
        )
    icons = {
        s.key: {
            "className": "kdim-icon kdim-spec-icon",
            "html": f'<span class="kdim-spec-label" style="border-color:{s.colour};color:#222">'
            f"{esc(specialty_title(s, lang))}</span>",
            "iconSize": None,
            "iconAnchor": [0, 0],
        }
        for s in chosen
    }
    code = (
        f"var S = {js_json(styles)}, T = {js_json(tips)};\n"
        f"var layer = kdim.outlines(PARENT, kdimGeo({geom}), S, T, true);\n"
        + points_script(labels, icons).replace("return kdim.points", "kdim.points")
        + "return layer;\n"
    )
    fg = folium.FeatureGroup(name=t(lang, "layer_specialties"), overlay=True, control=True, show=True)
    fg.add_child(Script(code, "KdimSpecialties"))
    return fg


def emd_layer(
    sigungu_code: str,
    records: pd.DataFrame | None = None,
    *,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
) -> folium.FeatureGroup:
    """읍면동 of one 시군구 (drill-down): outlines and names, only that unit's polygons."""
    check_lang(lang)
    geom, names = emd_geometry(sigungu_code)
    emd_names = {c: n for c, n in names}
    counts: dict[str, int] = {}
    if records is not None and len(records) and names:
        from geo import boundaries  # GeoPandas: only when a 시군구's 읍면동 are drawn

        emd = boundaries.emd_of(sigungu_code)
        tree = shapely.STRtree(emd.geometry.values)
        for row in records_list(records, columns=("lat", "lon")):
            ll = latlon(row)
            if ll is None:
                continue
            hit = tree.query(shapely.Point(ll[1], ll[0]), predicate="intersects")
            if len(hit):
                c = str(emd["code"].iloc[int(hit[0])])
                counts[c] = counts.get(c, 0) + 1
    tips = {}
    for c, n in emd_names.items():
        line = f"<b>{esc(n)}</b>"
        if counts.get(c):
            line += f"<br>{esc(t(lang, 'records'))}: {counts[c]}{esc(t(lang, 'records_unit'))}"
        tips[c] = f'<div class="kdim-tip">{line}</div>'
    style = {
        "color": "#3b3b3b",
        "weight": 1.2,
        "opacity": 0.9,
        "fillColor": "#ffffff",
        "fillOpacity": 0.05,
        "dashArray": "4 3",
        "className": "kdim-emd",
    }
    code = (
        f"var T = {js_json(tips)}, S = {js_json(style)};\nreturn kdim.outlines(PARENT, kdimGeo({geom}), S, T, false);\n"
    )
    fg = folium.FeatureGroup(
        name=t(lang, "layer_emd", name=region_name(sigungu_code, lang)),
        overlay=True,
        control=True,
        show=True,
    )
    fg.add_child(Script(code, "KdimEmd"))
    return fg
