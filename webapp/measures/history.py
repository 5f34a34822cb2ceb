"""The notes the app itself writes in a measure's history, in the reader's language.

A coordinator's own comment is kept as typed. The app's notes ("Created", "Decided in the
protocol of the walk", "Changed: Deadline, Priority") were stored translated into the writer's
language, so an English reader met Swedish lines in the history and the other way round. They
are stored as markers now and worded when shown; older rows keep the words they were stored
with.
"""

from __future__ import annotations

from flask_babel import gettext as _

CREATED = "@created"
WALK_PROTOCOL = "@walk-protocol"
_CHANGED = "@changed:"


def changed(fields: list[str]) -> str:
    """The marker of an edit of these form fields (names, e.g. "deadline")."""
    return _CHANGED + ",".join(fields)


def worded(comment: str) -> str:
    """A history comment as the reader reads it: markers worded now, anything else as stored."""
    if comment == CREATED:
        return _("Created")
    if comment == WALK_PROTOCOL:
        return _("Decided in the protocol of the walk")
    if comment.startswith(_CHANGED):
        names = [name for name in comment.removeprefix(_CHANGED).split(",") if name]
        return _("Changed: %(fields)s", fields=", ".join(_field_labels(names)))
    return comment


def _field_labels(names: list[str]) -> list[str]:
    from webapp.measures.forms import MeasureForm  # the form's own labels, in this language

    fields = MeasureForm(meta={"csrf": False})._fields  # one form for all the names
    return [str(fields[name].label.text) if name in fields else name for name in names]
