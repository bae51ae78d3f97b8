// Drag-and-drop for the upload forms: a progressive enhancement; the file picker works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dropzone]").forEach(function (form) {
    var zone = form.querySelector("[data-dropzone-target]");
    var input = form.querySelector("input[type=file]");
    var hint = form.querySelector("[data-dropzone-hint]");
    if (!zone || !input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || event.dataTransfer.files.length === 0) { return; }
      input.files = event.dataTransfer.files;
      if (hint) { hint.textContent = "Uploading " + input.files[0].name + "…"; }
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
});
