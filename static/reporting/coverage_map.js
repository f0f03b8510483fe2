/* The coverage choropleth as a Leaflet map (vendored, no tiles, nothing from outside).
   Without JavaScript the server-drawn SVG stays; the table below carries the same figures. */
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("coverage-map");
    var source = document.getElementById("coverage-map-data");
    if (!holder || !source || !window.L) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data || !data.features || !data.features.length) {
      return;
    }
    holder.hidden = false;
    var map = window.L.map(holder, {
      zoomControl: false,
      attributionControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25
    });
    window.L.control
      .zoom({
        zoomInTitle: holder.dataset.zoomIn,
        zoomOutTitle: holder.dataset.zoomOut
      })
      .addTo(map);
    var layer = window.L.geoJSON(data, {
      style: function (feature) {
        return {
          fillColor: feature.properties.fill,
          fillOpacity: 1,
          color: feature.properties.stroke,
          weight: 1
        };
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(feature.properties.label, { sticky: true });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    var svg = holder.parentNode.querySelector("svg.coverage-map");
    if (svg) {
      svg.style.display = "none";
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
