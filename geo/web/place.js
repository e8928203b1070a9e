/*
 * The placement of the map's marks and labels (지방 디지털 혁신 지도), split from kdim.js: one
 * pass over the marker pane with an R-tree (vendored rbush, rbush.js, loaded before this file).
 * Loaded after kdim.js, which calls it through kdim.place / kdim.labels and kdimPlace.on.
 * Plain ES5, no build step: `node --check` reads it in CI.
 */
(function (root) {
  'use strict';
  if (root.kdimPlace) return;
  var L = root.L;

  // ------------------------------------------------------------------ placement
  // One pass over the map's marks and labels after every fit, zoom, pan, resize or layer switch,
  // with an R-tree (vendored rbush, rbush.js) of the boxes already taken. The map's own boxes
  // (title, legend, source line, layer switch, zoom buttons) go in first; then, in this order
  // (an earlier kind keeps its place, a later one gives way):
  //   1. the selected region's marks (none drawn today: the clicked region's outline is a layer)
  //   2. national digital innovation districts: the star, then its label, tried right, left, the
  //      four corners, above and below (the first place that is free)
  //   3. 권역 labels ("영남 · 제조"): at their point, else moved by half or a whole box
  //   4. Smart Village sites and their clusters: fixed; one that collides is hidden
  //   5. counts (Smart Village tasks known only per region): fixed at their region; at the
  //      national zoom one badge per 시도 (its largest, "2 +3"); one that collides is hidden and
  //      its count added to a shown badge of the same 시도
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
    // 4. Smart Village sites and clusters (before the counts: a site is where a task is, a count
    // only says how many a region has; a cluster of 22 sites must not give way to a badge of 2)
    kinds.village.forEach(function (it) {
      if (!blocked(it.box, true)) { take(it.box); return; }
      it.off = true;
      // a cluster's count is its visible number (its screen-reader words repeat it: '2' + '2 sites')
      var shown = it.el.querySelector('span[aria-hidden]') || it.el;
      var n = parseInt((shown.textContent || '').replace(/\D+/g, ' ').trim().split(' ')[0], 10);
      hidden += it.el.classList.contains('marker-cluster') && n > 0 ? n : 1;
    });
    // 5. counts, fixed. At the national zoom (the view spans more than NATIONAL_LAT degrees) a
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
    // the writes, all at once
    kinds.count.forEach(function (it, i) {
      if (it.span && !it.merged) it.span.textContent = it.span.getAttribute('data-n') + (more[i] ? ' +' + more[i] : '');
    });
    ['district', 'spec', 'count', 'village'].forEach(function (k) {
      kinds[k].forEach(function (it) { if (it.off) it.el.classList.add('kdim-off'); });
    });
    kinds.district.forEach(function (d) {
      // a label that fits on no side keeps the default side's class and is hidden
      if (d.label && !d.off) d.label.className = 'kdim-label kdim-label-' + (d.side ? d.side : 'right kdim-off');
    });
    kinds.spec.forEach(function (it) {
      if (it.shift && (it.shift[0] || it.shift[1])) it.span.style.transform = 'translate(' + it.shift[0] + 'px,' + it.shift[1] + 'px)';
    });
    map._kdimHidden = hidden;
    map._kdimPlacementMs = now() - t0;
    if (map._kdimFirstPlaced === undefined) map._kdimFirstPlaced = now();  // tests: before the first paint
    map._kdimTaken = tree.all().length;
    return hidden;
  }

  // The "+N" line: under the title, or (no title box: the page shows the title) in a small box
  // of its own at the top left. Set, and the pass run again if a box changed size.
  function moreNote(map, n) {
    var c = map.getContainer(), host = c.querySelector('.kdim-titlebox');
    var text = n ? root.kdim.moreWords().replace('{n}', n) : '';
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

  // Run the pass once the map settles (and again after markercluster has redrawn): just before the
  // next frame is drawn, so the first frame with the marks shows them placed (a task after it drew
  // them where they collide, then drew the page again) and the layout the pass reads is the one
  // that frame needs anyway.
  function placeOn(map) {
    if (!map || map._kdimPlaceOn) return;
    map._kdimPlaceOn = true;
    var frame = null;
    function soon() {
      if (frame) root.cancelAnimationFrame(frame);
      frame = root.requestAnimationFrame(function () {
        frame = null; place(map); setTimeout(function () { place(map); }, 250);
      });
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

  root.kdimPlace = {place: place, on: placeOn, labels: labels};
})(window);
