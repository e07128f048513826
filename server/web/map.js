// Civic's maps: the reports on the public pages and the console, and drawing a warning's
// area in the console. Reads its data from the page's <script id="map-data"> block (JSON,
// never run); builds every popup from DOM nodes, never from HTML strings.
(function () {
  'use strict';
  var el = document.getElementById('map');
  var dataEl = document.getElementById('map-data');
  if (!el || !dataEl || typeof L === 'undefined') return;
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  var classes = { resolved: 'done', rejected: 'closed', duplicate: 'closed', in_progress: 'working' };
  var map = L.map(el, { scrollWheelZoom: false, keyboard: true });
  L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution }).addTo(map);
  el.setAttribute('aria-label', data.label || '');

  // The view first: markers are drawn only once the map has one.
  var reports = data.reports || [];
  var points = reports.map(function (r) { return [r.lat, r.lon]; });
  // A campaign's streets, when drawn: shown, and in view.
  if (data.area && data.area.length) {
    L.polygon(data.area, { className: 'drawn-area', interactive: false }).addTo(map);
    points = points.concat(data.area);
  }
  if (points.length === 1 && data.zoom) {
    map.setView(points[0], data.zoom);
  } else if (points.length) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  } else if (data.bounds) {
    map.fitBounds(data.bounds);
  } else {
    map.setView([0, 0], 2);
  }

  reports.forEach(function (r) {
    var kind = classes[r.status] || 'open';
    var icon = L.divIcon({ className: 'pin pin-' + kind, html: '', iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -10] });
    var marker = L.marker([r.lat, r.lon], { icon: icon, title: r.category + ' · ' + r.statusLabel + ' · ' + r.number, keyboard: true });
    var box = document.createElement('div');
    var title = document.createElement(r.url ? 'a' : 'strong');
    if (r.url) title.href = r.url;
    title.textContent = r.category;
    var line = document.createElement('div');
    line.textContent = r.number + ' · ' + r.statusLabel;
    box.appendChild(title);
    box.appendChild(line);
    marker.bindPopup(box);
    marker.addTo(map);
    var node = marker.getElement();
    if (node) {
      node.setAttribute('data-number', r.number);
      node.setAttribute('data-status', r.status);
    }
  });


  if (data.draw !== 'polygon') return;
  // Drawing: each click adds a corner; the text field below the map holds the same points, so
  // a keyboard user can type them and the form works without this script.
  var field = document.getElementById('polygon');
  var clear = document.getElementById('clear-polygon');
  var shape = null;
  function parse(text) {
    return text.split(';').map(function (p) {
      var ll = p.split(',').map(function (x) { return parseFloat(x); });
      return ll.length === 2 && isFinite(ll[0]) && isFinite(ll[1]) ? ll : null;
    }).filter(Boolean);
  }
  function draw(corners) {
    if (shape) map.removeLayer(shape);
    shape = corners.length ? L.polygon(corners, { className: 'drawn-area' }).addTo(map) : null;
  }
  if (field) {
    draw(parse(field.value));
    // Typed corners: the map moves to show them (clicked ones are where the map already is).
    field.addEventListener('input', function () {
      draw(parse(field.value));
      if (shape) map.fitBounds(shape.getBounds(), { padding: [24, 24], maxZoom: 17 });
    });
    map.on('click', function (e) {
      var corners = parse(field.value);
      corners.push([Math.round(e.latlng.lat * 1e5) / 1e5, Math.round(e.latlng.lng * 1e5) / 1e5]);
      field.value = corners.map(function (c) { return c[0] + ',' + c[1]; }).join('; ');
      draw(corners);
    });
  }
  if (clear && field) {
    clear.hidden = false;
    clear.addEventListener('click', function () {
      field.value = '';
      draw([]);
    });
  }
})();
