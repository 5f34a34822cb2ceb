/* The walk's poster: a print button (the page's print styles leave only the poster). */
(function () {
  "use strict";

  const button = document.getElementById("print-poster");
  if (button) {
    button.hidden = false; // without this script there is no button to press: Ctrl+P still works
    button.addEventListener("click", () => window.print());
  }
})();
