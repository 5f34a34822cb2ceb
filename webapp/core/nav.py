"""The main menu and the start page, from one list of destinations.

Every page a role works with is listed here once, in a few groups, so the menu (base.html), the
start page (core/index.html) and the navigation test (tests/journeys/test_navigation.py) cannot
drift apart. Items name endpoints, not URLs; the roles here only decide what is *shown* - each
view still checks access itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from webapp.core.access import Role

FIELD = (Role.OFFICER, Role.STAFF, Role.COORDINATOR)
COORDINATOR = (Role.COORDINATOR,)
ADMIN = (Role.ADMIN,)
EVERYONE = (Role.OFFICER, Role.STAFF, Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string: translated when rendered
    roles: tuple[Role, ...]
    hint: object = ""  # one line on the start page saying what the page is for
    # The name of a check (register_check) that must also say yes: a page a role may open but
    # has no work on for now (Patrol for staff while every patrol activity is police work).
    needs: str = ""


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: object
    items: tuple[NavItem, ...]


NAV: tuple[NavGroup, ...] = (
    NavGroup(
        "field",
        lazy_pgettext("menu", "Record"),
        (
            NavItem(
                "field.new_observation",
                _l("New observation"),
                FIELD,
                _l("A place or a situation, with position and photo"),
            ),
            NavItem(
                "field.mine",
                _l("My records"),
                FIELD,
                _l("What you saved and what waits to be sent"),
            ),
            NavItem(
                "patrols.index",
                _l("Patrol"),
                FIELD,
                _l("Start or stop a foot patrol"),
                needs="records_patrols",
            ),
            NavItem(
                "activities.index",
                _l("Activities"),
                FIELD,
                _l("Business visits, ANDT interventions, meetings with school and social services"),
            ),
            NavItem(
                "walks.index",
                _l("Safety walks"),
                FIELD,
                _l("Plan, hold and follow up safety walks"),
            ),
            NavItem(
                "field.install_help", _l("Install the app"), FIELD, _l("Use Trygg Sunne offline")
            ),
        ),
    ),
    NavGroup(
        "follow_up",
        _l("Follow-up"),
        (
            NavItem(
                "review.map_page",
                _l("Map"),
                FIELD,
                _l("Everything you may see, on the map of Sunne"),
            ),
            NavItem(
                "measures.index", _l("Measures"), FIELD, _l("Decided actions, owners and deadlines")
            ),
            NavItem(
                "activities.follow_ups",
                _l("Open follow-ups"),
                FIELD,
                _l("What was agreed with school and social services"),
            ),
            NavItem(
                "promises.index",
                _l("Promises"),
                FIELD,
                _l("The citizen promises and their activities"),
            ),
        ),
    ),
    NavGroup(
        "coordination",
        _l("Coordination"),
        (
            NavItem(
                "review.queue", _l("Review"), COORDINATOR, _l("New records waiting for triage")
            ),
            NavItem(
                "reports.council",
                _l("Reports"),
                COORDINATOR,
                _l("The report to the local safety council"),
            ),
            NavItem(
                "reports.weekly",
                _l("Weekly situational picture"),
                COORDINATOR,
                _l("What happened this week"),
            ),
            NavItem(
                "moderation.queue",
                _l("Resident reports"),
                COORDINATOR,
                _l("Places residents reported, to moderate and publish"),
            ),
            NavItem(
                "surveys.index", _l("Surveys"), COORDINATOR, _l("Safety surveys for residents")
            ),
            NavItem(
                "admin.audit_log", _l("Audit log"), COORDINATOR, _l("Who read and changed what")
            ),
            NavItem(
                "accounts.index",
                _l("Accounts"),
                COORDINATOR,
                _l("Confirm new accounts and resets; many failed logins"),
            ),
            NavItem(
                "admin.exports",
                _l("Export a user's data"),
                COORDINATOR,
                _l("Everything linked to one account"),
            ),
            NavItem(
                "webhooks.index",
                _l("Webhooks"),
                COORDINATOR,
                _l("Tell other systems when something happens"),
            ),
        ),
    ),
    NavGroup(
        "admin",
        _l("Administration"),
        (
            NavItem(
                "admin.users",
                _l("Users"),
                ADMIN,
                _l("Create accounts, reset passwords, disable users"),
            ),
            NavItem("admin.audit_log", _l("Audit log"), ADMIN, _l("Who read and changed what")),
            NavItem(
                "open311_admin.index",
                _l("Open311 API keys"),
                ADMIN,
                _l("Keys for other systems that send residents' reports"),
            ),
            NavItem(
                "field.install_help", _l("Install the app"), ADMIN, _l("Use Trygg Sunne offline")
            ),
        ),
    ),
)

# The start page leads with each role's own work: the coordinator's review before field entry.
START_ORDER: dict[Role, tuple[str, ...]] = {
    Role.OFFICER: ("field", "follow_up"),
    Role.STAFF: ("field", "follow_up"),
    Role.COORDINATOR: ("coordination", "follow_up", "field"),
    Role.ADMIN: ("admin",),
}


# Checks the features register (they know their data; core imports no feature): name -> a
# function of the role. An item whose check is not registered is shown.
CHECKS: dict[str, Callable[[Role], bool]] = {}


def register_check(name: str, check: Callable[[Role], bool]) -> None:
    CHECKS[name] = check


def _shown(item: NavItem, role: Role) -> bool:
    check = CHECKS.get(item.needs) if item.needs else None
    return role in item.roles and (check is None or check(role))


def groups_for(role: Role | str) -> list[NavGroup]:
    """The groups a role sees, each with only that role's items; empty groups left out."""
    role = Role(role)
    shown = [NavGroup(g.key, g.label, tuple(i for i in g.items if _shown(i, role))) for g in NAV]
    return [g for g in shown if g.items]


def endpoints_for(role: Role | str) -> list[str]:
    return [item.endpoint for group in groups_for(role) for item in group.items]


def start_groups(role: Role | str) -> list[NavGroup]:
    by_key = {g.key: g for g in groups_for(role)}
    return [by_key[key] for key in START_ORDER[Role(role)] if key in by_key]


def is_current(item: NavItem) -> bool:
    return request.endpoint == item.endpoint


def nav_helpers() -> dict[str, object]:
    """Template globals: the signed-in user's menu (nothing for residents without an account)."""
    groups = groups_for(current_user.role) if current_user.is_authenticated else []
    return {"nav_groups": groups, "nav_is_current": is_current}
