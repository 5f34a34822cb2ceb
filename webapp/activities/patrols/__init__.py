"""Foot patrols (fotpatrullering): start and stop on the phone, route, duration, map."""
