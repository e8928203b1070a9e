/*
 * The map's code in the browser (지방 디지털 혁신 지도). Loaded once per page: served by the app
 * in the bundle static/vendor/kdim-<hash>/map.js, inlined by the standalone exports. Python (geo/maps)
 * emits only data and one call per layer, e.g.
 *   var S = [...], C = {...}, T = {...}, P = {...};
 *   return kdim.choropleth(PARENT, kdimGeo({...}), S, C, T, P);
 * Plain ES5, no build step: `node --check` reads it in CI.
 */
(function (root) {
  'use strict';
  if (root.kdim) return;

  // The decoder, the shapes and Leaflet's own clipping: shapes.js, loaded before this file.
  var decode = root.kdimShapes.decode, shapes = root.kdimShapes.shapes, packed = root.kdimShapes.packed,
      outline = root.kdimShapes.outline;

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

  // ------------------------------------------------------------------ one fit, one projection
  // The fit weighs the map's own boxes (title, legend, source line, layer switch), which the page's
  // script makes after the layers. Fitting again then projected and drew every path a second time
  // (~60 ms of a 270 ms page). So while the script runs (hold: from the base map or the first
  // overlay group on), layers wait here; in the microtask after it the maps are fitted once,
  // with their boxes, and the layers added at that view; a fit asked for meanwhile (the base map's,
  // a group's focus) only notes its bounds for that one. The groups that start off are taken off
  // the map first: their layers are made and added when the group is turned on, if ever (at
  // ×100 the records, thousands of Smart Village sites nobody asked to see).
  var HELD = null, OFF = [], FITS = [];

  function mapOf(parent) { return parent instanceof L.Map ? parent : (parent._map || null); }

  function hold() {
    if (HELD) return null;
    HELD = [];
    Promise.resolve().then(function () {
      var q = HELD, maps = FITS;
      HELD = null; FITS = [];
      q.forEach(function (x) { var m = mapOf(x[0]); if (m && maps.indexOf(m) < 0) maps.push(m); });
      OFF.forEach(function (g) { if (g._map) g._map.removeLayer(g); });
      OFF = [];
      maps.forEach(function (m) { if (m._kdimBounds && !m._kdimMoved) fitTo(m, m._kdimBounds); });
      q.forEach(function (x) {
        if (x[0] instanceof L.Map || x[0]._map) x[1]();
        else x[0].once('add', x[1]);  // in a group that is off (a cluster in one, too): when it is turned on
      });
    });
    return null;
  }

  // Add a layer to its parent now, or after the fit while held (fn makes and adds it).
  function add(parent, fn) {
    if (HELD) HELD.push([parent, fn]); else fn();
  }

  // ------------------------------------------------------------------ layers

  // The quiet basemap: land below everything, 시도 borders above the choropleth.
  function base(map, fit, landGeo, borderGeo, landStyle, borderStyle) {
    // The focus: fitted once the boxes exist, by the hold, before any layer is drawn.
    hold();
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
    var land = shapes(landGeo, {pane: 'kdim-land', style: function () { return landStyle; }});
    var borders = shapes(borderGeo, {pane: 'kdim-borders', style: function () { return borderStyle; }});
    add(map, function () { land.addTo(map); borders.addTo(map); });
    return land;
  }

  function fitTo(map, bounds) {
    map._kdimBounds = bounds; map._kdimFitKey = JSON.stringify(bounds); map._kdimMoved = false;
    if (HELD) { if (FITS.indexOf(map) < 0) FITS.push(map); return; }  // the hold's fit, with every box
    map._kdimFits = (map._kdimFits || 0) + 1;
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

  // Each region's outline is projected once, at zoom 0 (map._kdimRegions: flat x,y arrays); a view
  // at zoom z scales it by 2^z. Projecting every point for every margin tried, at every fit, was
  // a third of the page's script time (map.project per point: ~165,000 calls a fit).
  function covered(map, view, regions, boxes) {
    var half = map.getSize().divideBy(2), s = map.options.crs.scale(view.zoom) / map.options.crs.scale(0),
        mid = map.project(view.center, view.zoom), dx = half.x - mid.x, dy = half.y - mid.y, cost = 0;
    regions.forEach(function (xy) {
      var hid = 0, n = xy.length / 2;
      for (var k = 0; k < xy.length; k += 2) {
        var x = xy[k] * s + dx, y = xy[k + 1] * s + dy;
        for (var i = 0; i < boxes.length; i++) {
          var b = boxes[i];
          if (x > b.l && x < b.r && y > b.t && y < b.b) { hid++; break; }
        }
      }
      cost += hid / n;
    });
    return cost;
  }

  function fitPadding(map, bounds) {
    var plain = {paddingTopLeft: L.point(PAD, PAD), paddingBottomRight: L.point(PAD, PAD)};
    var regions = map._kdimRegions || [], size = map.getSize();
    if (!regions.length || !size.x || !size.y) return plain;
    var boxes = boxesIn(map), title = boxes['kdim-titlebox'], legend = boxes['kdim-legend'],
        source = boxes['kdim-source'], layers = boxes['leaflet-control-layers'];
    // A margin is never under PAD: a box measured while the frame was briefly another height (its
    // first paint) lies outside the size Leaflet keeps, and a negative margin fitted the view
    // thousands of pixels off (a blank map, now and then, in briefing mode).
    function m(v) { return Math.max(PAD, v); }
    var tl = [[PAD, PAD]], br = [[PAD, PAD]];
    if (title) tl.push([m(title.r + PAD), PAD], [PAD, m(title.b + PAD)]);
    if (layers) { tl.push([PAD, m(layers.b + PAD)]); br.push([m(size.x - layers.l + PAD), PAD]); }  // the open switch
    if (source) br.push([PAD, m(size.y - source.t + PAD)]);
    if (legend) br.push([m(size.x - legend.l + PAD), PAD]);
    if (legend && source) br.push([m(size.x - legend.l + PAD), m(size.y - source.t + PAD)]);
    var ll = L.latLngBounds(bounds), best = null;
    map._kdimTried = [];  // what was weighed (tests and a curious reader: map._kdimTried)
    tl.forEach(function (a) {
      br.forEach(function (b) {
        if (a[0] + b[0] >= size.x * 0.8 || a[1] + b[1] >= size.y * 0.8) return;
        var opt = {paddingTopLeft: L.point(a[0], a[1]), paddingBottomRight: L.point(b[0], b[1])};
        var view = map._getBoundsCenterZoom(ll, opt);
        // The map's bounds (maxBounds) may not let the view go where a wide margin sends it: Leaflet
        // then moves the centre back, and the focus lies under the box it was to avoid (the open
        // layer switch beside 울릉, seen in CI). A margin the bounds cannot give is not tried.
        if (best && clamped(map, view)) { map._kdimTried.push({tl: a, br: b, clamped: true}); return; }
        var hidden = covered(map, view, regions, boxes.all), cost = hidden - view.zoom;
        map._kdimTried.push({tl: a, br: b, zoom: view.zoom, covered: hidden});
        if (!best || cost < best.cost - 1e-9) best = {cost: cost, opt: opt};
      });
    });
    return best ? best.opt : plain;
  }

  function clamped(map, view) {
    var mb = map.options.maxBounds;
    if (!mb) return false;
    var c = map._limitCenter(view.center, view.zoom, L.latLngBounds(mb));
    return map.project(c, view.zoom).distanceTo(map.project(view.center, view.zoom)) > 0.5;
  }

  // Once the regions and the boxes are on the map, fit again (once per task), unless the user moved
  // it or a fit since has weighed them (the hold's: a second one measured every box and region
  // again, with the paths drawn, for the same view).
  function refitSoon(map) {
    if (!map || map._kdimRefit) return;
    map._kdimRefit = true;
    var fits = map._kdimFits;
    Promise.resolve().then(function () {
      map._kdimRefit = false;
      if (map._kdimFits === fits && !map._kdimMoved && map._kdimBounds) fitTo(map, map._kdimBounds);
    });
  }

  // The view's focus (a region filter, or all of Korea), fitted to whatever size the frame has.
  // A filter change that keeps the same focus (a click, a metric) leaves the user's pan and zoom alone.
  function fit(parent, bounds) {
    function go() {
      var map = parent._map;
      if (map && map._kdimFitKey !== JSON.stringify(bounds)) fitTo(map, bounds);
      if (map && root.kdimPlace) { root.kdimPlace.on(map); map._kdimPlaceSoon(); }
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
      if (layer._kdimReady) layer._kdimReady(layer);  // a region's tooltip and popup, bound at first use
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
    if (l._kdimReady) l._kdimReady(l);
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
    // A region's tooltip and popup are bound at its first hover, click, focus or key press (229
    // of each made up front were a fifth of the page's script); at that first hover or click the
    // group does what they would have done: the tooltip opened where the pointer is (on a click
    // too, as Leaflet's does for touch), the popup opened, the click stopped there and passed to
    // the map. Hover styles are the group's.
    function ready(l) {
      if (l._kdimBound) return;
      l._kdimBound = true;
      if (T[l.feature.id]) l.bindTooltip(T[l.feature.id], {sticky: true, className: 'kdim-tip-box'});
      if (P[l.feature.id]) { l.bindPopup(P[l.feature.id], {maxWidth: 380}); passClick(l); }
    }
    function first(e) {
      var l = e.propagatedFrom;
      if (!l || l._kdimBound) return;
      ready(l);
      if (l.getTooltip()) l.openTooltip(e.latlng);
      if (e.type !== 'click' || !l.getPopup()) return;
      L.DomEvent.stop(e);
      l.openPopup(e.latlng);
      if (l._map) mapClick(l._map, e.latlng);
    }
    var layer = shapes(geo, {
      style: function (f) { return S[C[f.id]]; },
      onEachFeature: function (f, l) {
        l._kdimReady = ready;
        var a = A[f.id];
        if (a && !circled[f.id]) l.on('add', function () {
          focusable(l._path, l, a[0], function () { pressRegion(l, [a[1], a[2]]); });
        });
      }
    });
    layer.on('mouseover', function (e) {
      if (!e.propagatedFrom) return;
      first(e);
      e.propagatedFrom.setStyle({weight: 2.5, color: '#222'});
    });
    layer.on('mouseout', function (e) { if (e.propagatedFrom) layer.resetStyle(e.propagatedFrom); });
    layer.on('click', first);
    // the regions a keyboard reaches are the focus's: the fit keeps them out from under the boxes
    function remember() {
      var map = parent._map, rs = [];
      if (!map) return;
      // each region's outline points (about 60), at zoom 0: where the boxes would cover it
      layer.eachLayer(function (l) { if (A[l.feature.id]) rs.push(outline(l, map, 60)); });
      map._kdimRegions = rs;
      refitSoon(map);
    }
    parent.on('add', remember);
    add(parent, function () { layer.addTo(parent); });
    if (K) circles(parent, K, A, T, P);
    remember();
    return layer;
  }

  // Proportional circles (area ∝ value; radii from geo/maps/symbols.py), one loop over two arrays.
  function circles(parent, K, A, T, P) {
    var made = [];
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
      made.push(c);
    });
    add(parent, function () { made.forEach(function (c) { c.addTo(parent); }); });
    return K.c.length;
  }

  // Markers from compact columns (geo/maps/markers.py point_columns: D.n, and one array per field:
  // lat, lon, icon, tip, name, label, popup, z). I = icon options by key; name is the marker's
  // accessible name (its tooltip in plain text). Enter/Space opens the popup, or the tooltip's
  // text as a popup where the marker has none (touch and keyboard alike). A cluster group takes
  // them in one addLayers (markercluster clusters them in one pass, not one by one).
  function points(parent, I, D) {
    var n = D.n || 0;
    function at(k, i) { return D[k] ? D[k][i] : null; }
    add(parent, function () {
      var icons = {}, made = [];
      Object.keys(I).forEach(function (k) { icons[k] = L.divIcon(I[k]); });
      for (var i = 0; i < n; i++) made.push(marker(I, icons, at('icon', i), at('lat', i), at('lon', i), at('label', i),
        at('tip', i), at('popup', i), at('name', i), at('z', i)));
      if (parent.addLayers) parent.addLayers(made);
      else made.forEach(function (mk) { mk.addTo(parent); });
    });
    return n;
  }

  function marker(I, icons, key, lat, lon, label, tip, popup, name, z) {
    var icon = icons[key];
    if (label) icon = L.divIcon(L.extend({}, I[key],
      {html: I[key].html + '<span class="kdim-label" aria-hidden="true">' + label + '</span>'}));
    var mk = L.marker([lat, lon], {icon: icon, keyboard: false, riseOnHover: true, zIndexOffset: z || 0});
    if (tip) mk.bindTooltip(tip, {direction: 'top', className: 'kdim-tip-box'});
    if (popup || tip) mk.bindPopup(popup || tip, {maxWidth: 380});
    if (name) mk.on('add', function () {
      focusable(mk._icon, mk, name, function () { mk.closeTooltip(); mk.openPopup(); });
    });
    return mk;
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
    var layer = shapes(geo, {
      filter: function (f) { return !filtered || !!S[f.id]; },
      style: function (f) { return filtered ? S[f.id] : S; },
      onEachFeature: function (f, l) {
        if (T[f.id]) l.bindTooltip(T[f.id], {sticky: true, className: 'kdim-tip-box'});
      }
    });
    add(parent, function () { layer.addTo(parent); });
    return layer;
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
    if (HELD) OFF.push(parent);  // taken off before its held layers are made (hold)
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
      add(parent, function () {
        packed(polys, true, L.extend({}, D.casing, {fill: false, interactive: false, className: cls + ' kdim-policy-casing'}))
          .addTo(parent);
        packed(polys, true, L.extend({}, D.styles[kind], {fill: false, interactive: false, className: cls + ' kdim-policy-line'}))
          .addTo(parent);
      });
      drawn++;
    });
    layerRows(parent, 'kdim-lg-policy');
    if (!D.on) startOff(parent);
    return drawn;
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
    decode: decode, defs: defs, lang: lang, hold: hold, base: base, choropleth: choropleth, points: points,
    outlines: outlines, policy: policy, startOff: startOff, control: control, fit: fit, clusterIcon: clusterIcon,
    leafletClip: root.kdimShapes.leafletClip,  // Leaflet's own clipping (tests/e2e/test_draw.py compares)
    moreWords: function () { return MORE; },
    // place.js (loaded after this file): the placement pass, and the districts' call for it
    place: function (map) { return root.kdimPlace && root.kdimPlace.place(map); },
    labels: function (parent) { return root.kdimPlace ? root.kdimPlace.labels(parent) : null; }
  };
})(window);
