"""The map assembled: the deterministic frame, the filtered overlays, both together for exports.

- :func:`base_map` depends only on (level, lang, settings): streamlit-folium's component key
  stays put while filters change.
- :func:`overlay_layers` returns ``folium.FeatureGroup`` s for ``st_folium(feature_group_to_add=...)``,
  so a filter change updates the map in place.
- :func:`build_map` composes both with a layer control (exports, CLI).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import folium
import pandas as pd

from geo import regions
from geo.maps.choropleth import choropleth_layer
from geo.maps.elements import OfflineMap, PageStyle, Script, freeze_ids
from geo.maps.furniture import control_script, legend_html, source_html, title_html
from geo.maps.geometry import base_geometry, bounds_of
from geo.maps.markers import districts_layer, smart_village_layer
from geo.maps.markup import js_json
from geo.maps.policy import area_of_filters, policy_layer
from geo.maps.style import DEFAULT_SETTINGS, NODATA_FILL, NODATA_HATCH, MapSettings, page_css
from geo.maps.text import DEFAULT_METRIC, LEVELS, check_lang, t
from geo.maps.zones import emd_layer, specialties_layer


def base_map(
    level: str = "sigungu",
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
    bounds: Sequence[Sequence[float]] | None = None,
) -> OfflineMap:
    """The deterministic frame: offline Leaflet, CSS, quiet land, 시도 borders, view of Korea.

    Depends only on its arguments: the app can rebuild it on every rerun (a few ms) and
    streamlit-folium sees the same script, so the map is not remounted when filters change.
    """
    check_lang(lang)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    (s, w), (n, e) = bounds_of("sido")
    m = OfflineMap(
        location=[round((s + n) / 2, 4), round((w + e) / 2, 4)],
        zoom_start=7,
        min_zoom=5,
        max_zoom=14,
        zoom_snap=0.1,  # fitBounds snaps down: a tenth of a zoom step loses at most 7% of the box
        height=settings.height,
        tiles=settings.tile_url,
        attr=settings.tile_attribution or None,
        max_bounds=True,
        min_lat=s - 3,
        max_lat=n + 3,
        min_lon=w - 4,
        max_lon=e + 4,
    )
    # folium hands min/max zoom to its tile layer only; markercluster needs them on the map.
    m.options.update(min_zoom=5, max_zoom=14)
    if not settings.animate:
        m.options.update(zoom_animation=False, fade_animation=False, marker_zoom_animation=False)
    m.add_child(PageStyle(page_css(settings)))
    land_geom, border_geom = base_geometry(settings.band)
    fit = view_bounds(bounds)
    land = js_json(
        {"fillColor": settings.land_colour, "fillOpacity": 1, "color": "#7f8f9c", "weight": 1.2, "interactive": False}
    )
    border = js_json({"color": "#555", "weight": 1.3, "fill": False, "interactive": False})
    code = (
        f"kdim.defs({js_json(NODATA_FILL)}, {js_json(NODATA_HATCH)});\n"
        f"kdim.lang({js_json(lang)}, {js_json(t(lang, 'frame_name'))}, {js_json(t(lang, 'more_hidden'))});\n"
        f"return kdim.base(PARENT, {js_json(fit)}, kdimGeo({land_geom}), kdimGeo({border_geom}), {land}, {border});\n"
    )
    m.add_child(Script(code, "KdimBase"))
    freeze_ids(m.get_root(), f"base:{level}:{lang}")
    return m


ALL_LAYERS = ("choropleth", "specialties", "districts", "village")
TYPE_LAYERS = {  # a scene about one kind of program draws that kind's symbols only
    "innovation_district": ("choropleth", "districts"),
    "ai_convergence": ("choropleth", "specialties"),
    "smart_village": ("choropleth", "village"),
}


def scene_layers(program_type: str | None, specialty: str | None = None) -> tuple[str, ...]:
    """The layers a view's question needs: its program type's symbols (the Smart Village scene
    draws no 권역 AI outlines, the AI scene no stars), a chosen 권역 specialty's outline; without
    a type only the totals (the opening view asks how much 국비 each 시도 has: stars, badges and
    권역 outlines would pile other answers on it; they wait in the layer switch, ``switch_layers``).
    The legend lists what is drawn (``overlay_layers``)."""
    layers = TYPE_LAYERS.get(program_type or "", ("choropleth",))
    if specialty and "specialties" not in layers:
        layers = (*layers, "specialties")
    return layers


def switch_layers(program_type: str | None, specialty: str | None = None) -> tuple[str, ...]:
    """The layers offered off in the web map's layer switch: without a program type, the symbol
    layers :func:`scene_layers` leaves out (a scene about one type offers no other type's)."""
    if program_type in TYPE_LAYERS:
        return ()
    drawn = scene_layers(program_type, specialty)
    return tuple(k for k in ALL_LAYERS if k not in drawn)


def sheet_layers(program_type: str | None, specialty: str | None = None) -> tuple[str, ...]:
    """:func:`scene_layers`' symbols, for the briefing sheet and the deck (their fills are always drawn)."""
    return tuple(k for k in scene_layers(program_type, specialty) if k != "choropleth")


def view_bounds(bounds: Sequence[Sequence[float]] | None) -> list[list[float]]:
    """The [[south, west], [north, east]] the browser fits (all of Korea without bounds), as plain
    floats: the base map and the overlays' fit compare them as JSON, so equal views fit once."""
    b = bounds if bounds else bounds_of("sido")
    return [[float(b[0][0]), float(b[0][1])], [float(b[1][0]), float(b[1][1])]]


def focus_bounds(level: str, focus: Iterable[str] | None) -> list[list[float]]:
    """The view to fit for a focus (the units of a region filter), or all of Korea."""
    codes = tuple(sorted(str(c) for c in focus)) if focus else ()
    return view_bounds(bounds_of(level, codes) if codes else None)


def overlay_layers(
    values: pd.DataFrame | Mapping[str, float] | None,
    records: pd.DataFrame | None = None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    filters: Any = None,
    focus: Iterable[str] | None = None,
    specialties: Iterable[str] | None = None,
    selected_sigungu: str | None = None,
    layers: Iterable[str] = ALL_LAYERS,
    title: str | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
    choropleth: Mapping[str, Any] | None = None,
    off: Iterable[str] = (),
    boxes: Collection[str] = ("title", "legend", "source"),
) -> list[folium.FeatureGroup]:
    """The filtered content as feature groups, for ``st_folium(feature_group_to_add=...)``.

    ``values``: per-code metric (``code``, ``value``, optional ``n_records``, ``programs``…) at
    ``level``; ``records``: the filtered program records (markers, specialty lists, sources).
    The last group is uncontrolled and carries the title block, legend and source line: those
    named in ``boxes`` (the app leaves out the title box, which its page shows above the map; two
    years side by side leave out the legend too, drawn once below both maps; kdim.js fits and
    places without them, and a title left out stays for screen readers only).
    ``choropleth``: options of :func:`choropleth_layer` for a comparison (label, diverging, breaks_from).
    ``off``: symbol layers drawn too but off at the start (in the layer switch, their legend rows
    hidden until turned on; ``switch_layers``).
    Deterministic: equal inputs give equal scripts.
    """
    check_lang(lang)
    off = tuple(k for k in off if k not in layers)
    layers = tuple(layers)
    groups: list[folium.FeatureGroup] = []
    result = None
    if "choropleth" in layers:
        fg, result = choropleth_layer(
            values, level=level, metric=metric, lang=lang, focus=focus, settings=settings, **(choropleth or {})
        )
        groups.append(fg)
    area = area_of_filters(filters)
    policy = policy_layer(level, area, lang=lang) if "choropleth" in layers else None
    if policy is not None:  # over the fills, under the 권역 outlines and the marks
        groups.append(policy)
    # circles that count records per unit already say what the Smart Village badges would
    counted = metric == "records" and result is not None and result.circles is not None
    for kind in ("specialties", "village", "districts"):
        if kind in layers or kind in off:
            groups.append(_symbol_layer(kind, records, level=level, lang=lang, settings=settings,
                                        specialties=specialties, off=kind in off, counted=counted))  # fmt: skip
    if selected_sigungu:
        groups.append(emd_layer(selected_sigungu, records, lang=lang, settings=settings))
    markers = [k for k in ("districts", "village", "specialties") if k in layers or k in off]
    policy_level = level if "choropleth" in layers else None  # the policy layer's rows (geo/maps/policy.py)
    legend = (legend_html(result, lang=lang, markers=markers, specialties=specialties, settings=settings,
                          level=policy_level, area=area, off=off) if "legend" in boxes else None)  # fmt: skip
    title_box = title_html(level=level, metric=metric, lang=lang, filters=filters, title=title)
    groups.append(_notes_group(records, title_box, legend, level=level, lang=lang, focus=focus, settings=settings,
                               boxes=boxes))  # fmt: skip
    # streamlit-folium removes the previous groups, then pushes the new ones onto
    # window.feature_group without ever emptying it, so every filter change kept the old layers
    # (geometry, paths, tooltips) alive. The first group's script runs before any push: start
    # the list afresh there. It also holds the layers until the script has made the map's boxes,
    # so that they are drawn once, at the view fitted to those boxes (kdim.hold): it comes first.
    reset = Script("window.feature_group = []; return kdim.hold();", "KdimReset")
    groups[0].add_child(reset)
    groups[0]._children.move_to_end(reset.get_name(), last=False)
    for i, g in enumerate(groups):
        freeze_ids(g, f"overlay:{i}:{g.layer_name}")
    return groups


def _notes_group(
    records: pd.DataFrame | None, title_box: str, legend: str | None, *, level: str, lang: str,
    focus: Iterable[str] | None, settings: MapSettings, boxes: Collection[str],
) -> folium.FeatureGroup:  # fmt: skip
    """The uncontrolled group of the map's own boxes (those in ``boxes``) and the fit."""
    notes = folium.FeatureGroup(name="notes", overlay=True, control=False, show=True)
    # Without a title box (the page shows the title right above the map) the title stays in the
    # frame for screen readers only: the map's own named region says what it shows.
    title_cls = "kdim-box kdim-titlebox" if "title" in boxes else "kdim-sr kdim-title-sr"
    title_js = control_script(settings.title_position, title_cls, title_box, t(lang, "map_title_region"))
    notes.add_child(Script(title_js, "KdimTitle"))
    if legend is not None:
        legend_js = control_script(settings.legend_position, "kdim-box kdim-legend", legend, t(lang, "legend_region"))
        notes.add_child(Script(legend_js, "KdimLegend"))
    if "source" in boxes:
        source = control_script("bottomleft", "kdim-source", source_html(records, lang), t(lang, "source_region"))
        notes.add_child(Script(source, "KdimSource"))
    # The browser fits the focus to the frame's real size (the app's frame follows the window).
    notes.add_child(Script(f"return kdim.fit(PARENT, {js_json(focus_bounds(level, focus))});", "KdimFit"))
    return notes


def _symbol_layer(
    kind: str, records: pd.DataFrame | None, *, level: str, lang: str, settings: MapSettings,
    specialties: Iterable[str] | None, off: bool, counted: bool = False,
) -> folium.FeatureGroup:  # fmt: skip
    """One symbol layer; one that starts off takes itself off the map (kdim.startOff)."""
    if kind == "specialties":
        fg = specialties_layer(records, specialties=specialties, lang=lang, settings=settings)
    elif kind == "village":
        fg = smart_village_layer(records, level=level, lang=lang, settings=settings, counted=counted)
    else:
        fg = districts_layer(records, lang=lang, settings=settings)
    if off:
        fg.add_child(Script(f"return kdim.startOff(PARENT, {js_json('kdim-lg-' + kind)});", "KdimOff"))
    return fg


def layer_control(collapsed: bool = False) -> folium.LayerControl:
    """Layer switcher (deterministic id); pass it to st_folium(layer_control=...) too."""
    lc = folium.LayerControl(position="topright", collapsed=collapsed)
    freeze_ids(lc, "layer_control")
    return lc


def build_map(
    values: pd.DataFrame | Mapping[str, float] | None,
    records: pd.DataFrame | None = None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
    **overlay_kwargs: Any,
) -> OfflineMap:
    """Base map + overlays + layer control in one map: what exports and the CLI write.

    With a ``focus`` (region filter), the view fits the focus units.
    """
    m = base_map(level, lang, settings, bounds=focus_bounds(level, overlay_kwargs.get("focus")))
    for g in overlay_layers(
        values, records, level=level, metric=metric, lang=lang, settings=settings, **overlay_kwargs
    ):
        m.add_child(g)
    m.add_child(layer_control())
    return m


def focus_codes(level: str, filters: Any) -> tuple[str, ...] | None:
    """Units of ``level`` inside the region part of the filters (None: no region filter)."""
    if filters is None:
        return None
    get = filters.get if isinstance(filters, Mapping) else (lambda k, d=None: getattr(filters, k, d))
    sets: list[set[str]] = []
    sgg = regions.SIGUNGU
    if get("region_group", None):
        sidos = set(regions.sido_codes_in_group(get("region_group")))
        sets.append(sidos if level == "sido" else set(sgg.loc[sgg["sido_code"].isin(sidos), "sigungu_code"]))
    if get("sido_code", None):
        sc = str(get("sido_code"))
        sets.append({sc} if level == "sido" else set(sgg.loc[sgg["sido_code"] == sc, "sigungu_code"]))
    if get("sigungu_code", None):
        c = str(get("sigungu_code"))
        sets.append({regions.sido_of(c)} if level == "sido" else {c})
    if not sets:
        return None
    return tuple(sorted(set.intersection(*sets)))


def render_html(m: folium.Map) -> str:
    """The page as folium renders it (links to /app/static/...); see geo.export for standalone."""
    return m.get_root().render()
