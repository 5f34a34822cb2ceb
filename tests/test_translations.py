"""Every user-facing string has a Swedish translation (English is the message id)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "webapp" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> dict[str, str]:
    """msgid -> first place it is used, straight from the source tree."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_message_has_a_swedish_translation():
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string))
        and not m.fuzzy
    }
    missing = {msgid: where for msgid, where in source_messages().items() if msgid not in translated}
    assert not missing, "Untranslated (add to messages.po):\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_the_swedish_catalogue_compiles_without_errors():
    from babel.messages.catalog import Catalog  # noqa: F401 - read_po raises on syntax errors

    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    errors = [(m.id, err) for m, err in catalog.check() if err]
    assert not errors
