"""Reference data: the 2016–2017 Sunne promises, the five activities, categories and areas.

Idempotent: existing rows (matched by code or title) are left as a coordinator may have edited
them; only missing rows are added.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from webapp.activities.models import ActivityType
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.observations.models import Category
from webapp.promises.models import Promise

CENTER_LAT, CENTER_LON = 59.8366, 13.1440

PROMISES = [
    (
        "Minska risken för unga att hamna i ett drogberoende",
        "Polis och kommun lovar att tillsammans arbeta för att minska risken för unga att hamna "
        "i ett drogberoende.",
    ),
    (
        "Öka känslan och upplevelsen av trygghet i Sunne centrum",
        "Polis och kommun lovar att tillsammans arbeta med att öka känslan och upplevelsen av "
        "trygghet i Sunne centrum.",
    ),
]

# code, name, kind, organisation, promise indexes served
ACTIVITY_TYPES = [
    ("fotpatrull", "Fotpatrullering i centrum", "patrol", "police", (1,)),
    (
        "foretagsbesok",
        "Besök hos handlare och företag utanför Sunne tätort",
        "business_visit",
        "police",
        (1,),
    ),
    ("andt", "Insats mot ungdomar gällande ANDT", "andt", "police", (0,)),
    (
        "samverkan-skola-soc",
        "Samverkan med skola och socialtjänst om ungdomar i riskzonen",
        "meeting",
        "joint",
        (0,),
    ),
    (
        "trygghetsvandring",
        "Trygghetsvandringar genomförs och följs upp, beslutade åtgärder utförs",
        "safety_walk",
        "joint",
        (1,),
    ),
]

# code, Swedish, English, colour (colour-blind-safe palette, distinct on a map)
CATEGORIES = [
    ("belysning", "Belysning", "Lighting", "#E69F00"),
    ("skymd-sikt", "Skymd sikt/växtlighet", "Obstructed view/vegetation", "#009E73"),
    ("skadegorelse", "Skadegörelse/klotter", "Vandalism/graffiti", "#D55E00"),
    ("nedskrapning", "Nedskräpning", "Littering", "#8C6D31"),
    ("trafik", "Trafik", "Traffic", "#0072B2"),
    ("narkotika", "Narkotikaindikation", "Signs of drugs", "#CC79A7"),
    ("ungdomssamling", "Ungdomssamling", "Young people gathering", "#56B4E9"),
    ("otrygg-plats", "Otrygg plats", "Place that feels unsafe", "#B22222"),
    ("ovrigt", "Övrigt", "Other", "#555555"),
]


def _box(lat: float, lon: float, half_lat: float, half_lon: float) -> dict[str, Any]:
    ring = [
        [lon - half_lon, lat - half_lat],
        [lon + half_lon, lat - half_lat],
        [lon + half_lon, lat + half_lat],
        [lon - half_lon, lat + half_lat],
        [lon - half_lon, lat - half_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _kommun_geometry() -> dict[str, Any]:
    path = Path(__file__).resolve().parent.parent / "geo" / "data" / "kommuner-sunne-torsby.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"].get("kommunkod") == "1766":
            return feature["geometry"]
    raise LookupError("Sunne kommun (1766) missing from the bundled boundary file")


def area_defaults() -> list[tuple[str, str, str, dict[str, Any], bool]]:
    # Approximate boxes: about 700 m x 560 m for centrum, 4.4 km x 4.5 km for tätort.
    return [
        (
            "sunne-centrum",
            "Sunne centrum",
            "centrum",
            _box(CENTER_LAT, CENTER_LON, 0.0025, 0.0060),
            True,
        ),
        (
            "sunne-tatort",
            "Sunne tätort",
            "tatort",
            _box(CENTER_LAT, CENTER_LON, 0.020, 0.040),
            True,
        ),
        ("sunne-kommun", "Sunne kommun", "kommun", _kommun_geometry(), False),
    ]


def seed_reference_data() -> dict[str, int]:
    """Add any missing reference rows; returns how many of each were added."""
    added = {"promises": 0, "activity_types": 0, "categories": 0, "areas": 0}
    promises = []
    for title, body in PROMISES:
        promise = db.session.execute(db.select(Promise).filter_by(title=title)).scalar()
        if promise is None:
            promise = Promise(
                title=title, body=body, starts_on=date(2016, 1, 1), ends_on=date(2017, 12, 31)
            )
            db.session.add(promise)
            added["promises"] += 1
        promises.append(promise)
    for code, name, kind, organisation, served in ACTIVITY_TYPES:
        if db.session.execute(db.select(ActivityType).filter_by(code=code)).scalar() is None:
            activity_type = ActivityType(code=code, name=name, kind=kind, organisation=organisation)
            activity_type.promises = [promises[i] for i in served]
            db.session.add(activity_type)
            added["activity_types"] += 1
    for order, (code, label_sv, label_en, color) in enumerate(CATEGORIES):
        if db.session.get(Category, code) is None:
            db.session.add(
                Category(
                    code=code, label_sv=label_sv, label_en=label_en, color=color, sort_order=order
                )
            )
            added["categories"] += 1
    for code, name, kind, geometry, approximate in area_defaults():
        if db.session.execute(db.select(Area).filter_by(code=code)).scalar() is None:
            db.session.add(
                Area(code=code, name=name, kind=kind, geometry=geometry, approximate=approximate)
            )
            added["areas"] += 1
    db.session.commit()
    return added
