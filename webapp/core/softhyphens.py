"""Soft hyphens in long Swedish compounds, so narrow places wrap them where a reader expects.

A phone 360 px wide fits about 15 bold letters in a label column or a category button, and
Swedish compounds are longer ("Narkotikaindikation", "Trygghetsvandringar"). Browsers hyphenate
only with a dictionary (`hyphens: auto`), which Chromium on Linux and some phones lack; without
one the page's `overflow-wrap: anywhere` cuts a word at any letter ("Nedskräpnin|g"). A soft
hyphen (U+00AD) is invisible unless the line breaks there, and then shows as "-".

Use the `soft_hyphens` template filter on headings, labels and buttons that carry such words.
Add a compound to BREAKS when tests/a11y/test_long_words.py finds it cut at 360 px.
"""

from __future__ import annotations

SOFT_HYPHEN = "\u00ad"
# "Skadegörelse/klotter": a line never breaks after a slash between letters (UAX #14); a
# zero-width space after the slash lets it.
ZERO_WIDTH_SPACE = "\u200b"

# Stems with their break points ("|"), lower case. A stem matches inside a longer word too:
# "trygghets|vandring" covers "Trygghetsvandringar" and "uppföljningstrygghetsvandringen".
BREAKS = (
    "trygghets|vandring",
    "uppföljnings|vandring",
    "medborgar|löfte",
    "narkotika|indikation",
    "ned|skräpning",
    "ungdoms|samling",
    "skade|görelse",
    "växt|lighet",
    "gransknings|status",
    "ljus|förhållanden",
    "organisations|nummer",
    "organisa|tion",
    "anslutnings|kod",
    "samlings|plats",
    "trygghets|samordnare",
    # Organisations invited to a walk, in the walk's facts list.
    "hyresgäst|förening",
    # A measure's owner ("Kommunen – socialförvaltningen") beside its label on a report card.
    "social|förvaltning",
)


def _stems() -> list[tuple[str, tuple[int, ...]]]:
    stems = []
    for marked in BREAKS:
        parts = marked.split("|")
        offsets = tuple(sum(len(p) for p in parts[: i + 1]) for i in range(len(parts) - 1))
        stems.append(("".join(parts), offsets))
    return stems


STEMS = _stems()


def break_points(text: str) -> set[int]:
    """Where a soft hyphen goes (before that index), for every known stem in the text."""
    lower = text.lower()
    points: set[int] = set()
    for stem, offsets in STEMS:
        start = lower.find(stem)
        while start >= 0:
            points.update(start + offset for offset in offsets)
            start = lower.find(stem, start + 1)
    return points


def slash_points(text: str) -> set[int]:
    """After each slash between two letters ("sikt/växtlighet")."""
    return {
        index + 1
        for index in range(1, len(text) - 1)
        if text[index] == "/" and text[index - 1].isalpha() and text[index + 1].isalpha()
    }


def soft_hyphens(text: object) -> object:
    """The text with soft hyphens in known compounds and a break opportunity after slashes.

    For plain-text labels and headings. Markup stays Markup: its slices are Markup, and adding
    the plain break characters escapes nothing.
    """
    if text is None:
        return text
    if not isinstance(text, str):
        text = str(text)
    breaks = {point: SOFT_HYPHEN for point in break_points(text)}
    breaks.update(dict.fromkeys(slash_points(text), ZERO_WIDTH_SPACE))
    result = text[:0]
    start = 0
    for point in sorted(breaks):
        result = result + text[start:point] + breaks[point]
        start = point
    return result + text[start:]
