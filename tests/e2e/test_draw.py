"""The map's own geometry decoder and its shortcuts in Leaflet's drawing (issue 30), in Chromium.

The decoder turns every ring of the national 시군구 and 시도 geometry, and rings at the ends of
the format's range, into exactly the coordinates geo/maps/codec.py's decode_ring reads from the
same text. The shapes projected from its store (shapes.js "packed") draw exactly the paths
Leaflet's own code draws from L.LatLng, at the opening view, at fractional and deep zooms, after
a pan, with the 인구감소지역 outlines on.

A region's tooltip and popup are bound at its first hover, click or focus, and then do what
they did when bound up front.

The placement pass runs before the frame that first draws the marks, so no frame shows them
where they collide (it ran in a task after that frame, which was then drawn again).

A shape lying wholly inside the drawn area keeps its rings instead of being clipped
(shapes.js "clipping"). For every region, land and border shape of the national 시군구 map, at
the opening view (all inside) and zoomed in on Seoul (most cut or off the view), the parts
drawn are compared point for point with Leaflet's own clip (kdim.leafletClip), run on the same
projected rings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import hover_tooltip, map_frame, map_locator, map_point, open_app, visible_point
from playwright.sync_api import expect

from geo import dataset, export, maps, regions, view

pytestmark = pytest.mark.e2e

DECODE_JS = """(text) => {
  const fc = kdim.decode(JSON.parse(text)), out = [];
  const walk = x => {
    if (!Array.isArray(x)) {  // a ring: its m points in its store, from point o
      const r = [];
      for (let i = x.o; i < x.o + x.m; i++) r.push([x.s.ll[2 * i + 1], x.s.ll[2 * i]]);
      out.push(r);
    } else x.forEach(walk);
  };
  fc.features.forEach(f => walk(f.geometry.coordinates));
  return out;
}"""


def python_rings(text: str) -> list[list[list[float]]]:
    """Every ring of an encoded FeatureCollection, in order, as codec.decode_ring reads it."""
    out: list[list[list[float]]] = []

    def walk(x) -> None:  # type: ignore[no-untyped-def]
        if isinstance(x, str):
            out.append(maps.decode_ring(x))
        else:
            for y in x:
                walk(y)

    for f in json.loads(text)["features"]:
        walk(f["geometry"]["coordinates"])
    return out


def test_the_decoder_reads_what_python_wrote(new_page, app_server) -> None:
    page = new_page(viewport={"width": 1366, "height": 768})
    open_app(page, app_server.url)
    frame = map_frame(page)
    edges = [[-180.0, -85.0], [179.99999, 85.05113], [0.00001, -0.00001], [-0.00001, 0.0], [126.97797, 37.56654]]
    texts = [
        maps.geometry_json("sigungu"),
        maps.geometry_json("sido"),
        json.dumps(
            {
                "type": "FeatureCollection",
                "precision": 5,
                "features": [
                    {
                        "type": "Feature",
                        "id": "edges",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": maps.encode_ring(edges)},
                    },
                ],
            }
        ),
    ]
    for text in texts:
        want = python_rings(text)
        got = frame.evaluate(DECODE_JS, text)
        assert len(got) == len(want) and got == want
    assert sum(len(r) for r in python_rings(texts[0])) > 15_000  # the whole national 시군구 layer
    assert python_rings(texts[2]) == [edges]


COMPARE_JS = """() => {
  const out = {shapes: 0, kept: 0, cut: 0, diff: []};
  const pts = parts => JSON.stringify(parts.map(p => p.map(q => [q.x, q.y])));
  window.map.eachLayer(l => {
    if (!l._rings || !l._renderer) return;
    const polygon = l instanceof L.Polygon;
    const ours = pts(l._parts);
    l._clipPoints();  // ours again, for the parts before Leaflet's simplification
    const mine = pts(l._parts);
    (polygon ? kdim.leafletClip.polygon : kdim.leafletClip.polyline).call(l);
    const leaflets = pts(l._parts);
    out.shapes++;
    if (mine !== leaflets) out.diff.push(l.feature ? l.feature.id : (l.options.className || '?'));
    const whole = l._rings.reduce((n, r) => n + r.length, 0), drawn = l._parts.reduce((n, p) => n + p.length, 0);
    if (drawn === whole) out.kept++; else out.cut++;
    l._clipPoints(); l._simplifyPoints();  // drawn again as it was
    if (pts(l._parts) !== ours) out.diff.push('redraw ' + (l.feature ? l.feature.id : '?'));
  });
  return out;
}"""


def test_unclipped_shapes_are_what_leaflets_clip_gives(new_page, app_server) -> None:
    page = new_page(viewport={"width": 1366, "height": 768})
    open_app(page, app_server.url + "/?level=sigungu&year=all", n_regions=229)
    frame = map_frame(page)
    whole = frame.evaluate(COMPARE_JS)
    # 229 regions, the land and the 시도 borders, all inside the opening view
    assert whole["shapes"] >= 231, whole
    assert whole["diff"] == [], whole
    assert whole["cut"] == 0, whole
    frame.evaluate("() => window.map.setView([37.55, 126.98], 11, {animate: false})")
    zoomed = frame.evaluate(COMPARE_JS)
    assert zoomed["diff"] == [], zoomed
    assert zoomed["cut"] >= 10, zoomed  # Seoul's edge cuts shapes: Leaflet's own clip ran and agreed


FIRST_FRAME_JS = """
// What the first frame drawing a district star shows: a ResizeObserver's first report on the
// star comes after that frame's layout and before its paint (HTML's rendering steps).
window.__kdimFirstFrame = null;
new MutationObserver((records, watcher) => {
  const star = document.querySelector('.kdim-icon-district');
  if (!star) return;
  watcher.disconnect();
  new ResizeObserver((entries, ro) => {
    ro.disconnect();
    const map = Object.values(window).find(v => window.L && v instanceof L.Map);
    window.__kdimFirstFrame = {placed: map._kdimFirstPlaced !== undefined,
                               labels: document.querySelectorAll('.kdim-icon-district .kdim-label').length};
  }).observe(star);
}).observe(document, {childList: true, subtree: true});
"""


def test_the_first_frame_shows_the_marks_placed(guarded_pages, tmp_path: Path) -> None:
    state = view.preset("districts", "ko")  # four stars with labels, 권역 labels and Smart Village sites
    out = tmp_path / "districts.html"
    out.write_text(export.view_html(dataset.computed(dataset.bundled(), state)), encoding="utf-8")
    page = guarded_pages(viewport={"width": 1366, "height": 768})
    page.add_init_script(FIRST_FRAME_JS)
    page.goto(out.as_uri())
    got = page.wait_for_function("() => window.__kdimFirstFrame", timeout=30_000).json_value()
    assert got == {"placed": True, "labels": 4}, got


BOUND_JS = """() => {
  const out = [];
  window.map.eachLayer(l => {
    if (l.feature && l._path && l._path.matches('path.kdim-region') && l.getTooltip()) out.push(l.feature.id);
  });
  return out;
}"""


def test_a_regions_tooltip_and_popup_come_at_first_use(new_page, app_server) -> None:
    page = new_page(viewport={"width": 1366, "height": 768})
    open_app(page, app_server.url)
    frame = map_frame(page)
    assert frame.evaluate(BOUND_JS) == []  # nothing bound before anyone points at a region
    frame.evaluate("() => { window.__clicks = 0; window.map.on('click', () => window.__clicks++); }")
    where = visible_point(page, "41")
    name = regions.name("41", "ko")
    assert name in hover_tooltip(page, *where)  # the first hover binds it and opens it where the pointer is
    assert frame.evaluate(BOUND_JS) == ["41"]
    weight = "() => [...document.querySelectorAll('path.kdim-region')].map(p => p.getAttribute('stroke-width'))"
    assert "2.5" in frame.evaluate(weight)  # the hover style
    page.mouse.move(5, 5)
    expect(map_locator(page).locator(".leaflet-tooltip")).to_have_count(0)
    assert name in hover_tooltip(page, *where)  # again, now through its own bound tooltip
    expect(map_locator(page).locator(".leaflet-tooltip")).to_have_count(1)
    page.mouse.click(*map_point(page, *where))
    assert frame.evaluate("() => window.__clicks") == 1  # the click reached the map once (the app's panel)
    popup = map_locator(page).locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=10_000)
    assert name in popup.inner_text()
    # A first click with no hover before it (a tap): the group opens the popup and passes the click on
    lat, lon = maps.representative_points("sido")["51"]
    tapped = frame.evaluate(
        """([lat, lon]) => {
      let region = null;
      window.map.eachLayer(l => { if (l.feature && l.feature.id === '51' && l._path) region = l; });
      const before = window.__clicks, e = new MouseEvent('click');
      region.fire('click', {latlng: L.latLng(lat, lon), originalEvent: e}, true);
      return {clicks: window.__clicks - before, stopped: !!e._stopped,
              popup: document.querySelector('.leaflet-popup-content').textContent};
    }""",
        [lat, lon],
    )
    assert tapped["clicks"] == 1 and tapped["stopped"], tapped
    assert regions.name("51", "ko") in tapped["popup"], tapped


PATHS_JS = """() => [...document.querySelectorAll('path')].map(p => p.getAttribute('d'))"""

LEAFLETS_JS = """() => {
  // Each packed shape asked for its L.LatLng: from then on Leaflet's own code projects and draws it.
  const map = Object.values(window).find(v => window.L && v instanceof L.Map);
  let packed = 0, plain = 0;
  map.eachLayer(l => {
    if (!(l instanceof L.Polyline)) return;
    if (!l._kdimPack) { plain++; return; }
    packed++;
    l.getLatLngs();
    l._update();
  });
  map.eachLayer(l => { if (l._kdimPack) packed = -1; });  // none left
  return {packed, plain};
}"""


@pytest.fixture(scope="module")
def policy_page(tmp_path_factory) -> Path:
    """The national 시군구 map with the 인구감소지역 outlines on, as a standalone file."""
    state = view.ViewState(level="sigungu", year=None, area="decline", represent="fill")
    out = tmp_path_factory.mktemp("draw") / "policy.html"
    out.write_text(export.view_html(dataset.computed(dataset.bundled(), state)), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("size", "move"),
    [
        ((1366, 768), None),  # the opening view: every shape inside it
        ((1920, 1080), None),
        ((1366, 768), "map.setZoom(6.3, {animate: false})"),  # a fractional zoom
        ((1366, 768), "map.setView([37.55, 126.98], 11, {animate: false})"),  # Seoul: most shapes cut or off
        ((1366, 768), "map.setView([35.5, 128.5], 9, {animate: false}); map.panBy([300, 200], {animate: false})"),
    ],
)
def test_packed_shapes_draw_leaflets_paths(guarded_pages, policy_page: Path, size, move) -> None:
    page = guarded_pages(viewport={"width": size[0], "height": size[1]})
    page.goto(policy_page.as_uri())
    page.wait_for_function("() => document.querySelectorAll('path.kdim-region').length === 229", timeout=30_000)
    if move:
        page.evaluate(f"() => {{ const map = Object.values(window).find(v => v instanceof L.Map); {move}; }}")
    ours = page.evaluate(PATHS_JS)
    assert page.locator("path.kdim-policy-line").count() >= 1  # the outlines are drawn, packed too
    made = page.evaluate(LEAFLETS_JS)
    # 229 regions, the land, the 시도 borders and the outlines (casing and line) were packed, none made yet
    assert made["packed"] >= 233 and made["plain"] == 0, made
    leaflets = page.evaluate(PATHS_JS)
    assert len(ours) == len(leaflets) >= 233
    assert sum(a != b for a, b in zip(ours, leaflets, strict=True)) == 0
    assert sum(d.count("L") for d in ours) > 1000
