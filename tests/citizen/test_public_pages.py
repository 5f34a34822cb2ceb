"""The public pages: what they carry for the phone, the honeypot, and CSP-clean markup."""

from __future__ import annotations

import json
import re

import pytest

from tests.citizen.helpers import make_survey

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _page_data(body: str) -> dict:  # type: ignore[type-arg]
    raw = body.split('id="citizen-page-data"')[1].split(">", 1)[1].split("</script>")[0]
    return json.loads(raw)


def test_the_report_page_works_without_an_account_and_names_the_residents_outbox(client):
    response = client.get("/report")

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-outbox-scope="citizen"' in body
    assert 'data-outbox-csrf-url="/api/v1/public/session"' in body
    data = _page_data(body)
    assert data["urls"]["create"] == "/api/v1/public/reports"
    assert data["form_token"] and {c["code"] for c in data["categories"]} >= {"belysning"}


def test_the_honeypot_is_hidden_from_people_screen_readers_and_the_tab_order(client):
    body = client.get("/report").get_data(as_text=True)

    trap = body.split('class="citizen-trap"')[1].split("</div>")[0]
    assert 'aria-hidden="true"' in trap
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", trap).group(0)
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


@pytest.mark.parametrize("path", ["/report", "/feedback", "survey"])
def test_public_pages_load_scripts_only_from_our_origin_with_the_nonce(
    app, client, coordinator, path
):
    if path == "survey":
        _sid, code, _q = make_survey(app, coordinator.id)
        path = f"/survey/{code}"

    response = client.get(path)

    body = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-eval" not in csp
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert f'nonce="{nonce}"' in tag, tag
        src = re.search(r'src="([^"]+)"', tag)
        assert src is None or src.group(1).startswith("/"), tag
    assert not INLINE_HANDLER.search(body)
    # Every asset and link is ours (map tiles come from the configured server, via JSON data).
    for url in re.findall(r'(?:src|href)="([^"]+)"', body):
        assert url.startswith(("/", "#")), url


def test_the_footer_links_to_the_public_report_page(client):
    body = client.get("/login").get_data(as_text=True)

    assert 'href="/report"' in body
