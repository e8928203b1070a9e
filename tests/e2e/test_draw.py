"""kdim.js's shortcuts in Leaflet's drawing (issue 30) give what Leaflet gives, in Chromium.

A shape lying wholly inside the drawn area keeps its rings instead of being clipped
(kdim.js "clipping"). For every region, land and border shape of the national 시군구 map, at
the opening view (all inside) and zoomed in on Seoul (most cut or off the view), the parts
drawn are compared point for point with Leaflet's own clip (kdim.leafletClip), run on the same
projected rings.
"""

from __future__ import annotations

import pytest
from helpers import map_frame, open_app

pytestmark = pytest.mark.e2e

COMPARE_JS = """() => {
  const out = {shapes: 0, kept: 0, cut: 0, diff: []};
  const pts = parts => JSON.stringify(parts.map(p => p.map(q => [q.x, q.y])));
  window.map.eachLayer(l => {
    if (!l._rings || !l._renderer) return;
    const polygon = l instanceof L.Polygon;
    const ours = pts(l._parts);
    const unsimplified = l._parts;
    l._clipPoints();  // ours again, for the parts before Leaflet's simplification
    const mine = pts(l._parts);
    (polygon ? kdim.leafletClip.polygon : kdim.leafletClip.polyline).call(l);
    const leaflets = pts(l._parts);
    out.shapes++;
    if (mine !== leaflets) out.diff.push(l.feature ? l.feature.id : (l.options.className || '?'));
    const whole = l._rings.reduce((n, r) => n + r.length, 0), drawn = l._parts.reduce((n, p) => n + p.length, 0);
    if (drawn === whole) out.kept++; else out.cut++;
    l._parts = unsimplified; l._clipPoints(); l._simplifyPoints();
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
