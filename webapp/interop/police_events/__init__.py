"""The police's public events (polisen.se/api/events) for the kommun, imported for the weekly
picture. Their position is the centre of a named area, not the place: never drawn on a map,
and not even stored."""
