"""Geotagged observations (iakttagelser) with photos, and their categories."""
