"""The coordinator's map: the Folium skeleton, the layers' GeoJSON, the review queue and map, and
the static maps of the reports."""
