"""Where the third-party browser libraries live on disk: inside their Python packages."""

from __future__ import annotations

from pathlib import Path

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

VENDOR_DIRS: dict[str, str] = {
    "leaflet": xs_leaflet.BASE_DIR,
    "markercluster": xs_markercluster.BASE_DIR,
    "jquery": xs_jquery.BASE_DIR,
    # folium's wheel carries the heat plugin (leaflet_heat.min.js) among its templates.
    "folium": str(Path(folium.__file__).resolve().parent / "templates"),
}
