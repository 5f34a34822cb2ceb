/*
 * The review queue's action bar says how many rows are ticked ("3 markerade"). The bar itself
 * sticks under the top bar by CSS alone while a row is ticked (review.css); the class set here is
 * for browsers without :has(). The form posts as it does without this script.
 *
 * "More actions" is a details element that opens without a script. On a phone it folds the
 * rarer actions away; at a desk this script keeps it open with its button hidden, so the bar
 * shows every action at once. Escape folds it again and gives the focus back to its button.
 */
(function () {
  "use strict";

  const bar = document.getElementById("bulk-actions");
  if (!bar) return;
  const form = bar.closest("form");
  const count = bar.querySelector(".bulk-count");
  const more = bar.querySelector(".bulk-more");
  // The same query as review.css's compact bar.
  const compact = window.matchMedia("(max-width: 40rem), (max-height: 32rem)");

  function update() {
    const ticked = form.querySelectorAll('input[name="ids"]:checked').length;
    const text = ticked === 1 ? count.dataset.one : count.dataset.many;
    // textContent only: the words come from the page's own data attributes. "0 markerade" too,
    // so the count holds its place and the bar never changes size under the pointer.
    count.textContent = text.replace("{n}", String(ticked));
    bar.classList.toggle("has-ticked", ticked > 0);
  }

  function layOut() {
    if (!more) return;
    const unfold = !compact.matches;
    // Only a change of layout opens or folds it: a phone's own choice stays.
    if (unfold !== more.classList.contains("unfolded")) more.open = unfold;
    more.classList.toggle("unfolded", unfold);
  }

  // On a phone the count stands in for the long legend (review.css).
  bar.classList.add("counting");

  form.addEventListener("change", (event) => {
    if (event.target.name === "ids") update();
  });
  if (more) {
    more.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !more.open || more.classList.contains("unfolded")) return;
      event.preventDefault();
      more.open = false;
      more.querySelector("summary").focus();
    });
    compact.addEventListener("change", layOut);
  }
  // Back from a record's page the browser may restore the ticks: count them again.
  window.addEventListener("pageshow", update);
  layOut();
  update();
})();
