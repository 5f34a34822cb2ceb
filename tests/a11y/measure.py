"""In-page measurements: sideways scrolling, touch targets, the save button's reach.

Each is one `page.evaluate` so a page is measured in a single round trip.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

MIN_TARGET = 44  # px: WCAG 2.5.5 and the iOS/Android guidelines

SIDEWAYS = """() => {
  const doc = document.scrollingElement;
  // What sticks out, to say where the problem is (boxes that scroll by themselves aside).
  const own = ".table-wrap, .leaflet-container";
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width && r.right > window.innerWidth + 1 && !e.closest(own);
    })
    .slice(0, 5)
    .map((e) => {
      const right = Math.round(e.getBoundingClientRect().right);
      return `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}#${e.id} right=${right}`;
    });
  return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide };
}"""

# Interactive elements smaller than MIN_TARGET, with WCAG 2.5.5's exceptions:
# - inline: a link in a sentence or a table cell of text (its size is set by the line of text);
# - equivalent: Leaflet's markers (the map itself is the target; tap it to move the pin) and the
#   map attribution links (inline text);
# - a radio/checkbox counts with its label, which is the target a finger hits;
# - nothing that no person can reach (aria-hidden spam-trap fields out of the tab order).
SMALL_TARGETS = """(minimum) => {
  const selector = [
    "a[href]", "button", "input:not([type=hidden])", "select", "textarea", "summary",
    "[role=button]", "[tabindex]:not([tabindex='-1'])",
  ].join(", ");
  const visible = (e) => {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return s.visibility !== "hidden" && s.display !== "none" && r.width > 0 && r.height > 0;
  };
  const inlineInText = (e) => {
    if (getComputedStyle(e).display !== "inline") return false;
    const block = e.parentElement.closest(
      "p, li, td, th, dd, dt, figcaption, label, legend, span.hint, div"
    );
    if (!block) return false;
    const own = (e.textContent || "").trim().length;
    return (block.textContent || "").trim().length > own;
  };
  const targetBox = (e) => {
    if (e.matches("input[type=radio], input[type=checkbox]")) {
      const label = e.closest("label") || (e.id && document.querySelector(`label[for="${e.id}"]`));
      if (label) {
        const a = e.getBoundingClientRect(), b = label.getBoundingClientRect();
        // The input and its label side by side make one target.
        const left = Math.min(a.left, b.left), right = Math.max(a.right, b.right);
        const top = Math.min(a.top, b.top), bottom = Math.max(a.bottom, b.bottom);
        return { width: right - left, height: bottom - top };
      }
    }
    return e.getBoundingClientRect();
  };
  const small = [];
  for (const e of document.querySelectorAll(selector)) {
    if (!visible(e)) continue;
    if (e.closest("[hidden], .leaflet-marker-pane, .leaflet-control-attribution")) continue;
    // Spam traps: hidden from screen readers and out of the tab order, so no one's target.
    if (e.tabIndex < 0 && e.closest("[aria-hidden=true]")) continue;
    if (e.matches(".leaflet-container") && e.getBoundingClientRect().height >= minimum) continue;
    if (e.tagName === "A" && inlineInText(e)) continue;
    const box = targetBox(e);
    if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
      const name = (e.getAttribute("aria-label") || e.textContent || e.value || e.name || "")
        .trim()
        .slice(0, 40);
      const id = e.id ? "#" + e.id : "";
      const classes = [...e.classList].map((c) => "." + c).join("");
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${e.tagName.toLowerCase()}${id}${classes} "${name}" ${size}`);
    }
  }
  return small;
}"""

REACHABLE = """(selector) => {
  const e = document.querySelector(selector);
  if (!e) return { found: false };
  const r = e.getBoundingClientRect();
  // Nothing may cover any part of it: test points across the whole button.
  const points = [0.1, 0.3, 0.5, 0.7, 0.9].flatMap((fx) =>
    [0.25, 0.75].map((fy) => [r.left + r.width * fx, r.top + r.height * fy])
  );
  const covered = points.filter(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return !hit || !(hit === e || e.contains(hit));
  });
  return {
    found: true, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
    height: r.height, innerHeight: window.innerHeight, innerWidth: window.innerWidth,
    onTop: covered.length === 0,
  };
}"""


def sideways(page: Page) -> dict[str, Any]:
    return page.evaluate(SIDEWAYS)


def small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, MIN_TARGET)


def reach(page: Page, selector: str) -> dict[str, Any]:
    return page.evaluate(REACHABLE, selector)


def enlarge_text(page: Page, percent: int = 200) -> None:
    """Text zoom as a phone's font-size setting does it: rem/em grow, the viewport does not.

    Set on the style attribute (CSP allows style attributes, not inline <style>).
    """
    page.evaluate("(p) => { document.documentElement.style.fontSize = p + '%'; }", percent)


# Words cut in two inside short texts that name things: headings, buttons, menu links, table
# headers, labels. A word may only wrap where it allows it: a soft hyphen (&shy;), a zero-width
# space, a hyphen, a slash or a dash. Chromium on Linux has no hyphenation dictionaries, so
# `hyphens: auto` does not help there, and body's `overflow-wrap: anywhere` would cut
# "Trygghetsvandring|ar" anywhere.
BROKEN_WORDS = """() => {
  const selector = [
    "h1", "h2", "h3", "h4", "button", ".btn", "th", "summary", "legend", "label", "dt",
    ".mainnav a", ".tag",
  ].join(", ");
  const pieces = /[^\\s\\u00ad\\u200b\\-\\/\\u2013\\u2014]+/g;
  // The line a character is on. Its last box: a character after a soft hyphen also owns the
  // hyphen's box at the end of the line before.
  const lineOf = (node, index) => {
    const range = document.createRange();
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    const boxes = [...range.getClientRects()];
    return boxes.length ? Math.round(boxes[boxes.length - 1].top) : null;
  };
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest("[hidden], [aria-hidden=true], .visually-hidden, .leaflet-container")) {
      continue;
    }
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(pieces)) {
        const end = match.index + match[0].length - 1;
        if (lineOf(node, match.index) !== lineOf(node, end)) {
          const classes = [...element.classList].map((c) => "." + c).join("");
          broken.push(`${element.tagName.toLowerCase()}${classes}: "${match[0]}"`);
        }
      }
    }
  }
  return [...new Set(broken)];
}"""


def broken_words(page: Page) -> list[str]:
    return page.evaluate(BROKEN_WORDS)
