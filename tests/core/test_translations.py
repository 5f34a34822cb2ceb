"""Every user-facing string has a Swedish translation (English is the message id).

A message is identified by its context (pgettext), its id and, for ngettext, its plural id: a
plural in the source needs a plural entry with both Swedish forms, and a message with a context
needs its own entry with that msgctxt ("Other" is "Annat" or "Annan" depending on the noun).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "webapp" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
# Swedish has two plural forms, like English: "1 plats", "2 platser".
SWEDISH_PLURAL_FORMS = 2

Key = tuple[str | None, str, str | None]  # (context, msgid, msgid_plural)


def message_key(message: str | tuple, context: str | None) -> Key:
    if isinstance(message, tuple):
        return (context, message[0], message[1] if len(message) > 1 else None)
    return (context, message, None)


def source_messages() -> dict[Key, str]:
    """(context, msgid, msgid_plural) -> first place it is used, straight from the source tree."""
    found: dict[Key, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        key = message_key(message, context)
        if key[1]:
            found.setdefault(key, f"{filename}:{lineno}")
    return found


def is_translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    if isinstance(message.string, str):
        return bool(message.string)
    return len(message.string) == SWEDISH_PLURAL_FORMS and all(message.string)


def read_catalogue():  # type: ignore[no-untyped-def]
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


def describe(key: Key) -> str:
    context, msgid, plural = key
    text = repr(msgid) + (f" / {plural!r}" if plural else "")
    return f"[{context}] {text}" if context else text


def test_every_message_has_a_swedish_translation():
    catalog = read_catalogue()
    translated = {message_key(m.id, m.context) for m in catalog if m.id and is_translated(m)}
    missing = {key: where for key, where in source_messages().items() if key not in translated}
    assert not missing, "Untranslated (add to messages.po):\n" + "\n".join(
        f"  {where}: {describe(key)}"
        for key, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_plural_entries_have_both_swedish_forms():
    catalog = read_catalogue()
    assert catalog.num_plurals == SWEDISH_PLURAL_FORMS
    assert catalog.plural_expr == "(n != 1)"
    broken = [
        describe(message_key(m.id, m.context))
        for m in catalog
        if m.id and m.pluralizable and not is_translated(m)
    ]
    assert not broken, "Plural entries without both Swedish forms:\n" + "\n".join(broken)


def test_the_swedish_catalogue_compiles_without_errors():
    catalog = read_catalogue()
    errors = [(m.id, err) for m, err in catalog.check() if err]
    assert not errors


def test_no_message_is_in_the_catalogue_twice():
    """Several people append to messages.po at once: a msgid added twice is read without a
    word by Babel (the later entry wins) but refused by msgfmt, and two translations of one
    message drift apart."""
    seen: dict[tuple[str, str], int] = {}
    twice = []
    context, lines = "", PO_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("msgctxt "):
            context = line
        elif line.startswith("msgid "):
            # A msgid may go on over the lines after it ("…" continuations).
            parts = [line]
            for more in lines[number:]:
                if not more.startswith('"'):
                    break
                parts.append(more)
            key = (context, "".join(parts))
            if key in seen and key != ("", 'msgid ""'):
                twice.append(f"line {number} repeats line {seen[key]}: {line}")
            seen.setdefault(key, number)
            context = ""
    assert not twice, "\n".join(twice)
