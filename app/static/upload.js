// The upload forms, enhanced: drag and drop, and progress from the first second (the bytes sent, then
// the time the server has been reading and reconciling). Without it the file picker and form still work.
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
      if (hint) { hint.textContent = input.files[0].name; }
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var box = form.querySelector("[data-upload-progress]");
    if (!box || !window.XMLHttpRequest || !window.FormData) { return; }
    var bar = box.querySelector("progress");
    var words = box.querySelector("[data-upload-words]");
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || input.files.length === 0) { return; }  // the browser says why
      event.preventDefault();
      var name = input.files[0].name;
      var started = Date.now();
      var timer = null;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      box.hidden = false;
      words.textContent = "Sending " + name + "…";
      bar.value = 0;
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(e.loaded / e.total * 40);
          words.textContent = "Sending " + name + ": " + Math.round(e.loaded / e.total * 100) + "%";
        }
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  // indeterminate: the server is working
        var tick = function () {
          var seconds = Math.round((Date.now() - started) / 1000);
          words.textContent = "Reading " + name + " and finding the double counting… " + seconds + " s";
        };
        tick();
        timer = window.setInterval(tick, 1000);
      });
      request.addEventListener("load", function () {
        if (timer) { window.clearInterval(timer); }
        if (request.status < 400 && request.responseURL) {
          words.textContent = "Done: opening it…";
          window.location.assign(request.responseURL);
          return;
        }
        // the problems page, every problem at its cell, with the form to try again
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        if (timer) { window.clearInterval(timer); }
        form.submit();  // let the browser try it plainly
      });
      request.send(new FormData(form));
    });
  });
});
