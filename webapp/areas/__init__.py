"""Named areas (Sunne centrum, Sunne tätort, the kommun) as GeoJSON geometries."""
