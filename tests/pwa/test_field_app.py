"""The field app on a phone: three-tap entry, offline outbox, expired tokens and sessions,
refused entries, logout with waiting entries. Each test also fails if a request left 127.0.0.1
or the page threw a JavaScript error (see the `phone` fixture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, SUNNE_CENTRUM, BrowserNet, Phone, tile_host
from tests.browser.helpers import (
    end_all_sessions,
    jpeg_bytes,
    log_in,
    outbox_items,
    poll,
    save_observation,
    server_observations,
    server_photo_count,
    wait_for_offline_forms,
    wait_for_outbox_count,
    wait_for_position,
    wait_for_service_worker,
)
from tests.observations.conftest import observed_at, payload
from tests.pwa.test_mine_pages import store_observations
from webapp.core.privacy import contains_personal_identity_number

pytestmark = pytest.mark.browser

# A valid personnummer (Luhn digit correct), which the phone and the server refuse in a note.
PERSONNUMMER_NOTE = "Pojke 19811218-9876 vid kiosken"


def retire_categories(app, *codes: str) -> None:  # type: ignore[no-untyped-def]
    """The coordinator retires categories after the phone loaded its form: an entry in one of
    them is refused by the server only, the one refusal the phone cannot foresee."""
    from webapp.extensions import db
    from webapp.observations.models import Category

    with app.app_context():
        for code in codes:
            db.session.get(Category, code).active = False
        db.session.commit()


def open_entry_form_and_go_offline(phone: Phone, username: str = "officer") -> None:
    page = phone.page
    log_in(page, username)
    wait_for_service_worker(page)
    page.goto("/field/new")
    wait_for_position(page)
    # The worker stores every entry form of this user right after login; let it finish.
    assert "/field/mine" in wait_for_offline_forms(page)
    phone.go_offline()
    expect(page.locator("#net-status .net-indicator")).to_have_attribute("data-state", "offline")


def test_three_taps_from_the_start_screen_store_the_observation_on_the_server(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    expect(page).to_have_url(re.compile(r"/$"))

    page.locator("#start-new-observation").tap()  # tap 1
    wait_for_position(page)  # geolocation started by itself when the form opened
    expect(page.locator("#gps-status")).to_contain_text("10")
    # "Save" before a category says so at the categories, on screen (not below the fold).
    page.locator("#obs-save").tap()
    expect(page.locator("#category-error")).to_have_text("Välj först en kategori.")
    expect(page.locator("#category-error")).to_be_in_viewport()
    expect(page.locator("#category-legend")).to_be_in_viewport()
    assert outbox_items(page) == []
    page.locator("label.category-option", has_text="Belysning").tap()  # tap 2
    expect(page.locator("#category-error")).to_be_hidden()
    page.locator("#obs-save").tap()  # tap 3

    expect(page.locator("#save-status")).to_have_attribute("data-state", "sent")
    rows = server_observations(app)
    assert len(rows) == 1
    (row,) = rows.values()
    assert row["category"] == "belysning"
    assert row["manual_position"] is False
    assert row["accuracy_m"] == 10
    assert (round(row["lat"], 4), round(row["lon"], 4)) == (59.8366, 13.144)
    assert outbox_items(page) == []
    # Ready for the next entry at once.
    expect(page.locator("input[name=category]:checked")).to_have_count(0)
    expect(page.locator("#net-status .outbox-count")).to_be_hidden()


def test_offline_entries_survive_a_reload_and_arrive_exactly_once(phone, app, officer):
    page = phone.page
    open_entry_form_and_go_offline(phone)

    save_observation(page, "belysning")
    save_observation(page, "skadegorelse", note="Klotter på busskuren", photo=jpeg_bytes())
    save_observation(page, "trafik", note="Bilar kör fort förbi skolan")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "queued")
    queued = outbox_items(page)
    assert [item["state"] for item in queued] == ["waiting"] * 3
    assert server_observations(app) == {}

    # A page never opened falls back to the offline page; "My records" was cached in advance.
    page.goto("/help/install")
    expect(page.locator("#offline-page")).to_be_visible()
    # ...which lists the forms that do work offline, each stored at login though never opened.
    offline_forms = page.locator("#offline-forms")
    offline_forms.get_by_role("link", name="Insats mot ungdomar gällande ANDT").tap()
    expect(page.locator("#activity-form")).to_be_visible()
    page.goto("/field/mine")
    expect(page.locator("#outbox-list > li[data-state=waiting]")).to_have_count(3)
    expect(page.locator("#server-status")).to_have_attribute("data-state", "failed")
    expect(page.locator("#server-status")).to_have_text(
        "Dina registreringar på servern visas när det finns nät."
    )
    page.goto("/field/new")

    page.reload()  # still offline: the worker serves the page and the app shell from its caches
    expect(page.locator("#obs-form")).to_be_visible()
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("3")
    expect(page.locator("#net-status .outbox-count")).to_be_visible()
    wait_for_position(page)
    save_observation(page, "ovrigt", note="Sparad efter omladdning utan nät")
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("4")
    ids = {item["id"] for item in outbox_items(page)}
    assert len(ids) == 4 and {item["id"] for item in queued} < ids
    photo_item = next(item for item in queued if item["photos"])

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)

    rows = server_observations(app)
    assert set(rows) == ids  # every UUID exactly once (the id is the primary key)
    assert server_photo_count(app) == 1
    ((_photo_id, width, height),) = rows[photo_item["id"]]["photos"]
    assert max(width, height) <= 1600  # downscaled on the phone (2400×1800 in)
    assert rows[photo_item["id"]]["note"] == "Klotter på busskuren"
    expect(page.locator("#net-status .outbox-count")).to_be_hidden()


def test_flush_fetches_a_fresh_csrf_token_when_the_page_token_has_expired(phone, app, officer):
    page = phone.page
    open_entry_form_and_go_offline(phone)
    save_observation(page, "nedskrapning", note="Skräp vid återvinningen")
    (item,) = outbox_items(page)
    page_token = page.locator("#logout-form input[name=csrf_token]").input_value()

    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    page.wait_for_timeout(2500)  # every token handed out so far is now expired
    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    assert set(server_observations(app)) == {item["id"]}

    # The token the page came with really was stale: the server refuses it.
    refused = page.evaluate(
        """async token => {
             const r = await fetch('/api/v1/observations', {method: 'POST', body: '{}',
               headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
             return [r.status, (await r.json()).error.code];
           }""",
        page_token,
    )
    assert refused == [400, "csrf_failed"]


def test_an_ended_session_keeps_the_outbox_and_asks_to_log_in_again(phone, app, officer):
    page = phone.page
    open_entry_form_and_go_offline(phone)
    save_observation(page, "belysning")
    save_observation(page, "otrygg-plats", note="Mörk gångtunnel")
    ids = {item["id"] for item in outbox_items(page)}

    phone.context.clear_cookies(name="trygg_session")  # the server no longer knows this phone
    phone.go_online()

    banner = page.locator("#relogin-banner")
    expect(banner).to_be_visible()
    assert {item["id"] for item in outbox_items(page)} == ids
    assert all(item["state"] == "waiting" for item in outbox_items(page))
    assert server_observations(app) == {}

    banner.locator("a").tap()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#username", "officer")
    from tests.conftest import PASSWORD

    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/field/new$"))  # back where the user was
    wait_for_outbox_count(page, 0, timeout=30)
    assert set(server_observations(app)) == ids
    expect(page.locator("#relogin-banner")).to_be_hidden()


def test_a_refused_entry_can_be_fixed_or_discarded_in_my_records(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    page.goto("/field/new")
    wait_for_position(page)
    retire_categories(app, "ungdomssamling", "skymd-sikt")

    save_observation(page, "ungdomssamling", note="Ungdomar samlas vid kiosken")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "rejected")
    save_observation(page, "skymd-sikt", note="Buskage vid övergångsstället")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "rejected")
    to_fix, to_discard = (item["id"] for item in outbox_items(page))
    assert server_observations(app) == {}
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("2")

    page.locator("#net-status .outbox-count").tap()
    expect(page).to_have_url(re.compile(r"/field/mine$"))
    fixing = page.locator(f"#outbox-list > li[data-id='{to_fix}']")
    expect(fixing).to_have_attribute("data-state", "rejected")
    expect(fixing.locator(".record-note")).to_have_text("Ungdomar samlas vid kiosken")
    # The server's own message for the field (in the user's language) is shown with it.
    expect(fixing.locator(".record-fields li[data-field=category]")).to_have_text(
        "Kategori: Okänd kategori."
    )

    fixing.locator("[data-action=edit]").tap()
    fixing.locator("select[name=category]").select_option("ovrigt")
    fixing.locator("textarea[name=note]").fill("Ungdomar samlas vid kiosken, musik")
    fixing.locator("button[type=submit]").tap()
    poll(page, "id => TryggOutbox.get(id).then(item => !item)", to_fix)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#outbox-list > li[data-id='{to_discard}'] [data-action=discard]").tap()
    wait_for_outbox_count(page, 0)
    expect(page.locator("#outbox-list > li")).to_have_count(0)

    rows = server_observations(app)
    assert set(rows) == {to_fix}
    assert rows[to_fix]["note"] == "Ungdomar samlas vid kiosken, musik"
    assert rows[to_fix]["category"] == "ovrigt"
    expect(page.locator(f"#server-list li[data-id='{to_fix}'] .record-note")).to_have_text(
        "Ungdomar samlas vid kiosken, musik"
    )


def test_logging_out_with_waiting_entries_warns_and_deletes_only_when_told(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    page.goto("/field/new")
    wait_for_position(page)
    retire_categories(app, "trafik")
    save_observation(page, "trafik", note="Bilar kör fort")  # refused: stays on the phone
    expect(page.locator("#save-status")).to_have_attribute("data-state", "rejected")

    answers: list[bool] = []
    asked: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    page.on("dialog", answer)
    logout = page.locator("#logout-form button[type=submit]")

    answers[:] = [False]  # "Log out anyway?" - no
    logout.click()
    page.wait_for_timeout(500)  # the warning comes after a last send attempt
    assert len(asked) == 1 and "1" in asked[0]
    expect(page).to_have_url(re.compile(r"/field/new$"))

    answers[:] = [True, False]  # log out, but keep the entries
    logout.click()
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, "officer")
    wait_for_outbox_count(page, 1)

    answers[:] = [True, True]  # log out and delete them
    page.locator("#logout-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, "officer")
    wait_for_outbox_count(page, 0)
    assert len(asked) == 5


def test_a_poor_fix_is_flagged_and_a_pin_placed_by_hand_is_saved_as_manual(phone, app, officer):
    page = phone.page
    phone.context.set_geolocation({"latitude": 59.8366, "longitude": 13.1440, "accuracy": 500})
    log_in(page, "officer")
    page.goto("/field/new")

    expect(page.locator("#gps-status")).to_have_attribute("data-state", "inaccurate")
    expect(page.locator("#gps-warning")).to_be_visible()
    expect(page.locator("#gps-warning")).to_contain_text("500")

    # Clear of the 44 px zoom buttons at the top left (a tap next to them lands on them).
    page.locator("#obs-map").tap(position={"x": 110, "y": 130})
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "manual")
    expect(page.locator("#gps-warning")).to_be_hidden()
    save_observation(page, "skymd-sikt")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "sent")

    (row,) = server_observations(app).values()
    assert row["manual_position"] is True
    assert row["accuracy_m"] is None
    assert (row["lat"], row["lon"]) != (59.8366, 13.144)


def test_saving_without_a_position_is_refused_with_a_message(phone, app, officer):
    page = phone.page
    phone.context.clear_permissions()  # the user said no to sharing the position
    log_in(page, "officer")
    page.goto("/field/new")
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "error")

    page.locator("label.category-option", has_text="Trafik").tap()
    page.locator("#obs-save").tap()
    expect(page.locator("#form-error")).to_be_visible()
    assert outbox_items(page) == []
    assert server_observations(app) == {}


def test_a_server_error_is_retried_with_back_off_and_send_now_retries_at_once(phone, app, officer):
    page = phone.page
    # Without Background Sync, whose wake-up would retry at once, only the button is left.
    phone.context.clear_permissions()
    phone.context.grant_permissions(["geolocation"])
    log_in(page, "officer")
    page.goto("/field/new")
    wait_for_position(page)
    failures = {"left": 1}

    def fail_once(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "POST" and failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, json={"error": {"code": "server_error", "message": "down"}})
        else:
            route.fallback()

    # On the context: requests from a page the service worker controls bypass page routes.
    phone.context.route("**/api/v1/observations", fail_once)
    save_observation(page, "belysning")
    (item,) = poll(
        page,
        """() => TryggOutbox.list().then(items =>
        items.length && items[0].error_code === 'server' ? items : null)""",
    )
    assert item["state"] == "waiting" and item["attempts"] == 1
    assert item["next_try_at"] > page.evaluate("Date.now()")  # backing off, not hammering
    assert server_observations(app) == {}

    page.goto("/field/mine")
    waiting = page.locator(f"#outbox-list > li[data-id='{item['id']}']")
    expect(waiting).to_have_attribute("data-state", "waiting")
    expect(waiting.locator(".record-reason")).to_be_visible()
    page.locator("main [data-outbox-flush]").tap()
    wait_for_outbox_count(page, 0)
    assert set(server_observations(app)) == {item["id"]}
    expect(page.locator("#outbox-announcer")).not_to_be_empty()


def test_entries_are_never_sent_under_another_users_session(
    phone, browser, live_server, app, officer, staff
):
    page = phone.page
    open_entry_form_and_go_offline(phone)
    save_observation(page, "otrygg-plats", note="Gjord av polisen")

    # Someone else logs in on this phone (here: their session cookie replaces the officer's).
    other_net = BrowserNet(tile_host=phone.net.tile_host)
    other = browser.new_context(base_url=live_server, service_workers="block")
    other.route("**/*", other_net.handle)
    log_in(other.new_page(), "staff")
    cookie = next(c for c in other.cookies() if c["name"] == "trygg_session")
    other.close()
    assert other_net.leaks == []
    phone.context.add_cookies([cookie])

    phone.go_online()  # the officer's page flushes, but the session is the staff member's
    expect(page.locator("#relogin-banner")).to_be_visible()
    assert len(outbox_items(page)) == 1
    assert server_observations(app) == {}


def test_waiting_entries_survive_closing_the_browser(
    playwright, chromium_path, live_server, app, officer, tmp_path
):
    profile = str(tmp_path / "profile")
    net = BrowserNet(tile_host=tile_host(app))
    options = {
        **PHONE,
        "executable_path": chromium_path,
        "args": CHROMIUM_ARGS,
        "base_url": live_server,
        "geolocation": SUNNE_CENTRUM,
        "permissions": ["geolocation"],
    }

    context = playwright.chromium.launch_persistent_context(profile, **options)
    context.route("**/*", net.handle)
    page = context.pages[0]
    log_in(page, "officer")
    page.goto("/field/new")
    wait_for_position(page)
    net.offline = True
    context.set_offline(True)
    save_observation(page, "trafik", note="Sparad innan telefonen stängdes av")
    (item,) = outbox_items(page)
    context.close()  # the browser is gone; only the profile on disk remains

    context = playwright.chromium.launch_persistent_context(profile, **options)
    try:
        net.offline = False
        context.route("**/*", net.handle)
        page = context.pages[0]
        page.goto("/field/mine")
        expect(page).to_have_url(re.compile(r"/login"))  # the session cookie died with the browser
        assert server_observations(app) == {}
        log_in(page, "officer")  # the same account: its outbox is still on the phone and flushes
        wait_for_outbox_count(page, 0, timeout=30)
    finally:
        context.close()
    assert set(server_observations(app)) == {item["id"]}
    assert net.leaks == []


def test_save_with_a_poor_fix_asks_for_a_pin_and_one_tap_on_the_map_saves_it(phone, app, officer):
    """Three taps used to save a point 120 m off; now "Save" asks, and the pin is one more tap."""
    page = phone.page
    phone.context.set_geolocation({"latitude": 59.8366, "longitude": 13.1440, "accuracy": 120})
    log_in(page, "officer")
    page.goto("/field/new")
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "inaccurate")
    page.locator("label.category-option", has_text="Belysning").tap()
    page.locator("#obs-save").tap()
    prompt = page.locator("#position-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_have_attribute("role", "alert")
    expect(prompt).to_contain_text("120")
    page.wait_for_timeout(300)
    assert outbox_items(page) == [] and server_observations(app) == {}

    page.locator("#obs-map").tap(position={"x": 110, "y": 130})  # the one more tap
    expect(page.locator("#save-status")).to_have_attribute("data-state", "sent")
    expect(prompt).to_be_hidden()
    (row,) = server_observations(app).values()
    assert row["manual_position"] is True and row["accuracy_m"] is None


def test_an_entry_the_server_refuses_is_an_error_with_its_reason_not_a_success(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    wait_for_service_worker(page)
    page.goto("/field/new")
    wait_for_position(page)
    # The start page is stored for offline use.
    poll(page, "() => caches.match('/', {ignoreVary: true}).then(Boolean)")
    phone.go_offline()
    save_observation(page, "ungdomssamling", note="Ungdomar samlas vid kiosken")
    page.locator("a.brand").click()  # to the start page, still offline
    retire_categories(app, "ungdomssamling")  # meanwhile, on the coordinator's desk

    phone.go_online()  # the start page flushes; the server refuses the category
    alert = page.locator("#outbox-alert")
    expect(alert).to_be_visible(timeout=20_000)
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_have_class(re.compile(r"\berror-box\b"))
    expect(alert).to_contain_text("togs inte emot")
    expect(alert.locator("[data-alert-reasons] li")).to_contain_text("Okänd kategori")
    expect(page.locator("#outbox-announcer")).not_to_contain_text("togs inte emot")

    # On the entry form itself (loaded before the category was retired), the refusal of the
    # entry just saved is said in its error box with the reason, and in the save bar, which is
    # on screen whatever the form's length.
    page.goto("/field/new")
    wait_for_position(page)
    retire_categories(app, "trafik")
    save_observation(page, "trafik", note="Bilar kör fort")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "rejected")
    form_error = page.locator("#form-error")
    expect(form_error).to_be_visible()
    expect(form_error).to_contain_text("Okänd kategori")
    expect(page.locator("#save-status")).to_be_in_viewport()
    expect(page.locator("#save-status")).to_have_text(
        "Inte mottagen av servern: rätta den i Mina registreringar."
    )


def test_my_records_pages_the_server_list_and_offers_send_now_only_when_an_entry_waits(
    phone, app, officer, as_user
):
    newest_first = store_observations(as_user(officer), 35)
    page = phone.page
    log_in(page, "officer")
    page.goto("/field/mine")
    records = page.locator("#server-list > li")
    expect(records).to_have_count(25)
    expect(records.first).to_have_attribute("data-id", newest_first[0])
    expect(records.first.locator("a.record-open")).to_have_attribute(
        "href", f"/review/observations/{newest_first[0]}?from=mine"
    )
    send_now = page.locator("main [data-outbox-flush]")
    expect(page.locator("#outbox-empty")).to_be_visible()
    expect(send_now).to_be_hidden()

    page.get_by_role("button", name="Visa fler").tap()
    expect(records).to_have_count(35)
    assert records.evaluate_all("items => items.map(i => i.dataset.id)") == newest_first
    expect(page.locator("#server-more")).to_be_hidden()
    expect(records.nth(25).locator("a.record-open")).to_be_focused()

    phone.go_offline()
    page.evaluate(
        "entry => TryggOutbox.add({id: entry.id, payload: entry})",
        payload(note="Väntar på nät", observed_at=observed_at(0.1)),
    )
    expect(page.locator("#outbox-list > li[data-state=waiting]")).to_have_count(1)
    expect(send_now).to_be_visible()
    phone.go_online()  # the "online" event sends it; the list keeps the 35 it showed, plus it
    wait_for_outbox_count(page, 0)
    expect(send_now).to_be_hidden()
    expect(records).to_have_count(35)
    expect(records.first.locator(".record-note")).to_have_text("Väntar på nät")


IDENTITY_SAMPLES = [
    "Pojke 640823-3234 vid kiosken",  # valid check digit
    "Ungdom 19850101-1234 på plats",  # written as one, wrong check digit: still refused
    "Pojke 811218+9875",  # over 100 years old, wrong check digit
    "Pnr 6408233234",  # bare digits, valid check digit
    "Lampa nr 8112189875 är trasig",  # bare digits, wrong check digit: a number, not a person
    "Ring 070-123 45 67 om lampan",
    "Händelse 2024-05-01 kl 21:30",
    "Stolpe 991332-1234",  # no such month
    "Pojke 100512\u20131234 vid kiosken",  # the keyboard made the hyphen an en dash
    "Pojke 100512\u22121234",  # ...or a minus sign
    "Född 10-05-12-1234",  # the date split by hyphens too
    "Händelse 2024-05-01 kl 21:30 vid 12 lampor",
]


def test_the_phone_refuses_the_same_identity_numbers_as_the_server(phone):  # type: ignore[no-untyped-def]
    """The forms check offline with app.js's copy of webapp/core/privacy.py: the two agree, so
    nothing the phone keeps is refused by the server hours later, and the reverse."""
    phone.page.goto("/report")  # any page: app.js is on every one
    on_phone = phone.page.evaluate(
        "samples => samples.map(s => TryggPrivacy.containsPersonalIdentityNumber(s))",
        IDENTITY_SAMPLES,
    )
    on_server = [contains_personal_identity_number(s) for s in IDENTITY_SAMPLES]
    assert (
        on_phone
        == on_server
        == [True, True, True, True, False, False, False, False]
        + [
            True,
            True,
            True,
            False,
        ]
    )


def test_a_personnummer_in_the_note_is_refused_on_the_phone_with_everything_kept(
    phone, app, officer
):
    """Offline too, at the note, before the entry is kept: queued, it came back refused from the
    server later, with the form already emptied for the next entry."""
    page = phone.page
    open_entry_form_and_go_offline(phone)
    page.locator("input[name=category][value=ungdomssamling]").locator("..").tap()
    page.locator("#obs-more > summary").tap()
    page.fill("#obs-note", "Pojke 100512\u20131234 vid kiosken")  # the keyboard's en dash
    page.locator("#obs-save").tap()

    note = page.locator("#obs-note")
    error = page.locator("#obs-note-error")
    expect(error).to_contain_text("personnummer")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_be_in_viewport()
    expect(note).to_have_value("Pojke 100512\u20131234 vid kiosken")
    expect(page.locator("input[name=category][value=ungdomssamling]")).to_be_checked()
    assert outbox_items(page) == []

    note.fill("Ungdomar vid kiosken")
    expect(error).to_be_hidden()
    page.locator("#obs-save").tap()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "queued")
    (kept,) = outbox_items(page)
    assert kept["note"] == "Ungdomar vid kiosken"


def test_an_observation_saved_offline_says_sent_once_the_signal_is_back(phone, app, officer):
    page = phone.page
    open_entry_form_and_go_offline(phone)
    save_observation(page, "belysning", note="Lampan vid kiosken är trasig")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "queued")
    phone.go_online()
    expect(status).to_have_attribute("data-state", "sent", timeout=20_000)
    expect(status).to_have_text(re.compile(r"^Skickat \d\d:\d\d\.$"))  # the time: each save's own
    assert len(server_observations(app)) == 1


SAVED_FOR_SIGNAL = "Sparad i telefonen – skickas när det finns nät."
SAVED_FOR_LOGIN = "Sparad i telefonen – skickas när du har loggat in igen."


def test_an_entry_saved_after_the_login_ended_elsewhere_says_it_waits_for_a_login(
    phone, app, officer
):
    page = phone.page
    log_in(page, "officer")
    wait_for_service_worker(page)
    page.goto("/field/new")
    wait_for_position(page)
    assert "/field/mine" in wait_for_offline_forms(page)

    end_all_sessions(app, "officer")  # online all along: the signal is not the problem

    page.locator("#obs-map").tap(
        position={"x": 110, "y": 130}
    )  # the pin, clear of the zoom buttons
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "manual")
    save_observation(page, "belysning", note="Lampan vid kiosken är trasig")
    status = page.locator("#save-status")
    expect(page.locator("#relogin-banner")).to_be_visible()
    expect(status).to_have_text(SAVED_FOR_LOGIN)
    expect(status).to_have_attribute("data-state", "queued")
    (waiting,) = outbox_items(page)
    assert waiting["state"] == "waiting"
    assert server_observations(app) == {}

    page.locator("#relogin-banner a").tap()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    log_in_here(page)
    expect(page).to_have_url(re.compile(r"/field/new$"))  # back where the officer was
    wait_for_outbox_count(page, 0, timeout=30)
    assert set(server_observations(app)) == {waiting["id"]}
    expect(page.locator("#relogin-banner")).to_be_hidden()


def test_an_entry_saved_offline_says_it_waits_for_a_login_once_the_signal_finds_none(
    phone, app, officer
):  # type: ignore[no-untyped-def]
    page = phone.page
    open_entry_form_and_go_offline(phone)
    save_observation(page, "belysning")
    status = page.locator("#save-status")
    expect(status).to_have_text(SAVED_FOR_SIGNAL)  # offline, the signal is what it waits for

    end_all_sessions(app, "officer")
    phone.go_online()
    expect(page.locator("#relogin-banner")).to_be_visible()
    expect(status).to_have_text(SAVED_FOR_LOGIN)
    expect(status).to_have_attribute("data-state", "queued")

    # Logged in again on this phone without leaving the page (the login shares the phone's
    # cookies): "Send now" sends it, and the save bar says so as for any later send.
    log_in_in_the_background(phone)
    page.locator("[data-send-now]").tap()
    expect(status).to_have_attribute("data-state", "sent", timeout=20_000)
    expect(status).to_have_text(re.compile(r"^Skickat \d\d:\d\d\.$"))
    wait_for_outbox_count(page, 0)
    assert len(server_observations(app)) == 1
    expect(page.locator("#relogin-banner")).to_be_hidden()


def log_in_here(page) -> None:  # type: ignore[no-untyped-def]
    """Fill in the login page the relogin banner led to (it goes back to `next`)."""
    from tests.conftest import PASSWORD

    page.fill("#username", "officer")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")


def log_in_in_the_background(phone: Phone) -> None:
    """Log in as the officer through the browser context's own requests (same cookie jar)."""
    from tests.conftest import PASSWORD

    form = phone.context.request.get("/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "no CSRF token on the login page"
    answer = phone.context.request.post(
        "/login",
        form={"csrf_token": token.group(1), "username": "officer", "password": PASSWORD},
    )
    assert answer.ok and "/login" not in answer.url, answer.url
