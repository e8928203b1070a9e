"""The offline interactive map: folium layers, plain-HTML legend, escaped bilingual tooltips.

Pure Python (no Streamlit). One module per question; this package re-exports the public names
so callers write ``from geo import maps; maps.build_map(...)``:

| module | answers |
|---|---|
| ``text`` | what the map says (labels ko/en, metric names and units, filter words) |
| ``style`` | how it looks (palettes, colours, specialties, marker symbols, :class:`MapSettings`) |
| ``markup`` | making data safe for the page (HTML escaping, JSON in scripts, numbers) |
| ``codec`` | the geometry encoding (encoded-polyline rings) that ``geo/web/kdim.js`` decodes |
| ``geometry`` | display geometry per level (cached), islets, bounds, ``region_at`` |
| ``classes`` | class breaks (mapclassify) |
| ``symbols`` | totals as proportional circles: the scale, the reference circles, the colours |
| ``elements`` | offline folium elements, our scripts and styles, deterministic ids |
| ``records`` | reading records and per-region values (names, years, places, budgets) |
| ``choropleth`` / ``markers`` / ``zones`` | the layers |
| ``furniture`` | title, legend, source line, filters in words |
| ``summary`` | the map in words and as a table (its text alternative), the skip link past it |
| ``compose`` | ``base_map``, ``overlay_layers``, ``build_map`` |

The browser side lives in ``geo/web/kdim.js`` and ``geo/web/kdim.css`` (served from the app's
static folder, inlined in standalone exports); Python emits only data and one call per layer.
See docs/ARCHITECTURE.md.
"""

from geo.maps.choropleth import ChoroplethResult, choropleth_layer
from geo.maps.classes import ClassBin, breaks, class_of, classify, classify_change
from geo.maps.codec import COORD_SCALE, decode_ring, encode_ring, feature_collection
from geo.maps.compose import (
    base_map,
    build_map,
    focus_bounds,
    focus_codes,
    layer_control,
    overlay_layers,
    render_html,
    scene_layers,
    sheet_layers,
    switch_layers,
)
from geo.maps.elements import OfflineMap, OfflineMarkerCluster
from geo.maps.furniture import (
    describe_filters,
    legend_html,
    page_title,
    source_hosts,
    source_html,
    title_html,
    year_of,
)
from geo.maps.geometry import (
    base_geometry,
    bounds_of,
    drop_islets,
    emd_geometry,
    geometry_json,
    layer_codes,
    region_at,
    representative_points,
    specialty_geometry,
)
from geo.maps.markers import districts_layer, smart_village_layer
from geo.maps.markup import esc, fmt_number, fmt_signed, js_json, with_unit
from geo.maps.records import (
    budget_line,
    district_label,
    record_name,
    record_year,
    short_district_name,
    values_frame,
)
from geo.maps.style import (
    DEFAULT_SETTINGS,
    DISTRICT_COLOUR,
    FILL_PALETTES,
    MAX_CLASSES,
    NODATA_FILL,
    NODATA_HATCH,
    OUTSIDE_FILL,
    SCHEMES,
    SPECIALTIES,
    SPECIALTY_MIN_PART_DEG2,
    VILLAGE_COLOUR,
    YLGNBU,
    MapSettings,
    Specialty,
)
from geo.maps.summary import MAP_START_ID, change_html, skip_link, summary_html, table_rows, top_regions
from geo.maps.symbols import (
    CIRCLE_EDGE,
    CIRCLE_FILL,
    CIRCLE_OPACITY,
    REPRESENTATIONS,
    VALUED_FILL,
    CircleScale,
    circle_scale,
    reference_values,
)
from geo.maps.text import (
    BUDGET_UNIT,
    DEFAULT_METRIC,
    LANGS,
    LEVELS,
    check_lang,
    metric_label,
    region_name,
    specialty_title,
)
from geo.maps.zones import emd_layer, specialties_layer

__all__ = [
    "BUDGET_UNIT",
    "CIRCLE_EDGE",
    "CIRCLE_FILL",
    "CIRCLE_OPACITY",
    "COORD_SCALE",
    "DEFAULT_METRIC",
    "DEFAULT_SETTINGS",
    "DISTRICT_COLOUR",
    "FILL_PALETTES",
    "LANGS",
    "LEVELS",
    "MAP_START_ID",
    "MAX_CLASSES",
    "NODATA_FILL",
    "NODATA_HATCH",
    "OUTSIDE_FILL",
    "REPRESENTATIONS",
    "SCHEMES",
    "SPECIALTIES",
    "SPECIALTY_MIN_PART_DEG2",
    "VALUED_FILL",
    "VILLAGE_COLOUR",
    "YLGNBU",
    "ChoroplethResult",
    "CircleScale",
    "ClassBin",
    "MapSettings",
    "OfflineMap",
    "OfflineMarkerCluster",
    "Specialty",
    "base_geometry",
    "base_map",
    "bounds_of",
    "breaks",
    "budget_line",
    "build_map",
    "change_html",
    "check_lang",
    "choropleth_layer",
    "circle_scale",
    "class_of",
    "classify",
    "classify_change",
    "decode_ring",
    "describe_filters",
    "district_label",
    "districts_layer",
    "drop_islets",
    "emd_geometry",
    "emd_layer",
    "encode_ring",
    "esc",
    "feature_collection",
    "fmt_number",
    "fmt_signed",
    "focus_bounds",
    "focus_codes",
    "geometry_json",
    "js_json",
    "layer_codes",
    "layer_control",
    "legend_html",
    "metric_label",
    "overlay_layers",
    "page_title",
    "record_name",
    "record_year",
    "reference_values",
    "region_at",
    "region_name",
    "render_html",
    "representative_points",
    "scene_layers",
    "sheet_layers",
    "short_district_name",
    "skip_link",
    "smart_village_layer",
    "source_hosts",
    "source_html",
    "specialties_layer",
    "specialty_geometry",
    "specialty_title",
    "summary_html",
    "switch_layers",
    "table_rows",
    "title_html",
    "top_regions",
    "values_frame",
    "with_unit",
    "year_of",
]
