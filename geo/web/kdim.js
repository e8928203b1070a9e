/*
 * The map's code in the browser (지방 디지털 혁신 지도). Loaded once per page: served by the app
 * from static/vendor/kdim-<hash>/kdim.js, inlined by the standalone exports. Python (geo/maps)
 * emits only data and one call per layer, e.g.
 *   var S = [...], C = {...}, T = {...}, P = {...};
 *   return kdim.choropleth(PARENT, kdimGeo({...}), S, C, T, P);
 * Plain ES5, no build step: `node --check` reads it in CI.
 */
(function (root) {
  'use strict';
  if (root.kdim) return;

  // ------------------------------------------------------------------ geometry codec
  // Rings are Google encoded polylines (precision in fc.precision, lat,lng; geo/maps/codec.py),
  // decoded by the vendored @mapbox/polyline (polyline.js, loaded before this file) and made
  // L.LatLng objects here, so the layers need no coordsToLatLng of their own (kdimLL).
  function ring(s, precision) {
    var c = root.polyline.decode(s, precision), n = c.length, out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = new L.LatLng(c[i][0], c[i][1]);
    return out;
  }

  function decode(fc) {
    if (fc.kdimDecoded) return fc;
    var pr = fc.precision;
    fc.features.forEach(function (f) {
      var g = f.geometry;
      if (g.type === 'LineString') g.coordinates = ring(g.coordinates, pr);
      else if (g.type === 'Polygon' || g.type === 'MultiLineString')
        g.coordinates = g.coordinates.map(function (r) { return ring(r, pr); });
      else if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(function (p) {
        return p.map(function (r) { return ring(r, pr); });
      });
    });
    fc.kdimDecoded = true;
    return fc;
  }

  function identity(ll) { return ll; }

  // ------------------------------------------------------------------ no-data hatch
  // One SVG pattern per page; path.kdim-nodata fills with url(#kdim-hatch) (kdim.css).
  function defs(fill, hatch) {
    if (document.getElementById('kdim-defs')) return;
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('id', 'kdim-defs');
    svg.setAttribute('width', '0'); svg.setAttribute('height', '0');
    svg.setAttribute('aria-hidden', 'true');
    svg.style.position = 'absolute';
    svg.innerHTML = '<defs><pattern id="kdim-hatch" patternUnits="userSpaceOnUse" width="6" height="6"'
      + ' patternTransform="rotate(45)"><rect width="6" height="6" fill="' + fill + '"/>'
      + '<line x1="0" y1="0" x2="0" y2="6" stroke="' + hatch + '" stroke-width="2"/></pattern></defs>';
    document.body.appendChild(svg);
  }

  // ------------------------------------------------------------------ page language
  // The map's language on its document, so screen readers read it with the right voice. In the
  // app the map is a same-origin iframe (streamlit-folium's page and Streamlit's both say
  // lang="en", whatever the language shown): the page around it is told too (KWCAG 기본 언어 표시).
  var MORE = '+{n}';  // the "+N hidden" line's words (geo/maps/text.py more_hidden)

  function lang(code, frameName, more) {
    document.documentElement.setAttribute('lang', code);
    if (more) MORE = more;
    try {
      if (root.parent && root.parent !== root) root.parent.document.documentElement.setAttribute('lang', code);
      // streamlit-folium titles its iframe "streamlit_folium.st_folium": name it for what it is.
      if (frameName && root.frameElement) root.frameElement.setAttribute('aria-label', frameName);
    } catch (e) { /* another origin: its page says its own language */ }
  }

  // ------------------------------------------------------------------ layers

  // The quiet basemap: land below everything, 시도 borders above the choropleth.
  function base(map, fit, landGeo, borderGeo, landStyle, borderStyle) {
    // Fit the view before any layer exists: fitting afterwards would project and draw everything twice.
    fitTo(map, fit);
    // The frame's height follows the window (CSS): until the user pans or zooms, keep the focus fitted.
    map.on('zoomstart movestart', function () { if (!map._kdimFitting) map._kdimMoved = true; });
    map.on('resize', function () { if (!map._kdimMoved) fitTo(map, map._kdimBounds); });
    // Leaflet notices a window resize only; the frame's CSS (loaded after the map is made) and the
    // page's layout change the map's box without one.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize({debounceMoveend: true}); }).observe(map.getContainer());
    }
    map.createPane('kdim-land').style.zIndex = 350;
    var bp = map.createPane('kdim-borders'); bp.style.zIndex = 450; bp.style.pointerEvents = 'none';
    map.createPane('kdim-circles').style.zIndex = 460;  // totals' circles: above the borders, below markers
    var land = L.geoJSON(landGeo, {pane: 'kdim-land', coordsToLatLng: identity,
                                   style: function () { return landStyle; }}).addTo(map);
    L.geoJSON(borderGeo, {pane: 'kdim-borders', coordsToLatLng: identity,
                          style: function () { return borderStyle; }}).addTo(map);
    return land;
  }

  function fitTo(map, bounds) {
    map._kdimBounds = bounds; map._kdimFitKey = JSON.stringify(bounds); map._kdimMoved = false;
    var opt = fitPadding(map, bounds), view = map._getBoundsCenterZoom(L.latLngBounds(bounds), opt);
    map._kdimPadding = {left: opt.paddingTopLeft.x, top: opt.paddingTopLeft.y,
                        right: opt.paddingBottomRight.x, bottom: opt.paddingBottomRight.y};
    if (map._loaded && Math.abs(map.getZoom() - view.zoom) < 1e-6
        && map.latLngToContainerPoint(view.center).distanceTo(map.getSize().divideBy(2)) < 0.5) return;
    map._kdimFitting = true;
    try { map.setView(view.center, view.zoom, {animate: false}); } finally { map._kdimFitting = false; }
  }

  // The map's own boxes (title, legend, source line, layer switch, zoom buttons) sit over its
  // corners. A few margins are tried (none; room for the title beside or above it; for the
  // source line below; for the legend or the open layer switch beside it, the switch above) and the one kept costs least: the share of
  // each focus region's outline the boxes would cover (a whole region costs 1) plus the zoom
  // levels given up. So 제주 does not sit under the source line, nor 강화 under the title,
  // when a smaller map would show them. Before the regions and boxes exist: 8 px all round.
  var FURNITURE = '.kdim-titlebox, .kdim-legend, .kdim-source, .leaflet-control-layers, .leaflet-control-zoom';
  var PAD = 8;

  function boxesIn(map) {
    var c = map.getContainer(), o = c.getBoundingClientRect(), out = {all: []};
    Array.prototype.forEach.call(c.querySelectorAll(FURNITURE), function (e) {
      var r = e.getBoundingClientRect();
      if (!r.width || !r.height) return;
      var b = {l: r.left - o.left, t: r.top - o.top, r: r.right - o.left, b: r.bottom - o.top};
      out.all.push(b);
      ['kdim-titlebox', 'kdim-legend', 'kdim-source', 'leaflet-control-layers'].forEach(function (k) {
        if (e.classList.contains(k)) out[k] = b;
      });
    });
    return out;
  }

  function covered(map, view, regions, boxes) {
    var half = map.getSize().divideBy(2), mid = map.project(view.center, view.zoom), cost = 0;
    regions.forEach(function (pts) {
      var hid = 0;
      pts.forEach(function (ll) {
        var p = map.project(ll, view.zoom).subtract(mid).add(half);
        for (var i = 0; i < boxes.length; i++) {
          var b = boxes[i];
          if (p.x > b.l && p.x < b.r && p.y > b.t && p.y < b.b) { hid++; break; }
        }
      });
      cost += hid / pts.length;
    });
    return cost;
  }

  // A region's outline points (at most about 60, evenly picked): where the boxes would cover it.
  function outlinePoints(l) {
    var all = [];
    (function walk(x) { if (x instanceof L.LatLng) all.push(x); else x.forEach(walk); })(l.getLatLngs());
    var step = Math.max(1, Math.floor(all.length / 60)), out = [];
    for (var i = 0; i < all.length; i += step) out.push(all[i]);
    return out;
  }

  function fitPadding(map, bounds) {
    var plain = {paddingTopLeft: L.point(PAD, PAD), paddingBottomRight: L.point(PAD, PAD)};
    var regions = map._kdimRegions || [], size = map.getSize();
    if (!regions.length || !size.x || !size.y) return plain;
    var boxes = boxesIn(map), title = boxes['kdim-titlebox'], legend = boxes['kdim-legend'],
        source = boxes['kdim-source'], layers = boxes['leaflet-control-layers'];
    var tl = [[PAD, PAD]], br = [[PAD, PAD]];
    if (title) tl.push([title.r + PAD, PAD], [PAD, title.b + PAD]);
    if (layers) { tl.push([PAD, layers.b + PAD]); br.push([size.x - layers.l + PAD, PAD]); }  // the layer switch, open
    if (source) br.push([PAD, size.y - source.t + PAD]);
    if (legend) br.push([size.x - legend.l + PAD, PAD]);
    if (legend && source) br.push([size.x - legend.l + PAD, size.y - source.t + PAD]);
    var ll = L.latLngBounds(bounds), best = null;
    map._kdimTried = [];  // what was weighed (tests and a curious reader: map._kdimTried)
    tl.forEach(function (a) {
      br.forEach(function (b) {
        if (a[0] + b[0] >= size.x * 0.8 || a[1] + b[1] >= size.y * 0.8) return;
        var opt = {paddingTopLeft: L.point(a[0], a[1]), paddingBottomRight: L.point(b[0], b[1])};
        var view = map._getBoundsCenterZoom(ll, opt), hidden = covered(map, view, regions, boxes.all);
        var cost = hidden - view.zoom;
        map._kdimTried.push({tl: a, br: b, zoom: view.zoom, covered: hidden});
        if (!best || cost < best.cost - 1e-9) best = {cost: cost, opt: opt};
      });
    });
    return best ? best.opt : plain;
  }

  // Once the regions and the boxes are on the map, fit again (once per task), unless the user moved it.
  function refitSoon(map) {
    if (!map || map._kdimRefit) return;
    map._kdimRefit = true;
    Promise.resolve().then(function () {
      map._kdimRefit = false;
      if (!map._kdimMoved && map._kdimBounds) fitTo(map, map._kdimBounds);
    });
  }

  // The view's focus (a region filter, or all of Korea), fitted to whatever size the frame has.
  // A filter change that keeps the same focus (a click, a metric) leaves the user's pan and zoom alone.
  function fit(parent, bounds) {
    function go() {
      var map = parent._map;
      if (map && map._kdimFitKey !== JSON.stringify(bounds)) fitTo(map, bounds);
      if (map) { placeOn(map); map._kdimPlaceSoon(); }
    }
    parent.on('add', go);
    go();
    return null;
  }

  // ------------------------------------------------------------------ keyboard and screen reader
  // A region or marker a keyboard can reach: in the Tab order, named by what its tooltip says
  // (plain text from Python), its tooltip shown while focused, Enter/Space doing what a click
  // does (`activate`). The focus ring is kdim.css's :focus-visible.
  function focusable(el, layer, name, activate) {
    if (!el || el.getAttribute('data-kdim-focus')) return;
    el.setAttribute('data-kdim-focus', '1');
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', name);
    L.DomEvent.on(el, 'focus', function () {
      var map = layer._map, c = map && map.getContainer();
      if (c) { c.scrollTop = 0; c.scrollLeft = 0; }  // a focused shape at the edge must not scroll the map box
      if (layer.getTooltip()) layer.openTooltip();
    });
    L.DomEvent.on(el, 'blur', function () { if (layer.getTooltip()) layer.closeTooltip(); });
    L.DomEvent.on(el, 'keydown', function (e) {
      if (e.key !== 'Enter' && e.key !== ' ' && e.key !== 'Spacebar') return;
      L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
      activate();
    });
  }

  // A keyboard "click" on a region: its popup, and the map's click event at a point inside it
  // (what the app's click handler reads: streamlit-folium reports it as last_clicked).
  function pressRegion(l, at) {
    var map = l._map, ll = L.latLng(at[0], at[1]);
    if (!map) return;
    if (l.getPopup()) l.openPopup(ll);
    mapClick(map, ll);
  }

  function mapClick(map, ll) {
    map.fire('click', {latlng: ll, layerPoint: map.latLngToLayerPoint(ll), containerPoint: map.latLngToContainerPoint(ll)});
  }

  // A mouse click on a region or circle with a popup: Leaflet's popup stops the click there, so the
  // map (whose click the app reads as the region chosen) is told here, as a keyboard press tells it.
  function passClick(l) {
    l.on('click', function (e) {
      if (l._map && e.originalEvent && e.originalEvent._stopped) mapClick(l._map, e.latlng);
    });
  }

  // Classed fills: S = style list, C = code -> style index, T/P = code -> tooltip/popup HTML,
  // A = code -> [accessible name, lat, lon of a point inside] for the regions a keyboard reaches
  // (those inside the filter; muted ones carry no figure). K (totals as circles, or null):
  // {c: codes, r: radii in px, s: style}, largest first; each circle sits at its region's point,
  // carries its tooltip and popup and is the region's keyboard stop (named as the region).
  function choropleth(parent, geo, S, C, T, P, A, K) {
    A = A || {};
    REGION_GEO = geo;  // the policy layer outlines some of these features (no second copy)
    var circled = {};
    if (K) K.c.forEach(function (c) { circled[c] = true; });
    var layer = L.geoJSON(geo, {
      coordsToLatLng: identity,
      style: function (f) { return S[C[f.id]]; },
      onEachFeature: function (f, l) {
        if (T[f.id]) l.bindTooltip(T[f.id], {sticky: true, className: 'kdim-tip-box'});
        if (P[f.id]) { l.bindPopup(P[f.id], {maxWidth: 380}); passClick(l); }
        l.on('mouseover', function () { l.setStyle({weight: 2.5, color: '#222'}); });
        l.on('mouseout', function () { layer.resetStyle(l); });
        var a = A[f.id];
        if (a && !circled[f.id]) l.on('add', function () {
          focusable(l._path, l, a[0], function () { pressRegion(l, [a[1], a[2]]); });
        });
      }
    });
    // the regions a keyboard reaches are the focus's: the fit keeps them out from under the boxes
    function remember() {
      var map = parent._map, rs = [];
      if (!map) return;
      layer.eachLayer(function (l) { if (A[l.feature.id]) rs.push(outlinePoints(l)); });
      map._kdimRegions = rs;
      refitSoon(map);
    }
    parent.on('add', remember);
    layer.addTo(parent);
    if (K) circles(parent, K, A, T, P);
    remember();
    return layer;
  }

  // Proportional circles (area ∝ value; radii from geo/maps/symbols.py), one loop over two arrays.
  function circles(parent, K, A, T, P) {
    K.c.forEach(function (code, i) {
      var a = A[code];
      if (!a) return;
      var c = L.circleMarker([a[1], a[2]], L.extend({}, K.s, {radius: K.r[i], pane: 'kdim-circles'}));
      c.kdimCode = code;
      if (T[code]) c.bindTooltip(T[code], {direction: 'top', className: 'kdim-tip-box'});
      if (P[code]) { c.bindPopup(P[code], {maxWidth: 380}); passClick(c); }
      c.on('mouseover', function () { c.setStyle({weight: 2.5, color: '#222'}); });
      c.on('mouseout', function () { c.setStyle({weight: K.s.weight, color: K.s.color}); });
      c.on('add', function () {
        focusable(c._path, c, a[0], function () { pressRegion(c, [a[1], a[2]]); });
      });
      c.addTo(parent);
    });
    return K.c.length;
  }

  // Markers from one JSON array (one loop, not one folium element each). I = icon options by key;
  // d.name is the marker's accessible name (its tooltip in plain text). Enter/Space opens the
  // popup, or the tooltip's text as a popup where the marker has none (touch and keyboard alike).
  function points(parent, I, D) {
    var icons = {};
    Object.keys(I).forEach(function (k) { icons[k] = L.divIcon(I[k]); });
    D.forEach(function (d) {
      var icon = icons[d.icon];
      if (d.label) icon = L.divIcon(L.extend({}, I[d.icon],
        {html: I[d.icon].html + '<span class="kdim-label" aria-hidden="true">' + d.label + '</span>'}));
      var mk = L.marker([d.lat, d.lon], {icon: icon, keyboard: false, riseOnHover: true, zIndexOffset: d.z || 0});
      if (d.tip) mk.bindTooltip(d.tip, {direction: 'top', className: 'kdim-tip-box'});
      if (d.popup || d.tip) mk.bindPopup(d.popup || d.tip, {maxWidth: 380});
      if (d.name) mk.on('add', function () {
        focusable(mk._icon, mk, d.name, function () { mk.closeTooltip(); mk.openPopup(); });
      });
      mk.addTo(parent);
    });
    return D.length;
  }

  // Marker clusters (markercluster's iconCreateFunction): its own look, plus words for a screen
  // reader; markercluster makes the icon a focusable button and Enter zooms in on or spreads it.
  function clusterIcon(words) {
    return function (cluster) {
      var n = cluster.getChildCount(), size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
      return new L.DivIcon({
        html: '<div><span aria-hidden="true">' + n + '</span><span class="kdim-sr">'
          + words.replace('{n}', n) + '</span></div>',
        className: 'marker-cluster marker-cluster-' + size, iconSize: new L.Point(40, 40)
      });
    };
  }

  // Outlines with a tooltip each (권역 specialties: S/T keyed by feature id; 읍면동: one style).
  function outlines(parent, geo, S, T, filtered) {
    return L.geoJSON(geo, {
      coordsToLatLng: identity,
      filter: function (f) { return !filtered || !!S[f.id]; },
      style: function (f) { return filtered ? S[f.id] : S; },
      onEachFeature: function (f, l) {
        if (T[f.id]) l.bindTooltip(T[f.id], {sticky: true, className: 'kdim-tip-box'});
      }
    }).addTo(parent);
  }

  // ------------------------------------------------------------------ layers that start off
  // A layer's legend rows (class cls) show while the layer is on (the layer switch).
  function layerRows(parent, cls) {
    function rows(on) {
      Array.prototype.forEach.call(document.querySelectorAll('.' + cls), function (r) {
        if (on) r.removeAttribute('hidden'); else r.setAttribute('hidden', '');
      });
    }
    parent.on('add', function () { rows(true); });
    parent.on('remove', function () { rows(false); });
  }

  // Off at the start, in the layer switch unchecked: taken off the map at its first add, wherever
  // that add comes from (folium's script, streamlit-folium's groups). Each rerun draws a new
  // group, off again. With cls, its legend rows show only while it is on.
  function startOff(parent, cls) {
    if (cls) layerRows(parent, cls);
    var off = function () {
      var map = parent._map;
      if (map) setTimeout(function () { if (map.hasLayer(parent)) map.removeLayer(parent); }, 0);
    };
    if (parent._map) off(); else parent.once('add', off);
    return null;
  }

  // ------------------------------------------------------------------ 인구감소지역 / 관심지역
  // D = {codes: {decline: [...], interest: [...]}, styles: {kind: style}, casing: style, on}: the
  // designated 시군구 of the regions the choropleth drew (REGION_GEO), one path per kind (a
  // white casing, then the kind's line), not interactive (the region below keeps its tooltip).
  // The legend's rows (.kdim-lg-policy) show while the layer is on (the layer switch).
  var REGION_GEO = null;

  function policy(parent, D) {
    var feats = {};
    if (REGION_GEO) REGION_GEO.features.forEach(function (f) { feats[f.id] = f.geometry; });
    var drawn = 0;
    Object.keys(D.codes).forEach(function (kind) {
      var polys = [];
      D.codes[kind].forEach(function (code) {
        var g = feats[code];
        if (!g) return;
        if (g.type === 'Polygon') polys.push(g.coordinates);
        else if (g.type === 'MultiPolygon') g.coordinates.forEach(function (p) { polys.push(p); });
      });
      if (!polys.length) return;
      var cls = 'kdim-policy kdim-policy-' + kind;
      L.polygon(polys, L.extend({}, D.casing, {fill: false, interactive: false, className: cls + ' kdim-policy-casing'}))
        .addTo(parent);
      L.polygon(polys, L.extend({}, D.styles[kind], {fill: false, interactive: false, className: cls + ' kdim-policy-line'}))
        .addTo(parent);
      drawn++;
    });
    layerRows(parent, 'kdim-lg-policy');
    if (!D.on) startOff(parent);
    return drawn;
  }

  // ------------------------------------------------------------------ placement
  // One pass over the map's marks and labels after every fit, zoom, pan, resize or layer switch,
  // with an R-tree (vendored rbush, rbush.js) of the boxes already taken. The map's own boxes
  // (title, legend, source line, layer switch, zoom buttons) go in first; then, in this order
  // (an earlier kind keeps its place, a later one gives way):
  //   1. the selected region's marks (none drawn today: the clicked region's outline is a layer)
  //   2. national digital innovation districts: the star, then its label, tried right, left, the
  //      four corners, above and below (the first place that is free)
  //   3. 권역 labels ("영남 · 제조"): at their point, else moved by half or a whole box
  //   4. counts (Smart Village tasks known only per region): fixed at their region; at the
  //      national zoom one badge per 시도 (its largest, "2 +3"); one that collides is hidden and
  //      its count added to a shown badge of the same 시도
  //   5. Smart Village sites and their clusters: fixed; one that collides is hidden
  // What is hidden (a star or site under a box, a label that fits nowhere, a count with no
  // badge of its 시도 shown) is counted in a "+N" line under the title, and comes back on zoom.
  // A mark is hidden with visibility (out of the Tab order too). The pass's time is kept in
  // map._kdimPlacementMs, what it hid in map._kdimHidden.
  var SIDES = ['right', 'left', 'above-right', 'below-right', 'above-left', 'below-left', 'above', 'below'];
  var SHIFTS = [[0, 0], [-0.5, -0.5], [-1, 0], [0, -1], [-1, -1], [-0.5, 0.5], [-0.5, -1.5], [0.5, -0.5]];
  var MIN_OVERLAP = 0;  // px²: any overlap at all is a collision (boxes that only touch are not)
  var NATIONAL_LAT = 2.5;  // degrees of latitude in view above which count badges aggregate per 시도

  function box(r, o) { return {minX: r.left - o.left, minY: r.top - o.top, maxX: r.right - o.left, maxY: r.bottom - o.top}; }

  function overlap(a, b) {
    var w = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX), h = Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // Where a district's label sits for each side (kdim.css .kdim-label-*), from its star's box
  // and its own size: computed, not measured per side, so the pass reads the page only once.
  function labelBox(side, s, w, h) {
    var cy = (s.minY + s.maxY) / 2, cx = (s.minX + s.maxX) / 2, ih = s.maxY - s.minY;
    var x = side === 'above' || side === 'below' ? cx - w / 2 : side.indexOf('left') >= 0 ? s.minX - 3 - w : s.maxX + 3;
    var y = side === 'right' || side === 'left' ? cy - h / 2
      : side === 'above' ? s.minY - 2 - h : side === 'below' ? s.maxY + 2
      : side.indexOf('above') === 0 ? s.maxY - 0.7 * ih - h : s.minY + 0.7 * ih;
    return {minX: x, minY: y, maxX: x + w, maxY: y + h};
  }

  function groupOf(it) { return it.span ? it.span.getAttribute('data-g') : null; }
  function countOf(it) { return it.span ? +it.span.getAttribute('data-n') : 1; }

  // At the national zoom, each 시도's count badges as one: the largest (the first of equals) keeps
  // its place and takes the others' tasks (base[i]); the others are marked merged (hidden, their
  // tasks shown on it, so not counted as lost). Zoomed in, every badge stands alone.
  function aggregate(counts, map) {
    var base = counts.map(function () { return 0; });
    var b = map.getBounds();
    if (b.getNorth() - b.getSouth() <= NATIONAL_LAT) return base;
    var head = {};
    counts.forEach(function (it, i) {
      var g = groupOf(it);
      if (g === null) return;
      if (!(g in head) || countOf(it) > countOf(counts[head[g]])) head[g] = i;
    });
    counts.forEach(function (it, i) {
      var g = groupOf(it);
      if (g === null || head[g] === i) return;
      it.merged = true; it.off = true;
      base[head[g]] += countOf(it);
    });
    return base;
  }

  function placePass(map) {
    var now = function () { return (root.performance || Date).now(); }, t0 = now();
    var c = map.getContainer(), o = c.getBoundingClientRect(), size = map.getSize();
    var tree = new root.RBush(9), hidden = 0;
    function blocked(b, fixed) {
      if (!fixed && (b.minX < 0 || b.minY < 0 || b.maxX > size.x || b.maxY > size.y)) return true;
      var hits = tree.search(b);
      for (var i = 0; i < hits.length; i++) if (overlap(hits[i], b) > MIN_OVERLAP) return true;
      return false;
    }
    function take(b) { tree.insert(b); return b; }
    // writes first (everything shown, at its first place), then one read of every box
    var icons = Array.prototype.slice.call(map.getPane('markerPane').children);
    var kinds = {district: [], spec: [], count: [], village: []};
    icons.forEach(function (e) {
      e.classList.remove('kdim-off');
      var k = e.classList.contains('kdim-icon-district') ? 'district'
        : e.classList.contains('kdim-spec-icon') ? 'spec'
        : e.classList.contains('kdim-icon-count') ? 'count' : 'village';
      var item = {el: e};
      if (k === 'district') item.label = e.querySelector('.kdim-label');
      if (k === 'spec') { item.span = e.querySelector('.kdim-spec-label') || e; item.span.style.transform = ''; }
      if (k === 'count') { item.span = e.querySelector('.kdim-count'); if (item.span) item.span.textContent = item.span.getAttribute('data-n'); }
      kinds[k].push(item);
    });
    kinds.district.forEach(function (d) { if (d.label) d.label.className = 'kdim-label kdim-label-right'; });
    var own = [];
    Array.prototype.forEach.call(c.querySelectorAll('.leaflet-control'), function (e) {
      var r = e.getBoundingClientRect();
      if (r.width > 1 && r.height > 1) own.push(box(r, o));  // not a title kept for screen readers (kdim-sr)
    });
    tree.load(own);  // the map's own boxes first
    ['district', 'spec', 'count', 'village'].forEach(function (k) {
      kinds[k].forEach(function (it) {
        it.box = box((it.span || it.el).getBoundingClientRect(), o);
        if (it.label) { it.w = it.label.offsetWidth; it.h = it.label.offsetHeight; }
      });
      // what lies wholly outside the frame (a zoomed-in map) is not shown, so not hidden either
      kinds[k] = kinds[k].filter(function (it) {
        var b = it.box;
        return b.maxX > 0 && b.maxY > 0 && b.minX < size.x && b.minY < size.y;
      });
    });
    // 2. stars, then their labels
    kinds.district.forEach(function (d) { if (blocked(d.box, true)) { d.off = true; hidden++; } else take(d.box); });
    kinds.district.forEach(function (d) {
      if (!d.label || d.off) return;
      for (var i = 0; i < SIDES.length; i++) {
        var b = labelBox(SIDES[i], d.box, d.w, d.h);
        if (!blocked(b)) { take(b); d.side = SIDES[i]; return; }
      }
      d.side = null; hidden++;
    });
    // 3. 권역 labels
    kinds.spec.forEach(function (it) {
      var r = it.box, w = r.maxX - r.minX, h = r.maxY - r.minY;
      for (var i = 0; i < SHIFTS.length; i++) {
        var dx = SHIFTS[i][0] * w, dy = SHIFTS[i][1] * h;
        var b = {minX: r.minX + dx, minY: r.minY + dy, maxX: r.maxX + dx, maxY: r.maxY + dy};
        if (!blocked(b)) { take(b); it.shift = [dx, dy]; return; }
      }
      it.off = true; hidden++;
    });
    // 4. counts, fixed. At the national zoom (the view spans more than NATIONAL_LAT degrees) a
    // 시도's badges are one: its largest shows the others' tasks ("2 +3"). Then a badge that
    // collides is hidden and its tasks go to the nearest shown badge of its 시도; one that grows is
    // measured again and the counts placed again (at most three rounds).
    var base = aggregate(kinds.count, map), taken = [], more = base.slice();
    var counts = kinds.count.filter(function (it) { return !it.merged; });
    for (var round = 0; round < 3; round++) {
      taken.forEach(function (b) { tree.remove(b); });
      taken = [];
      var shown = [], next = base.slice(), lost = 0;
      kinds.count.forEach(function (it, i) {
        if (it.merged) return;
        it.off = blocked(it.box, true);
        if (!it.off) { shown.push(i); taken.push(take(it.box)); }
      });
      kinds.count.forEach(function (it, i) {
        if (!it.off || it.merged) return;
        var g = groupOf(it), n = countOf(it) + base[i];
        var best = -1, bd = 0;
        shown.forEach(function (j) {
          var s = kinds.count[j];
          if (groupOf(s) !== g) return;
          var d = Math.pow(s.box.minX - it.box.minX, 2) + Math.pow(s.box.minY - it.box.minY, 2);
          if (best < 0 || d < bd) { best = j; bd = d; }
        });
        if (best < 0) lost += n; else next[best] += n;
      });
      var same = round > 0 && next.every(function (v, i) { return v === more[i]; });
      more = next;
      if (same || round === 2) { hidden += lost; break; }
      kinds.count.forEach(function (it, i) {  // write the new texts, then read the badges again
        if (it.span && !it.merged) it.span.textContent = it.span.getAttribute('data-n') + (more[i] ? ' +' + more[i] : '');
      });
      counts.forEach(function (it) { it.box = box((it.span || it.el).getBoundingClientRect(), o); });
    }
    // 5. Smart Village sites and clusters
    kinds.village.forEach(function (it) {
      if (!blocked(it.box, true)) { take(it.box); return; }
      it.off = true;
      var n = parseInt((it.el.textContent || '').replace(/\D+/g, ' ').trim().split(' ')[0], 10);
      hidden += it.el.classList.contains('marker-cluster') && n > 0 ? n : 1;
    });
    // the writes, all at once
    kinds.count.forEach(function (it, i) {
      if (it.span && !it.merged) it.span.textContent = it.span.getAttribute('data-n') + (more[i] ? ' +' + more[i] : '');
    });
    ['district', 'spec', 'count', 'village'].forEach(function (k) {
      kinds[k].forEach(function (it) { if (it.off) it.el.classList.add('kdim-off'); });
    });
    kinds.district.forEach(function (d) {
      if (d.label && !d.off) d.label.className = 'kdim-label kdim-label-' + (d.side || 'right' + ' kdim-off');
    });
    kinds.spec.forEach(function (it) {
      if (it.shift && (it.shift[0] || it.shift[1])) it.span.style.transform = 'translate(' + it.shift[0] + 'px,' + it.shift[1] + 'px)';
    });
    map._kdimHidden = hidden;
    map._kdimPlacementMs = now() - t0;
    map._kdimTaken = tree.all().length;
    return hidden;
  }

  // The "+N" line: under the title, or (no title box: the page shows the title) in a small box
  // of its own at the top left. Set, and the pass run again if a box changed size.
  function moreNote(map, n) {
    var c = map.getContainer(), host = c.querySelector('.kdim-titlebox');
    var text = n ? MORE.replace('{n}', n) : '';
    if (!host) {
      host = c.querySelector('.kdim-more-box');
      if (!host && !text) return false;
      if (!host) {
        var ctl = L.control({position: 'topleft'});
        ctl.onAdd = function () { return L.DomUtil.create('div', 'kdim-box kdim-more-box'); };
        ctl.addTo(map);
        host = ctl.getContainer();
      }
      host.style.display = text ? '' : 'none';
    }
    var note = host.querySelector('.kdim-more');
    if ((note ? note.textContent : '') === text) return false;
    if (!note) { note = L.DomUtil.create('div', 'kdim-more', host); }
    note.textContent = text;
    note.style.display = text ? '' : 'none';
    return true;
  }

  function place(map) {
    if (!map || !map._loaded || !root.RBush) return;
    var n;
    try { n = placePass(map); map._kdimPlaceFailed = 0; } catch (e) {
      // a mark removed mid-pass: try again soon, a few times at most (never a loop that starves the page)
      if (root.console) root.console.warn('kdim placement', e);
      map._kdimPlaceFailed = (map._kdimPlaceFailed || 0) + 1;
      if (map._kdimPlaceFailed <= 3 && map._kdimPlaceSoon) setTimeout(map._kdimPlaceSoon, 100);
      return;
    }
    if (moreNote(map, n)) {
      var ms = map._kdimPlacementMs;
      placePass(map);
      map._kdimPlacementMs += ms;
    }
  }

  // Run the pass once the map settles (and again after markercluster has redrawn).
  function placeOn(map) {
    if (!map || map._kdimPlaceOn) return;
    map._kdimPlaceOn = true;
    var timer = null;
    function soon() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { timer = null; place(map); setTimeout(function () { place(map); }, 250); }, 0);
    }
    map._kdimPlaceSoon = soon;
    map.on('zoomend moveend resize overlayadd overlayremove layeradd', function (e) {
      if (e.type !== 'layeradd' || (e.layer && e.layer instanceof L.Marker)) soon();
    });
    // marks added or removed by any path (streamlit-folium's groups, markercluster's redraw)
    if (root.MutationObserver) new MutationObserver(soon).observe(map.getPane('markerPane'), {childList: true});
    soon();
  }

  // The districts' group asks for the pass (kept for the layer's script: kdim.labels(PARENT)).
  function labels(parent) {
    function go() { if (parent._map) { placeOn(parent._map); parent._map._kdimPlaceSoon(); } }
    parent.on('add', go);
    go();
    return null;
  }

  // A Leaflet control (title, legend, source line) that lives exactly as long as its group. With
  // a label it is a named region for screen readers (the legend and title are read, not hidden).
  function control(parent, position, cls, html, label) {
    var ctl = L.control({position: position});
    ctl.onAdd = function () {
      var d = L.DomUtil.create('div', cls);
      d.innerHTML = html;
      if (label) { d.setAttribute('role', 'region'); d.setAttribute('aria-label', label); }
      L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    parent.on('add', function () { ctl.addTo(parent._map); refitSoon(parent._map); });
    parent.on('remove', function () { ctl.remove(); });
    if (parent._map) { ctl.addTo(parent._map); refitSoon(parent._map); }
    return ctl;
  }

  root.kdim = {
    decode: decode, defs: defs, lang: lang, base: base, choropleth: choropleth, points: points,
    outlines: outlines, policy: policy, startOff: startOff, labels: labels, control: control, fit: fit, clusterIcon: clusterIcon, place: place
  };
  root.kdimGeo = decode;
  root.kdimLL = identity;
})(window);
