// The map of a page's places (a municipality and its partners, a network's members):
// one marker per place with coordinates, coloured by its kind as the legend under the
// map says, and named by a label that stays on (no click needed). The view is fitted
// to the places, not the world. Data comes from the page (a JSON script element
// written by the server). Markers are SVG circles and the names are text, so the map
// reads even where no tiles can be loaded; without tiles a graticule of meridians and
// parallels gives the eye a frame.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!element || !source || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = data.colours || [];
  var map = L.map(element, {
    scrollWheelZoom: false,
    worldCopyJump: true,
    fadeAnimation: false,
    zoomSnap: 0.25
  });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
  } else {
    graticule(map);
  }
  var bounds = [];
  var markers = [];
  data.points.forEach(function (point) {
    var colour = colours[point.kind] || "#0072b2";
    var marker = L.circleMarker([point.lat, point.long], {
      radius: point.home ? 9 : 7,
      weight: 2,
      color: colour,
      fillColor: colour,
      fillOpacity: point.home ? 0.9 : 0.7,
      className: point.home ? "map-home" : "map-partner"
    });
    // Names are data: they go in as text, never as HTML.
    var label = document.createElement(point.href ? "a" : "strong");
    label.textContent = point.name;
    if (point.href) {
      label.href = point.href;
    }
    var name = document.createElement("span");
    name.textContent = point.name;
    marker.bindPopup(label);
    marker.bindTooltip(name, {
      permanent: true,
      direction: "right",
      offset: [8, 0],
      className: point.home ? "map-name map-name-home" : "map-name"
    });
    markers.push([marker, colour]);
    bounds.push([point.lat, point.long]);
  });
  // The view first: Leaflet draws a layer only once the map has one.
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [32, 32], maxZoom: 9 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 6);
  } else {
    map.setView([55, 15], 3);
  }
  markers.forEach(function (pair) {
    var marker = pair[0];
    marker.addTo(map);
    // The kind's colour wins over any style sheet rule (script-set styles are
    // allowed by the Content-Security-Policy; style attributes in the HTML are not).
    var path = marker.getElement();
    if (path) {
      path.style.stroke = pair[1];
      path.style.fill = pair[1];
    }
  });
  function record() {
    var shown = map.getBounds();
    element.setAttribute("data-bounds", JSON.stringify([
      [shown.getSouth(), shown.getWest()],
      [shown.getNorth(), shown.getEast()]
    ]));
  }
  record();
  map.on("moveend", record);
  element.setAttribute("data-markers", String(data.points.length));

  // Meridians and parallels every 10 degrees, drawn under the markers.
  function graticule(target) {
    var lines = [];
    var step = 10;
    for (var lat = -80; lat <= 80; lat += step) {
      lines.push([[lat, -180], [lat, 180]]);
    }
    for (var long = -180; long <= 180; long += step) {
      lines.push([[-85, long], [85, long]]);
    }
    L.polyline(lines, {
      color: "#8a9aa9",
      weight: 1,
      opacity: 0.5,
      interactive: false,
      className: "map-graticule"
    }).addTo(target);
  }
})();
