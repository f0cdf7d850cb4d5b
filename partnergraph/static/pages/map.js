// The map of a page's places (a municipality and its partners, a network's members):
// one marker per place with coordinates, coloured by its kind as the legend under the
// map says, and named by a label that stays on (no click needed). The view is fitted
// to the places, not the world. Data comes from the page (a JSON script element
// written by the server). Markers are SVG circles and the names are text, so the map
// reads even where no tiles can be loaded; without tiles the countries of Natural Earth
// (world-atlas, served by this site, read by topojson-client) and a graticule of
// meridians and parallels give the eye a frame.
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
  // Outlines and graticule lie in a pane of their own, under the markers, whenever
  // the countries arrive.
  map.createPane("outlines").style.zIndex = 350;
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
  } else {
    graticule(map);
    outlines(map, data.outlines);
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
      direction: "auto",
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
  // The place the page is about last, so that its marker lies on top of the others.
  markers.slice().reverse().forEach(function (pair) {
    var marker = pair[0];
    marker.addTo(map);
    // The kind's colour wins over any style sheet rule (script-set styles are
    // allowed by the Content-Security-Policy; style attributes in the HTML are not).
    var path = marker.getElement();
    if (path) {
      path.style.stroke = pair[1];
      path.style.fill = pair[1];
    }
    // A name hidden by a nearer one shows while its marker is pointed at.
    marker.on("mouseover", function () {
      var tip = marker.getTooltip().getElement();
      if (tip) {
        tip.classList.remove("map-name-hidden");
      }
    });
    marker.on("mouseout", declutter);
  });
  // Names that would cover one another: the first placed stays (the page's place
  // first, then the partners in the page's order), the others are hidden until
  // zoomed apart. Run again after each zoom.
  function declutter() {
    var placed = [];
    markers.forEach(function (pair) {
      var tip = pair[0].getTooltip().getElement();
      if (!tip) {
        return;
      }
      tip.classList.remove("map-name-hidden");
      var box = tip.getBoundingClientRect();
      var covers = placed.some(function (other) {
        return box.left < other.right && other.left < box.right &&
          box.top < other.bottom && other.top < box.bottom;
      });
      if (covers) {
        tip.classList.add("map-name-hidden");
      } else {
        placed.push(box);
      }
    });
  }
  declutter();
  map.on("zoomend", declutter);
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
      pane: "outlines",
      className: "map-graticule"
    }).addTo(target);
  }

  // The countries (TopoJSON, 1:110 million), filled under the graticule's lines; the
  // colours are the style sheet's (.map-country), light or dark.
  function outlines(target, url) {
    if (!url || typeof topojson === "undefined" || !window.fetch) {
      return;
    }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": " + response.status);
        }
        return response.json();
      })
      .then(function (topology) {
        var countries = topojson.feature(topology, topology.objects.countries);
        L.geoJSON(countries, {
          pane: "outlines",
          interactive: false,
          style: { className: "map-country", weight: 1, fillOpacity: 1 },
          attribution: "Natural Earth"
        }).addTo(target);
        element.setAttribute("data-outlines", String(countries.features.length));
      })
      .catch(function () {
        element.setAttribute("data-outlines", "0");
      });
  }
})();
