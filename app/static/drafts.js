// The drafts page, enhanced: the add button counts the ticked drafts as they are ticked. Without it the
// button says the count the page was drawn with, and the form works the same.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("drafts-form");
  var button = form && form.querySelector("[data-ticked-count]");
  if (!button) { return; }
  var count = button.querySelector("[data-count]");
  var plural = button.querySelector("[data-plural]");
  function recount() {
    var ticked = form.querySelectorAll('input[name="take"]:checked').length;
    count.textContent = String(ticked);
    plural.textContent = ticked === 1 ? "" : "s";
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "take") { recount(); }
  });
  recount();
});
