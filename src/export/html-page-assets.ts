/*
 * The style sheet and script inlined into the page of html-export.ts: plain CSS and browser
 * JavaScript as text, since the page must work from a file with no network. The script reads
 * the graph from the page's `#graph-data` JSON, lays it out with a seeded force simulation that
 * runs to the end before anything is drawn (same graph, same picture; nothing moves), then draws
 * SVG: one `g.node` per entity, one `g.edge` per relation (`data-valid="false"` dashed), a legend
 * of entity types, a tooltip with validity and provenance, and a filter by entity name.
 * Everything from the data is set as text or attribute values, never parsed as markup.
 */

export const PAGE_STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header { display: flex; gap: 16px; align-items: center; padding: 8px 12px; border-bottom: 1px solid #d0d7de; height: 48px; }
h1 { font-size: 15px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#filter { width: 220px; padding: 4px 8px; border: 1px solid #8c959f; border-radius: 4px; font: inherit; }
#counts { color: #57606a; white-space: nowrap; }
main { display: flex; height: calc(100% - 48px); }
#graph { flex: 1; height: 100%; display: block; }
#legend { width: 180px; padding: 12px; border-left: 1px solid #d0d7de; overflow: auto; }
#legend h2 { font-size: 12px; text-transform: uppercase; color: #57606a; margin: 0 0 6px; }
#legend ul { list-style: none; padding: 0; margin: 0 0 14px; }
#legend li { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.swatch { width: 12px; height: 12px; border-radius: 50%; flex: none; }
.edge path.line { fill: none; stroke: #6e7781; stroke-width: 1.5; }
.edge[data-valid="false"] path.line { stroke: #b1b8c0; stroke-dasharray: 6 4; }
.edge path.hit { fill: none; stroke: transparent; stroke-width: 12; }
.edge text { font-size: 10px; fill: #57606a; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.node circle { stroke: #fff; stroke-width: 2; }
.node text { font-size: 12px; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.node.match circle { stroke: #1f2328; stroke-width: 3; }
.hidden { display: none; }
#tooltip { position: fixed; max-width: 360px; padding: 6px 8px; background: #1f2328; color: #fff; border-radius: 4px; font-size: 12px; pointer-events: none; white-space: pre-line; word-break: break-all; }
`

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var WIDTH = 1000, HEIGHT = 700, MARGIN = 60;
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var entities = data.entities, relations = data.relations;

  document.title = 'Engram graph: ' + data.title;
  document.getElementById('title').textContent = 'Engram graph: ' + data.title;

  // Colours by type, in sorted order, so a type keeps its colour whatever else is in the graph.
  var types = Array.from(new Set(entities.map(function (e) { return e.type; }))).sort();
  var colour = {};
  types.forEach(function (type, i) { colour[type] = PALETTE[i % PALETTE.length]; });

  // A small seeded generator (mulberry32): the same graph always gets the same layout.
  function random(seed) {
    return function () {
      seed = (seed + 0x6d2b79f5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }

  // Fruchterman-Reingold: every pair repels, every related pair attracts, the step shrinks each round.
  function layout() {
    var n = entities.length, index = {};
    entities.forEach(function (e, i) { index[e.id] = i; });
    var rand = random(hash(entities.map(function (e) { return e.key; }).join('|')));
    var x = [], y = [];
    for (var i = 0; i < n; i++) {
      var angle = (2 * Math.PI * i) / Math.max(n, 1);
      x.push(Math.cos(angle) * 200 + rand() * 20);
      y.push(Math.sin(angle) * 200 + rand() * 20);
    }
    var pairs = relations.map(function (r) { return [index[r.source], index[r.target]]; })
      .filter(function (p) { return p[0] !== undefined && p[1] !== undefined && p[0] !== p[1]; });
    var k = Math.sqrt((WIDTH * HEIGHT) / Math.max(n, 1)) * 0.6;
    var rounds = n > 300 ? 80 : 300, temperature = WIDTH / 8;
    for (var round = 0; round < rounds; round++) {
      var dx = new Float64Array(n), dy = new Float64Array(n);
      for (var a = 0; a < n; a++) {
        for (var b = a + 1; b < n; b++) {
          var ex = x[a] - x[b], ey = y[a] - y[b], d2 = ex * ex + ey * ey + 0.01, f = (k * k) / d2;
          dx[a] += ex * f; dy[a] += ey * f; dx[b] -= ex * f; dy[b] -= ey * f;
        }
      }
      pairs.forEach(function (p) {
        var ex = x[p[0]] - x[p[1]], ey = y[p[0]] - y[p[1]], d = Math.sqrt(ex * ex + ey * ey) + 0.01, f = d / k;
        dx[p[0]] -= ex * f; dy[p[0]] -= ey * f; dx[p[1]] += ex * f; dy[p[1]] += ey * f;
      });
      for (var c = 0; c < n; c++) {
        dx[c] -= x[c] * 0.05; dy[c] -= y[c] * 0.05; // gravity keeps unrelated parts together
        var length = Math.sqrt(dx[c] * dx[c] + dy[c] * dy[c]) + 0.01, step = Math.min(length, temperature);
        x[c] += (dx[c] / length) * step; y[c] += (dy[c] / length) * step;
      }
      temperature *= 0.985;
    }
    // Fit into the drawing area.
    var minX = Math.min.apply(null, x.concat([0])), maxX = Math.max.apply(null, x.concat([0]));
    var minY = Math.min.apply(null, y.concat([0])), maxY = Math.max.apply(null, y.concat([0]));
    var scale = Math.min((WIDTH - 2 * MARGIN) / Math.max(maxX - minX, 1), (HEIGHT - 2 * MARGIN) / Math.max(maxY - minY, 1), 1.5);
    var position = {};
    entities.forEach(function (e, i) {
      position[e.id] = {
        x: WIDTH / 2 + (x[i] - (minX + maxX) / 2) * scale,
        y: HEIGHT / 2 + (y[i] - (minY + maxY) / 2) * scale,
      };
    });
    return position;
  }

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    if (parent) parent.appendChild(node);
    return node;
  }

  var svg = document.getElementById('graph');
  svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + HEIGHT);
  var defs = element('defs', {}, svg);
  var arrow = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  element('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8c959f' }, arrow);
  var edgeLayer = element('g', { id: 'edges' }, svg), nodeLayer = element('g', { id: 'nodes' }, svg);
  var position = layout();
  var radius = {};
  entities.forEach(function (e) { radius[e.id] = 10 + Math.min(8, 2 * Math.log2(Math.max(e.mentions, 1))); });

  // Parallel relations between one pair bend apart so that each stays visible.
  var siblings = {};
  relations.forEach(function (r) {
    var pair = [r.source, r.target].sort().join(' ');
    (siblings[pair] = siblings[pair] || []).push(r.id);
  });

  var tooltip = document.getElementById('tooltip');
  function showTooltip(event, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    tooltip.style.left = event.clientX + 14 + 'px';
    tooltip.style.top = event.clientY + 14 + 'px';
  }
  function hideTooltip() { tooltip.hidden = true; }

  var byId = {};
  entities.forEach(function (e) { byId[e.id] = e; });
  var edgeNodes = relations.filter(function (r) { return position[r.source] && position[r.target]; }).map(function (r) {
    var s = position[r.source], t = position[r.target];
    var pair = [r.source, r.target].sort().join(' '), group = siblings[pair], offset = (group.indexOf(r.id) - (group.length - 1) / 2) * 28;
    if (r.source > r.target) offset = -offset;
    var mx = (s.x + t.x) / 2, my = (s.y + t.y) / 2, lx = t.x - s.x, ly = t.y - s.y, length = Math.sqrt(lx * lx + ly * ly) || 1;
    var cx = mx - (ly / length) * offset * 2, cy = my + (lx / length) * offset * 2;
    // End the curve at the target's rim, along the direction it arrives from.
    var ax = t.x - cx, ay = t.y - cy, al = Math.sqrt(ax * ax + ay * ay) || 1, rim = radius[r.target] + 2;
    var ex = t.x - (ax / al) * rim, ey = t.y - (ay / al) * rim;
    var d = 'M' + s.x.toFixed(1) + ',' + s.y.toFixed(1) + ' Q' + cx.toFixed(1) + ',' + cy.toFixed(1) + ' ' + ex.toFixed(1) + ',' + ey.toFixed(1);
    var valid = r.validTo === null;
    var g = element('g', { class: 'edge', 'data-id': r.id, 'data-source': r.source, 'data-target': r.target, 'data-relationship': r.relationship, 'data-valid': valid }, edgeLayer);
    element('path', { class: 'line', d: d, 'marker-end': 'url(#arrow)' }, g);
    element('path', { class: 'hit', d: d }, g);
    var label = element('text', { x: ((mx + cx) / 2).toFixed(1), y: ((my + cy) / 2).toFixed(1) }, g);
    label.textContent = r.relationship;
    var text = byId[r.source].name + ' ' + r.relationship + ' ' + byId[r.target].name +
      '\\nvalid from: ' + r.validFrom + '\\nvalid to: ' + (valid ? 'still valid' : r.validTo) +
      '\\nmentions: ' + r.mentions + '\\nmemories: ' + (r.memoryIds.length ? r.memoryIds.join(', ') : 'none');
    g.addEventListener('mouseenter', function (event) { showTooltip(event, text); });
    g.addEventListener('mousemove', function (event) { showTooltip(event, text); });
    g.addEventListener('mouseleave', hideTooltip);
    return { relation: r, g: g };
  });

  var nodeNodes = entities.map(function (e) {
    var p = position[e.id];
    var g = element('g', { class: 'node', 'data-id': e.id, 'data-type': e.type, 'data-name': e.name, transform: 'translate(' + p.x.toFixed(1) + ',' + p.y.toFixed(1) + ')' }, nodeLayer);
    element('circle', { r: radius[e.id], fill: colour[e.type] }, g);
    var label = element('text', { y: radius[e.id] + 14 }, g);
    label.textContent = e.name;
    var text = e.name + '\\ntype: ' + e.type + '\\nmentions: ' + e.mentions + '\\nfirst seen: ' + e.createdAt;
    g.addEventListener('mouseenter', function (event) { showTooltip(event, text); });
    g.addEventListener('mouseleave', hideTooltip);
    return { entity: e, g: g };
  });

  var legend = document.getElementById('legend');
  function heading(text) { var h = document.createElement('h2'); h.textContent = text; legend.appendChild(h); return document.createElement('ul'); }
  var typeList = heading('Entity types');
  types.forEach(function (type) {
    var item = document.createElement('li'), swatch = document.createElement('span'), label = document.createElement('span');
    swatch.className = 'swatch'; swatch.style.background = colour[type];
    label.textContent = type + ' (' + entities.filter(function (e) { return e.type === type; }).length + ')';
    item.setAttribute('data-type', type);
    item.appendChild(swatch); item.appendChild(label); typeList.appendChild(item);
  });
  legend.appendChild(typeList);
  var lineList = heading('Relations');
  [['valid', ''], ['invalidated', '6 4']].forEach(function (kind) {
    var item = document.createElement('li'), sample = element('svg', { width: 28, height: 10 }), label = document.createElement('span');
    element('line', { x1: 0, y1: 5, x2: 28, y2: 5, stroke: kind[1] ? '#b1b8c0' : '#6e7781', 'stroke-width': 1.5, 'stroke-dasharray': kind[1] || 'none' }, sample);
    label.textContent = kind[0];
    item.appendChild(sample); item.appendChild(label); lineList.appendChild(item);
  });
  legend.appendChild(lineList);

  // The filter keeps the entities whose name contains the text, their neighbours, and the
  // relations that touch a matching entity.
  var counts = document.getElementById('counts');
  function applyFilter(query) {
    var q = query.trim().toLowerCase(), matched = {}, shown = {};
    nodeNodes.forEach(function (n) { if (q === '' || n.entity.name.toLowerCase().indexOf(q) >= 0) matched[n.entity.id] = shown[n.entity.id] = true; });
    var edgesShown = 0;
    edgeNodes.forEach(function (e) {
      var visible = q === '' || matched[e.relation.source] || matched[e.relation.target];
      if (visible) { shown[e.relation.source] = shown[e.relation.target] = true; edgesShown++; }
      e.g.classList.toggle('hidden', !visible);
    });
    var nodesShown = 0;
    nodeNodes.forEach(function (n) {
      var visible = !!shown[n.entity.id];
      if (visible) nodesShown++;
      n.g.classList.toggle('hidden', !visible);
      n.g.classList.toggle('match', q !== '' && !!matched[n.entity.id]);
    });
    counts.textContent = nodesShown + ' of ' + entities.length + ' entities, ' + edgesShown + ' of ' + edgeNodes.length + ' relations';
  }
  var filter = document.getElementById('filter');
  filter.addEventListener('input', function () { applyFilter(filter.value); });
  applyFilter('');
  document.body.setAttribute('data-ready', 'true');
})();
`
