/*
 * The review queue's action bar says how many rows are ticked ("3 markerade"). The bar itself
 * sticks under the top bar by CSS alone while a row is ticked (review.css); the class set here is
 * for browsers without :has(). The form posts as it does without this script.
 */
(function () {
  "use strict";

  const bar = document.getElementById("bulk-actions");
  if (!bar) return;
  const form = bar.closest("form");
  const count = bar.querySelector(".bulk-count");

  function update() {
    const ticked = form.querySelectorAll('input[name="ids"]:checked').length;
    const text = ticked === 1 ? count.dataset.one : count.dataset.many;
    // textContent only: the words come from the page's own data attributes. "0 markerade" too,
    // so the count holds its place and the bar never changes size under the pointer.
    count.textContent = text.replace("{n}", String(ticked));
    bar.classList.toggle("has-ticked", ticked > 0);
  }

  // On a phone the count stands in for the long legend (review.css).
  bar.classList.add("counting");

  form.addEventListener("change", (event) => {
    if (event.target.name === "ids") update();
  });
  // Back from a record's page the browser may restore the ticks: count them again.
  window.addEventListener("pageshow", update);
  update();
})();
