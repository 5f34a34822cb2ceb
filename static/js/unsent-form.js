/*
 * What a server-rendered form held when its login had ended elsewhere (a logout in another tab,
 * an expired session): the server refuses such a post at its CSRF check and cannot keep what it
 * never accepted. So this tab keeps a copy of each form it sends (sessionStorage: this tab only,
 * never the password fields or the CSRF token) until the next page says how it went. The
 * refusal page (#unsent-form-lost) marks the copy as lost and points its login link back at
 * the form; any other page drops the copy. On that form again, logged in as the same person,
 * the form offers to fill itself in with what was typed.
 * Forms that send through the outbox (their script calls preventDefault) are not copied here.
 */
(function () {
  "use strict";

  const KEY = "trygg-unsent-form";
  const MAX_AGE_MS = 60 * 60 * 1000; // an hour: a copy older than that is not offered
  const body = document.body;
  const strings = (document.getElementById("unsent-form-strings") || {}).dataset || {};

  function read() {
    try {
      return JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(copy) {
    try {
      if (copy) window.sessionStorage.setItem(KEY, JSON.stringify(copy));
      else window.sessionStorage.removeItem(KEY);
    } catch (error) {
      // storage blocked: the form still posts; only the copy is missing
    }
  }

  function fieldsOf(form) {
    const fields = [];
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.name === "csrf_token") continue;
      if (["password", "file", "submit", "button", "reset"].includes(element.type)) continue;
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
      if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.selectedOptions) fields.push([element.name, option.value]);
        continue;
      }
      fields.push([element.name, element.value]);
    }
    return fields;
  }

  function actionOf(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id === "logout-form") {
      write(null); // nothing typed here may outlive this person's session in this tab
      return;
    }
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    if (form.querySelector("input[type=password]")) return;
    const kept = read();
    if (kept && kept.state === "lost") return; // the login page or another form: keep the lost copy
    write({
      state: "sent",
      action: actionOf(form),
      page: window.location.pathname + window.location.search,
      user: body.dataset.userId || "",
      at: Date.now(),
      fields: fieldsOf(form),
    });
  });

  const copy = read();
  if (!copy) return;
  if (copy.state === "sent") {
    if (document.getElementById("unsent-form-lost")) {
      copy.state = "lost";
      write(copy);
      pointLoginAtForm(copy);
    } else {
      write(null); // the form was taken (or answered with its own errors, values kept)
    }
    return;
  }
  if (Date.now() - copy.at > MAX_AGE_MS) {
    write(null);
    return;
  }
  if (document.getElementById("unsent-form-lost")) {
    pointLoginAtForm(copy);
    return;
  }
  if (!body.dataset.userId || body.dataset.userId !== copy.user) return;
  const form = [...document.querySelectorAll("form[method=post], form[method=POST]")].find(
    (candidate) => actionOf(candidate) === copy.action
  );
  if (form) offer(form, copy);

  // The refusal page's links lead back to the form: through the login when it has ended.
  function pointLoginAtForm(kept) {
    const login = document.getElementById("unsent-form-login");
    if (login) {
      const url = new URL(login.href, window.location.href);
      url.searchParams.set("next", kept.page);
      login.href = url.pathname + url.search;
    }
    const back = document.getElementById("unsent-form-back");
    if (back) back.href = kept.page;
  }

  function offer(target, kept) {
    const box = document.createElement("div");
    box.className = "warning unsent-form";
    box.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = strings.found || "";
    const fill = document.createElement("button");
    fill.type = "button";
    fill.className = "btn btn-primary";
    fill.textContent = strings.fill || "";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn";
    discard.textContent = strings.discard || "";
    const row = document.createElement("div");
    row.className = "button-row";
    row.append(fill, discard);
    box.append(text, row);
    target.prepend(box);
    fill.addEventListener("click", () => {
      restore(target, kept.fields);
      write(null);
      text.textContent = strings.filled || "";
      row.remove();
      const first = target.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
    discard.addEventListener("click", () => {
      write(null);
      box.remove();
    });
  }

  function restore(form, fields) {
    const byName = new Map();
    for (const [name, value] of fields) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(value);
    }
    for (const [name, values] of byName) {
      const named = form.elements.namedItem(name);
      if (!named) continue;
      const elements = named instanceof RadioNodeList ? [...named] : [named];
      for (const element of elements) {
        if (element.name === "csrf_token") continue;
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.includes(element.value);
        } else if (element.tagName === "SELECT" && element.multiple) {
          for (const option of element.options) option.selected = values.includes(option.value);
        } else {
          element.value = values[0];
        }
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }
})();
