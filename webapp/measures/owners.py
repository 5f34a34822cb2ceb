"""Who changes a measure's status: the coordinator, and the organisation that carries it out.

The coordinator decides a measure: what is to be done, who owns it, the deadline, who sees it,
and every status. The organisation named as its owner does the work, so it reports how the work
goes (in progress, partly done, done) without asking the coordinator to type it in. Handing the
problem back ("not feasible", "other owner") and reopening a closed measure stay the
coordinator's decisions: they change what the council is told was promised.

Owners map to roles, not to single accounts: a police-owned measure is every officer's to report
on, a municipal one every staff member's. Other owners (a property owner, Trafikverket) have no
account, so the coordinator reports for them. Reading comes first: nobody changes a measure they
may not read (the loader answers 404 before any of this is asked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from webapp.core.access import Role
from webapp.core.labels import MEASURE_STATUS, label
from webapp.measures.models import OWNERS, STATUSES, Measure

if TYPE_CHECKING:
    from webapp.auth.models import User

# Every municipal department ("municipality_technical", "municipality_social", ... and any added
# later under the same prefix) is carried out by municipal staff.
OWNER_ROLE: dict[str, Role] = {
    owner: Role.OFFICER if owner == "police" else Role.STAFF
    for owner in OWNERS
    if owner == "police" or owner.startswith("municipality_")
}
# Where an owner's report may start: the measure is still open, or partly done and being
# finished. A done, impossible or handed-over measure is reopened by the coordinator.
REPORTABLE_FROM = ("proposed", "decided", "in_progress", "partly_done")
# What an owner reports. The same status again is a progress note in the history.
OWNER_STATUSES = ("in_progress", "partly_done", "done")


def owners_of_role(role: str) -> tuple[str, ...]:
    """The owner codes whose measures `role` reports on ("my organisation's measures")."""
    return tuple(owner for owner, owner_role in OWNER_ROLE.items() if owner_role == role)


def is_owner(user: User, measure: Measure) -> bool:
    """Whether `user`'s organisation carries out `measure` (by role; the coordinator is not)."""
    return OWNER_ROLE.get(measure.owner) == user.role


def status_choices(user: User, measure: Measure) -> tuple[str, ...]:
    """The statuses `user` may give `measure` now (empty: the user may not change it)."""
    if user.has_role(Role.COORDINATOR):
        return STATUSES
    if is_owner(user, measure) and measure.status in REPORTABLE_FROM:
        return OWNER_STATUSES
    return ()


def who_changes_status(measure: Measure) -> str:
    """The line a reader who may not change the status sees: who can, so they know whom to ask."""
    if measure.status not in REPORTABLE_FROM:
        status = label(MEASURE_STATUS, measure.status)
        return _(
            "The coordinator changes the status of a measure that is %(status)s.", status=status
        )
    owner_role = OWNER_ROLE.get(measure.owner)
    if owner_role == Role.OFFICER:
        return _("The police and the coordinator change the status of this measure.")
    if owner_role == Role.STAFF:
        return _("The municipality and the coordinator change the status of this measure.")
    return _("The coordinator changes the status of this measure.")
