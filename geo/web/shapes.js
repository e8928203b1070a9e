/*
 * The map's shapes in the browser (지방 디지털 혁신 지도), split from kdim.js: the geometry decoder,
 * the shapes made from decoded GeoJSON, and a shortcut in Leaflet's clipping. Loaded after Leaflet
 * and before kdim.js, which takes them from window.kdimShapes; served by the app in the bundle
 * static/vendor/kdim-<hash>/map.js (geo/offline.py), inlined by the standalone exports. Python (geo/maps) wraps
 * each layer's geometry in kdimGeo(...). Plain ES5, no build step: `node --check` reads it in CI.
 */
(function (root) {
  'use strict';
  if (root.kdimShapes) return;
  var L = root.L;

  // ------------------------------------------------------------------ geometry codec
  // Rings are Google encoded polylines (precision in fc.precision, lat,lng; geo/maps/codec.py).
  // A layer's rings are decoded into one store: every point in one Float64Array (lat, lng), the
  // numbers Leaflet's L.LatLng would hold, and in the GeoJSON, in place of each ring's text, a
  // small object naming its first point and count (ring). The shapes are projected from the
  // store (packed); L.LatLng objects are made only when something asks a shape for them: 27,000
  // for the national map otherwise, each projected again at every zoom.
  function Store(points) {
    this.ll = new Float64Array(2 * points);  // lat, lng
    this.size = 0;  // points decoded
    this.xy = null;  // their spherical Mercator (mercator)
  }

  // A ring: its store, first point o, m points decoded, n of them Leaflet's (a polygon's ring
  // without a last point equal to its first: Polygon._convertLatLngs).
  function ring(store, o, m, area) {
    var ll = store.ll, n = m, e = 2 * (o + m - 1);
    if (area && m >= 2 && Math.max(Math.abs(ll[2 * o] - ll[e]), Math.abs(ll[2 * o + 1] - ll[e + 1])) <= 1.0E-9) n--;
    return {s: store, o: o, m: m, n: n, area: area};
  }

  function decode(fc) {
    if (fc.kdimDecoded) return fc;
    var texts = [], chars = 0;
    function each(c, f) { return typeof c === 'string' ? f(c) : c.map(function (x) { return each(x, f); }); }
    function lines(g) { return g && /^(Multi)?(Polygon|LineString)$/.test(g.type); }
    fc.features.forEach(function (f) {
      if (lines(f.geometry)) each(f.geometry.coordinates, function (t) { texts.push(t); chars += t.length; });
    });
    var store = new Store(Math.ceil(chars / 2)), starts = decodeInto(store, texts, Math.pow(10, fc.precision)), k = 0;
    fc.features.forEach(function (f) {
      var g = f.geometry, area = lines(g) && /Polygon$/.test(g.type);
      if (lines(g)) g.coordinates = each(g.coordinates, function () {
        var o = starts[k], m = starts[k + 1] - o;
        k++;
        return ring(store, o, m, area);
      });
    });
    fc.kdimDecoded = true;
    return fc;
  }

  // Every ring's points into the store; returns the first point of each ring, then the end.
  function decodeInto(store, texts, factor) {
    var ll = store.ll, k = 0, starts = new Int32Array(texts.length + 1), t, s, n, i, lat, lng, b, shift, v;
    for (t = 0; t < texts.length; t++) {
      starts[t] = k / 2;
      s = texts[t]; n = s.length; i = 0; lat = 0; lng = 0;
      while (i < n) {  // two zigzag varints a point: 5 bits a character, +63, 0x20 set while more follow
        shift = 1; v = 0;
        do { b = s.charCodeAt(i++) - 63; v += (b & 0x1f) * shift; shift *= 32; } while (b >= 0x20);
        lat += (v & 1) ? (-v - 1) / 2 : v / 2;
        shift = 1; v = 0;
        do { b = s.charCodeAt(i++) - 63; v += (b & 0x1f) * shift; shift *= 32; } while (b >= 0x20);
        lng += (v & 1) ? (-v - 1) / 2 : v / 2;
        ll[k++] = lat / factor; ll[k++] = lng / factor;
      }
    }
    starts[texts.length] = k / 2;
    store.size = k / 2;
    return starts;
  }

  // A decoded geometry's nesting with L.LatLng arrays for its rings: what L.geoJSON would give.
  function latlngs(x) {
    if (Array.isArray(x)) return x.map(latlngs);
    var ll = x.s.ll, out = new Array(x.m);
    for (var i = 0; i < x.m; i++) out[i] = new L.LatLng(ll[2 * (x.o + i)], ll[2 * (x.o + i) + 1]);
    return out;
  }

  // SphericalMercator.project of every point of the store, once: it does not change with the view
  // (Leaflet computes it again for every point at every zoom).
  function mercator(store, crs) {
    if (store.xy) return store.xy;
    var pr = crs.projection, ll = store.ll, N = store.size, xy = store.xy = new Float64Array(2 * N),
        R = pr.R, max = pr.MAX_LATITUDE, d = Math.PI / 180, lat, sin;
    for (var i = 0; i < 2 * N; i += 2) {
      lat = Math.max(Math.min(max, ll[i]), -max); sin = Math.sin(lat * d);
      xy[i] = R * ll[i + 1] * d;
      xy[i + 1] = R * Math.log((1 + sin) / (1 - sin)) / 2;
    }
    return xy;
  }

  // Leaflet's map.latLngToLayerPoint for each of a ring's points: the Mercator scaled, rounded,
  // less the pixel origin; box (x0, y0, x1, y1) grown to take them.
  function ringPoints(r, xy, scale, t, o, box) {
    var out = new Array(r.n), a = t._a, b = t._b, c = t._c, d = t._d, ox = o.x, oy = o.y;
    for (var i = 0, k = 2 * r.o; i < r.n; i++, k += 2) {
      var p = out[i] = new L.Point(Math.round(scale * (a * xy[k] + b)) - ox, Math.round(scale * (c * xy[k + 1] + d)) - oy);
      if (p.x < box[0]) box[0] = p.x;
      if (p.y < box[1]) box[1] = p.y;
      if (p.x > box[2]) box[2] = p.x;
      if (p.y > box[3]) box[3] = p.y;
    }
    return out;
  }

  // ------------------------------------------------------------------ shapes
  // The layers' shapes from decoded GeoJSON, as L.geoJSON makes them (one L.Polygon or L.Polyline
  // per feature, its feature, style and onEachFeature), drawn from the store (packed).
  function shapes(fc, options) {
    var group = L.geoJSON(null, options), o = group.options;
    fc.features.forEach(function (f) {
      var g = f.geometry, t = g && g.type, area = t === 'Polygon' || t === 'MultiPolygon';
      if (!area && t !== 'LineString' && t !== 'MultiLineString') { group.addData(f); return; }  // Leaflet's own way
      if (o.filter && !o.filter(f)) return;
      var l = packed(g.coordinates, area, o);
      l.feature = L.GeoJSON.asFeature(f); l.defaultOptions = l.options;
      group.resetStyle(l);
      if (o.onEachFeature) o.onEachFeature(f, l);
      group.addLayer(l);
    });
    return group;
  }

  // A packed shape is an L.Polygon or L.Polyline whose rings stay in the store: its projection
  // (_project) makes its rings' L.Point from the store's Mercator with Leaflet's own arithmetic,
  // in the same order, and Leaflet clips, simplifies and draws them as ever, so each path's d is
  // Leaflet's (tests/e2e/test_draw.py compares them). Asking for its L.LatLng (getLatLngs,
  // getCenter, toGeoJSON...) makes them, and from then on the shape is Leaflet's own.
  function packing(Base) {
    var P = Base.extend({
      _project: function () {
        var pk = this._kdimPack, map = this._map, crs = map.options.crs;
        if (!pk) return Base.prototype._project.call(this);
        if (crs !== L.CRS.EPSG3857) { this.getLatLngs(); return; }  // made, and projected by Leaflet
        var t = crs.transformation, scale = crs.scale(map._zoom), o = map.getPixelOrigin(),
            box = [Infinity, Infinity, -Infinity, -Infinity];
        this._rings = pk.rings.map(function (r) { return ringPoints(r, mercator(r.s, crs), scale, t, o, box); });
        if (this._bounds.isValid() && box[0] <= box[2]) {
          this._rawPxBounds = new L.Bounds(L.point(box[0], box[1]), L.point(box[2], box[3]));
          this._updateBounds();
        }
      }
    });
    Object.defineProperty(P.prototype, '_latlngs', {
      get: function () {
        var pk = this._kdimPack;
        if (pk) {  // asked for: made as L.geoJSON would have made them, and the shape is Leaflet's from now on
          this._kdimPack = null;
          this._setLatLngs(latlngs(pk.coords));
          if (this._map) this._project();
        }
        return this.__latlngs;
      },
      set: function (v) { this._kdimPack = null; this.__latlngs = v; },
      configurable: true
    });
    return P;
  }
  var Packed = {polygon: packing(L.Polygon), polyline: packing(L.Polyline)};

  // A shape's outline for the fit: every step-th point across its rings as one list would give
  // (at most about `most`), where map.project(latlng, 0) puts them. A packed shape's are read from
  // its store (asking for its L.LatLng would make them all); any other shape's from its L.LatLng.
  function outline(l, map, most) {
    var pk = l._kdimPack, crs = map.options.crs, t = crs.transformation, s0 = crs.scale(0), rings = [];
    if (pk && crs === L.CRS.EPSG3857) pk.rings.forEach(function (r) {
      var xy = mercator(r.s, crs);
      rings.push({n: r.n, at: function (k, out) {
        var i = 2 * (r.o + k);
        out.push(s0 * (t._a * xy[i] + t._b), s0 * (t._c * xy[i + 1] + t._d));
      }});
    });
    else (function walk(x) {
      if (!(x.length && x[0] instanceof L.LatLng)) { x.forEach(walk); return; }
      rings.push({n: x.length, at: function (k, out) { var p = map.project(x[k], 0); out.push(p.x, p.y); }});
    })(l.getLatLngs());
    var n = 0, out = [], k = 0;
    rings.forEach(function (r) { n += r.n; });
    var step = Math.max(1, Math.floor(n / most));
    rings.forEach(function (r) {
      for (; k < r.n; k += step) r.at(k, out);
      k -= r.n;
    });
    return new Float64Array(out);
  }

  // coords: a GeoJSON geometry's coordinates with rings from one store (decode). Leaflet's rings
  // are the non-empty ones, in depth-first order.
  function packed(coords, area, options) {
    var l = new (area ? Packed.polygon : Packed.polyline)([], options), rings = [];
    var lat0 = Infinity, lng0 = Infinity, lat1 = -Infinity, lng1 = -Infinity;
    (function walk(x) {
      if (Array.isArray(x)) { x.forEach(walk); return; }
      var ll = x.s.ll;
      for (var i = 2 * x.o; i < 2 * (x.o + x.m); i += 2) {
        if (ll[i] < lat0) lat0 = ll[i];
        if (ll[i] > lat1) lat1 = ll[i];
        if (ll[i + 1] < lng0) lng0 = ll[i + 1];
        if (ll[i + 1] > lng1) lng1 = ll[i + 1];
      }
      var r = x.area === area ? x : ring(x.s, x.o, x.m, area);  // a line's ring keeps its last point
      if (r.n) rings.push(r);
    })(coords);
    l._bounds = lat0 <= lat1 ? L.latLngBounds([lat0, lng0], [lat1, lng1]) : new L.LatLngBounds();
    l._kdimPack = {coords: coords, rings: rings};
    return l;
  }

  // ------------------------------------------------------------------ clipping
  // Leaflet clips every ring against the drawn area at every draw (a copy of the ring per edge of
  // the box), even when the shape lies wholly inside it, as all of Korea does at the opening
  // view: about a third of the time the page takes to draw its regions. A shape whose projected
  // box lies inside the clip box keeps its rings as they are: the parts Leaflet's clipping gives
  // there, point for point (kdim.leafletClip keeps Leaflet's own, which a test compares).
  var CLIP = {polygon: L.Polygon.prototype._clipPoints, polyline: L.Polyline.prototype._clipPoints};

  function inside(l, pad) {
    var b = l._renderer && l._renderer._bounds, r = l._rawPxBounds;
    if (!b || !r || l.options.noClip) return false;
    return r.min.x >= b.min.x - pad && r.min.y >= b.min.y - pad && r.max.x <= b.max.x + pad && r.max.y <= b.max.y + pad;
  }

  L.Polygon.include({_clipPoints: function () {
    // Leaflet's polygon clip box is the drawn area widened by the stroke's weight; empty rings go
    if (!inside(this, this.options.weight)) return CLIP.polygon.call(this);
    this._parts = this._rings.filter(function (r) { return r.length > 0; });
  }});
  L.Polyline.include({_clipPoints: function () {
    // Leaflet's line clip: one part per ring of two points or more, each a new array
    if (!inside(this, 0)) return CLIP.polyline.call(this);
    this._parts = [];
    for (var i = 0; i < this._rings.length; i++) if (this._rings[i].length > 1) this._parts.push(this._rings[i].slice());
  }});

  root.kdimShapes = {decode: decode, shapes: shapes, packed: packed, outline: outline, leafletClip: CLIP};
  root.kdimGeo = decode;
})(window);
