"""Words of the council report that not every council member knows, explained before the
figures use them, on the page and in the PDF alike.

"ANDT" and "tätort" name activities and key figures; a council member who is not a specialist
met them there unexplained. A resident's report ("synpunkt") is explained with what the
coordinator does with it, the steps the report's section counts.

The weekly situational picture's PDF explains the words its tables use (`terms_used_in`), under
them: "tätort" of the area columns, "ANDT" when an ANDT activity is among its activities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Term:
    word: str
    meaning: str
    # The word as a text that uses it contains it (any case): "tätort" is in "Utanför Sunne
    # tätort" and "Outside Sunne tätort" alike.
    mark: str = ""


def glossary() -> list[Term]:
    return [
        Term(
            _("ANDT"),
            _(
                "Alcohol, narcotics, doping and tobacco. ANDT interventions are the police's "
                "and the municipality's work to keep young people away from them."
            ),
            mark="ANDT",
        ),
        Term(
            _("Tätort (urban area)"),
            _(
                "The continuous built-up area of Sunne town, as Statistics Sweden (SCB) "
                "delimits it: houses at most 200 metres apart. Outside the tätort means the "
                "villages and countryside of the municipality. The report's outline of the "
                "tätort is approximate."
            ),
            mark="tätort",
        ),
        Term(
            _("Resident report"),
            _(
                "A place in Sunne that a resident marked on the map of the public page, as "
                "feeling unsafe or safe, without logging in. The safety coordinator reads every "
                "report before anything of it is shown, and then shows it on the open map, takes "
                "it into the work of the police and the municipality (with an observation or a "
                "measure), or hides it."
            ),
            mark=_("resident report"),
        ),
    ]


def terms_used_in(texts: Iterable[str]) -> list[Term]:
    """The glossary's terms whose word one of `texts` uses, in the glossary's order."""
    said = " ".join(texts).casefold()
    return [term for term in glossary() if term.mark.casefold() in said]
