"""Small steps shared by the browser tests.

Waiting is done by polling `page.evaluate`: `page.wait_for_function` compiles its predicate with
`new Function`, which our CSP (no 'unsafe-eval') refuses.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any

from flask import Flask
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from webapp.extensions import db
from webapp.observations.models import Observation, Photo


def poll(page: Page, expression: str, arg: Any = None, *, timeout: float = 15.0) -> Any:
    """Evaluate `expression` until it returns something truthy; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {expression}")
        page.wait_for_timeout(100)  # not time.sleep: route handlers must keep running


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    try:
        expect(page.locator("body")).to_have_attribute("data-user-id", re.compile(r"^\d+$"))
    except AssertionError as error:
        raise AssertionError(
            f"logging in as {username} failed at {page.url}: {page.inner_text('main')}"
        ) from error
    page.wait_for_load_state("load")  # app.js and outbox.js have run


def wait_for_service_worker(page: Page) -> None:
    """Until the worker is active (its shell cached) and controls this page.

    A document whose navigation started while the worker was still installing (here: the
    redirect after logging in) can miss `clients.claim()`; like a real user, reload it once.
    """
    poll(page, "() => navigator.serviceWorker.ready.then(r => !!r.active)")
    try:
        poll(page, "() => !!navigator.serviceWorker.controller", timeout=2)
    except AssertionError:
        page.reload()
        poll(page, "() => !!navigator.serviceWorker.controller")


def wait_for_offline_forms(page: Page, *, timeout: float = 20.0) -> list[str]:
    """Until the worker has stored every entry form of the logged-in user (it does so by
    itself right after login); returns their paths."""
    return poll(
        page,
        """async () => {
        for (const name of (await caches.keys()).filter(n => n.startsWith('trygg-forms-'))) {
          const meta = await (await caches.open(name)).match('/__trygg/forms-meta');
          if (!meta) continue;
          const state = await meta.json();
          if (state.expected && state.pages.length === state.expected) return state.pages;
        }
        return null;
    }""",
        timeout=timeout,
    )


def wait_for_position(page: Page) -> None:
    expect(page.locator("#gps-status")).to_have_attribute(
        "data-state", re.compile("fix|inaccurate")
    )


def wait_for_outbox(page: Page) -> None:
    """Until outbox.js has run: scripts sit at the end of <body>, after what a locator sees.

    Also fails on pages without an outbox (e.g. the login page), where a count of 0 means nothing.
    """
    poll(page, "() => typeof window.TryggOutbox === 'object' && TryggOutbox.enabled")


def outbox_items(page: Page) -> list[dict[str, Any]]:
    wait_for_outbox(page)
    return page.evaluate(
        """() => TryggOutbox.list().then(items => items.map(i => ({
              id: i.id, state: i.state, error_code: i.error_code, fields: i.fields,
              photos: i.photos.length, obs_sent: i.obs_sent, note: i.payload.note,
              attempts: i.attempts, next_try_at: i.next_try_at, label: i.label,
              field_labels: i.field_labels})))"""
    )


def wait_for_outbox_count(page: Page, count: int, timeout: float = 20.0) -> None:
    wait_for_outbox(page)
    poll(
        page,
        "n => window.TryggOutbox && TryggOutbox.count().then(c => c === n)",
        count,
        timeout=timeout,
    )


def end_all_sessions(app: Flask, username: str) -> None:
    """The server ends every login of the account, as "Log out on all devices" or disabling
    the account does: the phone's cookie is still there, but it opens nothing."""
    from webapp.auth.models import User

    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        assert user.end_sessions("logout_all") == 1
        db.session.commit()


def jpeg_bytes(width: int = 2400, height: int = 1800) -> bytes:
    """A camera-sized photo, so the phone's downscaling has work to do."""
    image = Image.new("RGB", (width, height), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 200):
        draw.rectangle([x, 0, x + 100, height], fill=(220, 180, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def server_observations(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        rows = db.session.execute(db.select(Observation)).unique().scalars().all()
        return {
            row.id: {
                "category": row.category_code,
                "note": row.note,
                "manual_position": row.manual_position,
                "lat": row.lat,
                "lon": row.lon,
                "accuracy_m": row.accuracy_m,
                "photos": [(p.id, p.width, p.height) for p in row.photos],
            }
            for row in rows
        }


def server_photo_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Photo)) or 0


def save_observation(
    page: Page, category: str, *, note: str = "", photo: bytes | None = None
) -> None:
    """Fill and save the entry form; waits until the phone has stored it."""
    status = page.locator("#save-status")
    page.evaluate("() => { document.getElementById('save-status').dataset.state = ''; }")
    page.locator(f"input[name=category][value='{category}']").locator("..").tap()
    if note or photo:
        if not page.locator("#obs-more").evaluate("d => d.open"):
            page.locator("#obs-more > summary").tap()
        if note:
            page.fill("#obs-note", note)
        if photo:
            page.set_input_files(
                "#obs-photo",
                files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo}],
            )
    page.locator("#obs-save").tap()
    expect(status).to_have_attribute("data-state", re.compile("queued|sent|rejected"))
