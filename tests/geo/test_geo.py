"""Point in polygon on GeoJSON and geodesic line length."""

from __future__ import annotations

import pytest

from webapp.geo import line_length_m, point_in_geometry
from webapp.ops.reference import CENTER_LAT, CENTER_LON, area_defaults

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}
# An L shape: concave, so a bounding-box test would be wrong at (8, 8).
L_SHAPE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [10, 0], [10, 3], [3, 3], [3, 10], [0, 10], [0, 0]]],
}


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [(5, 5, True), (0.001, 9.999, True), (-1, 5, False), (11, 5, False), (5, 10.5, False)],
)
def test_point_in_a_square(lon, lat, inside):
    assert point_in_geometry(lon, lat, SQUARE) is inside


def test_points_on_the_edge_or_a_corner_count_as_inside():
    assert point_in_geometry(10, 5, SQUARE)
    assert point_in_geometry(0, 0, SQUARE)


def test_a_hole_is_outside():
    assert not point_in_geometry(5, 5, WITH_HOLE)
    assert point_in_geometry(2, 2, WITH_HOLE)


def test_concave_polygon():
    assert point_in_geometry(1, 8, L_SHAPE)
    assert not point_in_geometry(8, 8, L_SHAPE)


def test_multipolygon_checks_each_part():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"], [[[20, 20], [30, 20], [30, 30], [20, 20]]]],
    }
    assert point_in_geometry(28, 22, multi)
    assert not point_in_geometry(15, 15, multi)


def test_a_point_geometry_is_not_an_area():
    with pytest.raises(ValueError):
        point_in_geometry(1, 1, {"type": "Point", "coordinates": [1, 1]})


def test_sunne_tatort_box_contains_the_centre_but_not_rottneros():
    tatort = next(g for code, _n, _k, g, _a in area_defaults() if code == "sunne-tatort")
    assert point_in_geometry(CENTER_LON, CENTER_LAT, tatort)
    assert not point_in_geometry(13.12, 59.78, tatort)  # Rottneros, ~6 km south


def test_sunne_kommun_boundary_contains_the_centre():
    kommun = next(g for code, _n, _k, g, _a in area_defaults() if code == "sunne-kommun")
    assert point_in_geometry(CENTER_LON, CENTER_LAT, kommun)
    assert not point_in_geometry(18.07, 59.33, kommun)  # Stockholm


def test_line_length_uses_the_ellipsoid():
    # Along the equator one degree of longitude is 111 319.49 m on WGS84.
    assert line_length_m([[0, 0], [1, 0]]) == pytest.approx(111_319.49, abs=0.5)
    assert line_length_m([[0, 0], [0.5, 0], [1, 0]]) == pytest.approx(111_319.49, abs=0.5)


def test_line_length_of_fewer_than_two_points_is_zero():
    assert line_length_m([]) == 0
    assert line_length_m([[13.14, 59.83]]) == 0
