"""Folium behind one module: the map skeleton, with every asset served by our own app."""
