// The map of a municipality's partners: one marker per place with coordinates.
// Data comes from the page (a JSON script element written by the server); markers
// are SVG circles, so they show even where no map tiles can be loaded.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!element || !source || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var map = L.map(element, { scrollWheelZoom: false, worldCopyJump: true, fadeAnimation: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
  }
  var bounds = [];
  data.points.forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.long], {
      radius: point.home ? 9 : 7,
      weight: 2,
      fillOpacity: 0.7,
      className: point.home ? "map-home" : "map-partner"
    });
    // Names are data: they go in as text, never as HTML.
    var label = document.createElement(point.href ? "a" : "strong");
    label.textContent = point.name;
    if (point.href) {
      label.href = point.href;
    }
    var tip = document.createElement("span");
    tip.textContent = point.name;
    marker.bindPopup(label);
    marker.bindTooltip(tip);
    marker.addTo(map);
    bounds.push([point.lat, point.long]);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [24, 24] });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 6);
  } else {
    map.setView([55, 15], 3);
  }
  element.setAttribute("data-markers", String(data.points.length));
})();
