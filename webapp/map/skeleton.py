"""Build the Folium map skeleton and split it into parts our own template embeds.

Folium only draws the base map and tiles. Data layers are added in the browser from the GeoJSON
API (static/js/review-map.js) because per-marker Folium output grows by about 1 KB per point and
Folium's popups and tooltips are script sinks for user text (DESIGN §6). So nothing a user typed
ever passes through Folium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from jinja2 import Template
from markupsafe import Markup

# Our own copies (webapp/core/vendor.py serves them); no CDN, so viewers of police data are not
# disclosed to third parties and the map works offline.
LOCAL_JS = [
    ("leaflet", "/vendor/leaflet/leaflet.js"),
    ("jquery", "/vendor/jquery/jquery.min.js"),
]
LOCAL_CSS = [("leaflet_css", "/vendor/leaflet/leaflet.css")]

_TAG_START = re.compile(r"<(script|style|link)\b")


@dataclass(frozen=True)
class MapParts:
    name: str  # the global JS variable holding the L.Map
    head: Markup  # <link>/<script>/<style> for the page head, with our CSP nonce
    body: Markup  # the map <div>
    script: Markup  # the inline script creating the map, with our CSP nonce


def use_local_assets() -> None:
    """Point Folium's asset lists at our own routes (class attributes, set once at start-up)."""
    folium.Map.default_js = list(LOCAL_JS)
    folium.Map.default_css = list(LOCAL_CSS)


class MetricScale(folium.MacroElement):
    """Leaflet's scale bar in metres only. Folium's control_scale adds feet and miles too: no
    use in Sunne, and on a phone their second line ran under the attribution."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


def build_map_parts(
    *,
    center: tuple[float, float],
    zoom: int,
    tile_url: str,
    attribution: str,
    nonce: str,
    max_zoom: int = 19,
) -> MapParts:
    use_local_assets()
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, max_zoom=max_zoom)
    MetricScale().add_to(fmap)
    folium.TileLayer(tiles=tile_url, attr=attribution, max_zoom=max_zoom, name="Karta").add_to(fmap)
    root = fmap.get_root()
    root.render()
    head = _keep_assets(root.header.render())
    return MapParts(
        name=fmap.get_name(),
        head=Markup(_with_nonce(head, nonce)),  # noqa: S704 - Folium output, no user text
        body=Markup(root.html.render()),  # noqa: S704 - a bare <div>, no user text
        script=Markup(f'<script nonce="{nonce}">{root.script.render()}</script>'),  # noqa: S704
    )


def _keep_assets(header: str) -> str:
    """Drop Folium's <meta viewport user-scalable=no>: zooming must stay possible (WCAG 1.4.4)."""
    return "\n".join(
        line for line in header.splitlines() if "<meta" not in line and "user-scalable" not in line
        and "initial-scale" not in line
    )  # fmt: skip


def _with_nonce(html: str, nonce: str) -> str:
    return _TAG_START.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', html)
