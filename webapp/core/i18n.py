"""Language: Swedish by default, English on request, remembered per user.

Message ids are English; the Swedish catalogue is webapp/translations/sv. The compiled .mo file is
rebuilt from the .po at start-up when it is missing or older, so a fresh clone needs no extra
build step.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.core import labels
from webapp.core.softhyphens import soft_hyphens
from webapp.extensions import babel

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# The language a user picks -> the locale Babel formats with. Plain "en" is American English
# ("Nov 29, 2026", "11/29/26"); Sunne's English readers expect day-month-year.
FORMAT_LOCALES = {"en": "en_GB"}


def init_i18n(app: Flask) -> None:
    compile_catalogues()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(template_helpers)
    app.add_template_filter(soft_hyphens)


ROLE_LABELS = {
    "officer": _l("police officer"),
    "staff": _l("municipal staff"),
    "coordinator": _l("coordinator"),
    "admin": _l("administrator"),
}


def template_helpers() -> dict[str, object]:
    return {
        # The language ("sv", "en") for lang attributes and scripts, not the formatting locale.
        "current_locale": current_language,
        "role_label": lambda role: ROLE_LABELS.get(role, role),
        "labels": labels,
        # Swedish formats (Europe/Stockholm) by default: "29 nov. 2026 12:05", "1 234,5".
        "format_datetime": format_datetime,
        "format_date": format_date,
        "format_iso_date": format_iso_date,
        "format_decimal": format_decimal,
        "tile_attribution": tile_attribution,
    }


# OpenStreetMap's own credit, the default TILE_ATTRIBUTION. OSM asks for this credit and allows
# it in the reader's language; a tile server's own credit (TRYGG_TILE_ATTRIBUTION) is shown as
# configured.
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors"


def tile_attribution() -> str:
    """The map's attribution (HTML, as Leaflet shows it) for this request's language."""
    configured = str(current_app.config["TILE_ATTRIBUTION"])
    return _("&copy; OpenStreetMap contributors") if configured == OSM_ATTRIBUTION else configured


def format_iso_date(value: str | None, format: str = "medium") -> str:
    """A date kept as ISO text (e.g. in JSON for the page's script), shown the Swedish way."""
    return format_date(date.fromisoformat(value), format) if value else ""


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """The formatting locale of the user's language: English dates in British order."""
    language = _select_language()
    return FORMAT_LOCALES.get(language, language)


def _select_language() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background jobs speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def compile_catalogues() -> None:
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)  # atomic: parallel workers never read half a file
