"""지방 디지털 혁신 지도 — the Streamlit page: widgets, layout, caching and wiring only.

Everything that computes lives in geo/ (see ../shared/design.md). Run: streamlit run app.py
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import charts, compare, dataset, live, maps, offline, programs, view
from geo.i18n import t
from geo.view import ViewState
from ui import account, contribute, review, side
from ui import live as live_ui
from ui.exports import exports
from ui.sidebar import sidebar
from ui.state import clear_selection, first_run, leave_briefing, state_from_widgets

log = logging.getLogger("app")
WEB = Path(__file__).resolve().parent / "geo" / "web"  # the page's CSS files (app.css, briefing.css)

st.set_page_config(page_title="지방 디지털 혁신 지도", page_icon=None, layout="wide")


# --------------------------------------------------------------------------- data (cached)


@st.cache_resource(show_spinner=False)
def static_assets() -> None:
    offline.ensure_static_assets()


# --------------------------------------------------------------------------- main


def bundled_years() -> tuple[int, ...]:
    """The year filter's choices: years in which a bundled record runs (every year, if the data fails)."""
    try:
        return dataset.bundled().years  # computed once with the data set, not on every rerun
    except Exception:  # the page reports the data problem itself (current_data); the filter stays usable
        log.exception("years of the bundled data")
        return view.YEARS


def current_data(lang: str, lv: live.Live) -> tuple[dataset.DataSet, list[str]]:
    """The store's current version when one is configured and usable, else the bundled records
    (+ or replaced by the session's upload), prepared; plus messages."""
    messages: list[str] = []
    empty: pd.DataFrame | None = None  # the records when the bundled file cannot be used
    base_raw: pd.DataFrame | None = None
    if lv.message:  # a store is configured but cannot be read: one sentence, the bundled data
        messages.append(t("store_failed", lang, error=lv.message))
    try:
        if lv.data is not None:
            data, base_raw = lv.data, lv.raw
        else:
            if n_errors := dataset.bundled_errors():
                messages.append(t("data_error", lang, error=f"{n_errors} rows rejected", fix=t("data_fix", lang)))
            data = dataset.bundled()  # from the build-time store when it is of today's files
    except Exception as exc:
        log.exception("bundled data failed")
        messages.append(t("data_error", lang, error=str(exc), fix=t("data_fix", lang)))
        empty = programs.load_programs(",".join(programs.COLUMNS).encode(), name="(none)").records
        data = dataset.prepare("empty", empty)
    up = st.session_state.get("upload")
    if up and len(up["load"].records):
        mode = st.session_state.get("w_upload_mode", "add")
        if base_raw is None:  # validated only for an upload
            base_raw = dataset.bundled_load().records if empty is None else empty
        raw, clash = view.merge_upload(base_raw, up["load"].records, mode)
        if clash:
            messages.append(t("upload_clash", lang, name=up["name"], ids=", ".join(clash[:10])))
        data = dataset.prepare(f"upload-{mode}-{data.key}-{up['digest']}", raw)
    return data, messages


def key_figures(v: view.View, lang: str, before: view.View | None = None) -> None:
    """The view's three figures (they wrap one under another in the narrow side column); in a
    comparison, each with its change from the earlier year (grey: a change is not good or bad)."""

    def delta(key: str) -> str | None:
        if before is None:
            return None
        a, b = before.figures.get(key, float("nan")), v.figures.get(key, float("nan"))
        if pd.isna(a) or pd.isna(b):
            return None
        return f"{maps.fmt_signed(b - a)} ({t('compare_delta', lang, year=before.state.year)})"

    c1, c2, c3 = st.columns(3)
    opts = {"delta_color": "off", "delta_arrow": "off"}
    # The first figure's title names the years it sums; under it, the official total it is part of.
    c1.metric(v.kpis["budget_title"], v.kpis["budget"], delta("budget"), help=v.kpis["budget_label"], **opts)
    c1.caption(" · ".join(x for x in (v.kpis["official"], t("eok_note", lang)) if x))
    c2.metric(t("kpi_records", lang), v.kpis["records"], delta("records"), **opts)
    c3.metric(t("kpi_lgs", lang), v.kpis["lgs"], delta("lgs"), **opts)
    for note in v.notes:
        st.caption(note)
    if v.policy_line:  # the view's share in 인구감소지역 against 89 of 229 시군구 (geo/policy_shares.py)
        st.caption(v.policy_line)


def coverage(v: view.View, by_year: dict[int, list[str]] | None) -> None:
    """What the records cover against the official figures: one box per year."""
    if not by_year:
        st.info(" · ".join(v.coverage), icon=None)
        return
    for lines in by_year.values():
        st.info("  \n".join(lines), icon=None)


MAP_START = f'<div id="{maps.MAP_START_ID}" tabindex="-1"></div>'


def draw_map(state: ViewState, make_args: Callable[[], dict], key: str = "map", height: int = 640) -> dict | None:
    """One map. Its frame's height follows the window (geo/web/app.css; ``height`` is only the
    first paint's), and the browser fits the view's focus to it (kdim.fit)."""
    lang = state.lang
    # The sidebar's skip link lands here (once; before both columns of two maps side by side, so
    # that they start level); this one passes the map's tab stops to map_alternative.
    start = MAP_START if key == "map" else ""
    if marks := start + (maps.skip_link(lang) if state.compare_year is None else ""):
        st.html(marks)
    try:
        args = make_args()
        base = maps.base_map(state.level, lang, args["settings"])
        groups = maps.overlay_layers(**args)
    except Exception as exc:
        log.exception("map failed")
        st.error(t("map_error", lang, error=exc))
        return None
    return st_folium(
        base,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=groups,
        # briefing and two maps side by side: the switch folded away (the legend below says what is drawn)
        layer_control=maps.layer_control(collapsed=state.briefing or state.side_by_side),
    )


# The map's own boxes on the page: no title box, since the page's title line says it right above
# the map (the title stays in the frame for screen readers; the HTML export keeps its box).
PAGE_BOXES = ("legend", "source")


def stage_maps(v: view.View, state: ViewState, data: dataset.DataSet, settings: maps.MapSettings, height: int) -> None:
    """The view's map; in a comparison, the change per region, or the two years side by side
    (one set of classes for both). A click on any of them selects the region under it."""
    if state.compare_year is None:
        outs = [draw_map(state, lambda: {**view.map_arguments(v, settings), "boxes": PAGE_BOXES}, "map", height)]
    else:
        cmp = dataset.compared(data, state)
        if not state.side_by_side:
            make = lambda: {**compare.map_arguments(v, cmp, settings), "boxes": PAGE_BOXES}  # noqa: E731
            outs = [draw_map(state, make, "map", height)]
        else:  # ui/side.py: level across the main area, one legend below both
            st.html(MAP_START)
            outs = side.pair(v, state, cmp, settings, draw_map, height)
    for out in outs:
        handle_click(out, state)
    if state.compare_year is None:  # a comparison has its own table (change_table)
        guarded(state.lang, map_alternative, v, state)


def before_view(data: dataset.DataSet, state: ViewState) -> view.View | None:
    """The earlier year's view of a comparison (its figures give the deltas)."""
    if state.compare_year is None:
        return None
    return dataset.computed(data, state.replace(year=state.compare_year, compare_year=None, side_by_side=False))


def change_table(data: dataset.DataSet, state: ViewState) -> None:
    """A comparison as a table: each region's two years and the change (what the map colours)."""
    lang = state.lang
    st.subheader(t("compare_table", lang))
    st.caption(compare.title(state))
    table = compare.change_frame(dataset.compared(data, state), lang)
    st.dataframe(table, hide_index=True, width="stretch")


def map_alternative(v: view.View, state: ViewState) -> None:
    """The map in words and as a table, right below it (screen readers, keyboard, no colour)."""
    title = maps.page_title(level=state.level, metric=state.metric, lang=state.lang, filters=state.filters())
    st.html(maps.summary_html(v.values, metric=state.metric, lang=state.lang, title=title, share=v.policy_line))


def handle_click(out: dict | None, state: ViewState) -> None:
    """A click selects the region under it; the same click seen again on a rerun is ignored."""
    click = (out or {}).get("last_clicked")
    if not click or click == st.session_state.get("last_click"):
        return
    st.session_state["last_click"] = click
    code = maps.region_at(state.level, click["lat"], click["lng"])
    if code != st.session_state.get("selected"):
        st.session_state["selected"] = code
        st.session_state["w_emd"] = False
        st.rerun()


PANEL_COLUMNS = ("name", "year", "life", "annual", "source")  # what fits beside the map


def region_panel(v: view.View, lang: str) -> None:
    p = v.panel
    if not p:
        st.caption(t("click_hint", lang))
        return
    with st.container(border=True):
        st.subheader(f"{t('panel', lang)}: {p['name']}")
        if p.get("designation"):  # 인구감소지역 / 관심지역 (data/policy_areas.csv)
            st.markdown(f"**{p['designation']}**")
        st.button(t("panel_close", lang), on_click=clear_selection)
        if p["records"].empty:
            st.write(t("panel_none", lang))
        else:
            st.write(f"{p['metric']}: **{view.fmt_eok(p['total'])}**")
            records_table(p["records"], lang, key="panel_table", columns=PANEL_COLUMNS)
            st.caption(t("panel_by_field", lang))
            st.dataframe(p["by_field"], hide_index=True, width="stretch")
            st.caption(t("panel_by_type", lang))
            st.dataframe(p["by_type"], hide_index=True, width="stretch")
        if p["is_sigungu"]:
            st.toggle(t("panel_drill", lang), key="w_emd")


def records_table(table: pd.DataFrame, lang: str, key: str, columns: Sequence[str] | None = None) -> None:
    cc = st.column_config
    st.dataframe(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        column_order=columns,
        column_config={
            "id": cc.TextColumn(t("col_id", lang)),
            "name": cc.TextColumn(t("col_name", lang), width="large"),
            "region": cc.TextColumn(t("col_region", lang)),
            "type": cc.TextColumn(t("col_type", lang)),
            "field": cc.TextColumn(t("col_field", lang)),
            "year": cc.NumberColumn(t("col_year", lang), format="%d"),
            "annual_year": cc.NumberColumn(t("col_annual_year", lang), format="%d"),
            "annual": cc.NumberColumn(t("col_annual", lang), format="%,.1f"),
            "life": cc.NumberColumn(t("col_life", lang), format="%,.1f"),
            "period": cc.TextColumn(t("col_period", lang)),
            "precision": cc.TextColumn(t("col_precision", lang)),
            "source": cc.LinkColumn(t("col_source", lang)),
        },
    )


def charts_part(v: view.View) -> None:
    """The three figures as bar tables (geo/charts.py: no Vega for the browser to load first)."""
    lang = v.state.lang
    st.subheader(t("charts", lang))
    captions = (
        t("chart_field", lang),
        f"{t('chart_region', lang)} — {view.metric_label(v.state.metric, lang)}",
        t("chart_year", lang),
    )
    frames = (v.by_field, v.by_region, v.by_year)
    for col, caption, name, frame in zip(st.columns(3), captions, charts.CHARTS, frames, strict=True):
        with col:
            if frame.empty:
                st.caption(caption)
                st.write("—")
            else:
                st.html(charts.html(name, frame, lang, caption))


def guarded(lang: str, part: Callable[..., None], *args: object, **kwargs: object) -> None:
    """Draw one part of the page; if it fails, say so in words and let the rest draw."""
    try:
        part(*args, **kwargs)
    except Exception as exc:
        log.exception("%s failed", part.__name__)
        st.error(t("part_error", lang, error=f"{type(exc).__name__}: {exc}"))


def briefing_page(v: view.View, state: ViewState, data: dataset.DataSet, title: str, sources: str) -> None:
    """Briefing mode: large title and filter line, the map filling the window, figures, coverage
    (always shown) and the source line beside it."""
    lang = state.lang
    st.html(WEB / "briefing.css")
    words = f"{t('filters', lang)}: {view.filter_words(state)}"
    st.markdown(
        f'<p class="kdim-brief-title">{html.escape(title)}</p><p class="kdim-brief-filter">{html.escape(words)}</p>',
        unsafe_allow_html=True,
    )
    with st.container(key=side.stage_key(state)):
        left, right = side.parts(state, [2.6, 1])
        with left:
            stage_maps(
                v, state, data, maps.MapSettings.projector(scheme=state.scheme, represent=state.represent), height=700
            )
        with right, st.container(key="kdim_side"):
            key_figures(v, lang, before_view(data, state))
            coverage(v, data.coverage_by_year.get(lang))
            source = html.escape(sources)
            st.markdown(f'<p class="kdim-brief-source">{source}</p>', unsafe_allow_html=True)
            st.button(t("briefing_exit", lang), key="exit_brief", on_click=leave_briefing)


def page_header(state: ViewState, title: str, messages: Sequence[str]) -> None:
    """One title line and one line saying what the map shows; then anything that went wrong."""
    lang = state.lang
    words = f"{title} — {view.filter_words(state)}"
    with st.container(key="kdim_head"):
        st.title(t("app_title", lang), anchor=False)
        st.markdown(
            f'<p class="kdim-view" title="{html.escape(words)}"><strong>{html.escape(title)}</strong>'
            f" — {html.escape(view.filter_words(state))}</p>",
            unsafe_allow_html=True,
        )
    for msg in messages:
        st.error(msg)
    for msg in dataset.problems():  # e.g. a damaged boundary file: the map still draws, from memory
        st.warning(msg)
    if st.session_state.get("ignored"):
        st.warning(t("query_warning", lang, items=", ".join(st.session_state["ignored"])))


def map_stage(v: view.View, state: ViewState, data: dataset.DataSet, version: str = "") -> None:
    """The first screen: the map, and beside it the figures, coverage (a click away) and the panel."""
    lang = state.lang
    with st.container(key=side.stage_key(state)):
        left, right = side.parts(state, [2.2, 1])  # two maps side by side: the figures below them
        with left:
            stage_maps(v, state, data, maps.MapSettings(scheme=state.scheme, represent=state.represent), height=640)
        with right, st.container(key="kdim_side"):
            up = st.session_state.get("upload")
            if up:
                st.caption(t("upload_active", lang, name=up["name"]))
            key_figures(v, lang, before_view(data, state))
            if version:  # the shared store's data version and its date
                st.caption(version)
            with st.expander(t("coverage_title", lang)):
                coverage(v, data.coverage_by_year.get(lang))
            guarded(lang, region_panel, v, lang)


@st.cache_resource(show_spinner=False, max_entries=8)
def preview_data(records_file: bytes) -> dataset.DataSet:
    """A submission's preview records (the current ones with it merged), prepared once per file."""
    load = programs.load_programs(records_file, name="preview")
    return dataset.prepare(f"preview-{hashlib.sha256(records_file).hexdigest()[:16]}", load.records)


def preview_map(state: ViewState) -> contribute.ShowMap:
    """How the submit and review pages draw a preview: this view's figures and map over other records."""
    s = state.replace(compare_year=None, side_by_side=False, briefing=False)

    def show(records_file: bytes, key: str) -> None:
        v = dataset.computed(preview_data(records_file), s)
        key_figures(v, s.lang)
        draw_map(s, lambda: view.map_arguments(v, maps.MapSettings(scheme=s.scheme)), key, 480)

    return show


def source_line(lang: str, lv: live.Live) -> str:
    """The sources, and the data version with its date when the records come from the shared store."""
    return " · ".join(x for x in (t("source_line", lang), live_ui.version_words(lv, lang)) if x)


def work_page(lang: str, lv: live.Live, user: account.User | None, state: ViewState) -> bool:
    """The signed-in editor's or reviewer's page instead of the map; False when the map is chosen."""
    page = account.page_choice(lang, user)
    if page == "map" or lv.store is None or user is None:
        return False
    show = preview_map(state)
    (contribute.submit_page if page == "submit" else review.review_page)(lang, lv.store, user, show)
    return True


def main() -> None:
    static_assets()
    if "init" not in st.session_state:
        first_run()
    lang = st.session_state.get("w_lang", "ko")
    lv = live.now()  # the shared store's current version, or the bundled data (no store / a failed one)
    user = account.current_user(lv.store)
    # The sidebar is always drawn (hidden by CSS in briefing mode) so its widgets keep their state.
    sidebar(lang, t("all", lang), lv.data.years if lv.data is not None else bundled_years())
    account.panel(lang, lv.store, user)
    state = state_from_widgets()
    briefing_mode = state.briefing
    lang = state.lang
    st.query_params.from_dict(view.to_query(state))
    if live.configured():
        st.session_state[live_ui.SHOWN] = lv.version
        live_ui.watch()

    data, messages = current_data(lang, lv)
    v = dataset.computed(data, state)
    if state.compare_year is not None:  # both years side by side are not their change
        title = compare.side_title(state) if state.side_by_side else compare.title(state)
    else:
        title = maps.page_title(level=state.level, metric=state.metric, lang=lang, filters=state.filters())

    st.html(WEB / "app.css")
    st.html(WEB / "page.css")  # skip links and the map's table (shared with the standalone export)
    if briefing_mode:
        briefing_page(v, state, data, title, source_line(lang, lv))
        return
    page_header(state, title, messages)
    if work_page(lang, lv, user, state):
        return
    map_stage(v, state, data, live_ui.version_words(lv, lang))
    st.caption(t("app_subtitle", lang))
    if state.compare_year is not None:
        guarded(lang, change_table, data, state)
    guarded(lang, charts_part, v)
    st.subheader(t("table", lang))
    guarded(lang, records_table, v.table, lang, key="records_table")
    guarded(lang, exports, v, state, data)
    st.caption(source_line(lang, lv))


main()
