/*
 * The map's shapes in the browser (지방 디지털 혁신 지도), split from kdim.js: the geometry decoder,
 * the shapes made from decoded GeoJSON, and a shortcut in Leaflet's clipping. Loaded after Leaflet
 * and before kdim.js, which takes them from window.kdimShapes; served by the app from
 * static/vendor/kdim-<hash>/shapes.js, inlined by the standalone exports. Python (geo/maps) wraps
 * each layer's geometry in kdimGeo(...). Plain ES5, no build step: `node --check` reads it in CI.
 */
(function (root) {
  'use strict';
  if (root.kdimShapes) return;
  var L = root.L;

  // ------------------------------------------------------------------ geometry codec
  // Rings are Google encoded polylines (precision in fc.precision, lat,lng; geo/maps/codec.py),
  // decoded here straight into L.LatLng objects, which the layers take as they are (shapes). A
  // library's decoder (@mapbox/polyline, vendored until issue 30) gave [lat, lng] arrays first:
  // 27,000 of them for the national map, made only to be thrown away.
  function ring(s, precision) {
    var factor = Math.pow(10, precision), n = s.length, i = 0, lat = 0, lng = 0, out = [], b, shift, v;
    while (i < n) {  // two zigzag varints a point: 5 bits a character, +63, 0x20 set while more follow
      shift = 1; v = 0;
      do { b = s.charCodeAt(i++) - 63; v += (b & 0x1f) * shift; shift *= 32; } while (b >= 0x20);
      lat += (v & 1) ? (-v - 1) / 2 : v / 2;
      shift = 1; v = 0;
      do { b = s.charCodeAt(i++) - 63; v += (b & 0x1f) * shift; shift *= 32; } while (b >= 0x20);
      lng += (v & 1) ? (-v - 1) / 2 : v / 2;
      out.push(new L.LatLng(lat / factor, lng / factor));
    }
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

  // The layers' shapes from decoded GeoJSON, as L.geoJSON makes them (one L.Polygon or L.Polyline
  // per feature, its feature, style and onEachFeature) but from the decoded rings as they are:
  // L.geoJSON first copied every ring through coordsToLatLng, and the shape copies it again.
  function shapes(fc, options) {
    var group = L.geoJSON(null, options), o = group.options;
    fc.features.forEach(function (f) {
      var g = f.geometry, t = g && g.type, area = t === 'Polygon' || t === 'MultiPolygon';
      if (!area && t !== 'LineString' && t !== 'MultiLineString') { group.addData(f); return; }  // Leaflet's own way
      if (o.filter && !o.filter(f)) return;
      var l = area ? new L.Polygon(g.coordinates, o) : new L.Polyline(g.coordinates, o);
      l.feature = L.GeoJSON.asFeature(f); l.defaultOptions = l.options;
      group.resetStyle(l);
      if (o.onEachFeature) o.onEachFeature(f, l);
      group.addLayer(l);
    });
    return group;
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

  root.kdimShapes = {decode: decode, shapes: shapes, leafletClip: CLIP};
  root.kdimGeo = decode;
})(window);
