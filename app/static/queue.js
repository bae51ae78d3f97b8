// The work queue, enhanced: decisions recorded without a page reload, and keys to move and decide.
// A progressive enhancement: without it, every form posts and the server redirects back.
// Keys (not while typing in a field): j / k next / previous finding, a accept, r reject, u undo,
// x select for the bulk buttons, n the note. Enter in a note saves the note and never decides.
"use strict";
(function () {
  var status = null;
  var current = null;

  function say(words) {
    if (!status) { status = document.getElementById("decision-status"); }
    if (status) { status.textContent = ""; status.textContent = words; }
  }

  function cards() { return Array.prototype.slice.call(document.querySelectorAll("article.finding")); }

  function setCurrent(card, focus) {
    if (current) { current.classList.remove("current"); }
    current = card;
    if (!card) { return; }
    card.classList.add("current");
    if (focus) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: "nearest" }); }
  }

  function move(step) {
    var all = cards();
    if (all.length === 0) { return; }
    var at = current ? all.indexOf(current) : -1;
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    setCurrent(all[next], true);
  }

  function replace(id, html) {
    var old = document.getElementById(id);
    if (!old) { return null; }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) { return null; }
    old.replaceWith(fresh);
    return fresh;
  }

  function apply(answer, afterKey) {
    var currentId = current ? current.id : null;
    Object.keys(answer.cards || {}).forEach(function (finding) {
      var fresh = replace("finding-" + finding, answer.cards[finding]);
      if (fresh && fresh.id === currentId) { current = fresh; fresh.classList.add("current"); }
    });
    var bar = document.getElementById("totals-bar");
    if (bar && answer.totals_bar) { bar.innerHTML = answer.totals_bar; }
    var figures = document.getElementById("totals-figures");
    if (figures && answer.totals) { figures.innerHTML = answer.totals; }
    var count = document.querySelector('[data-testid="findings-count"]');
    if (count && answer.count) { count.textContent = answer.count; }
    document.querySelectorAll("input.select:checked").forEach(function (box) { box.checked = false; });
    say("Recorded. " + (answer.change || ""));
    if (afterKey && current) { move(1); } else if (current) { current.focus({ preventScroll: true }); }
  }

  // a large ledger reconciled again (a rejected duplicate): say so, ask every second, then show it anew
  function wait(answer) {
    say(answer.status);
    var bar = document.getElementById("totals-bar");
    if (bar) { bar.setAttribute("aria-busy", "true"); bar.classList.add("recounting"); }
    var ask = function () {
      fetch(answer.ready, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.ready) { window.location.reload(); } else { window.setTimeout(ask, 1000); }
        })
        .catch(function () { window.setTimeout(ask, 2000); });
    };
    window.setTimeout(ask, 1000);
  }

  function post(form, submitter, afterKey) {
    var confirmWords = form.getAttribute("data-confirm");
    if (confirmWords && !window.confirm(confirmWords)) { return; }
    var body = new FormData(form);
    if (submitter && submitter.name) { body.set(submitter.name, submitter.value); }
    cards().forEach(function (card) { body.append("shown", card.getAttribute("data-finding")); });
    var card = form.closest("article.finding");
    if (card) { card.classList.add("saving"); card.setAttribute("aria-busy", "true"); }
    say("Recording…");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) { throw new Error("not json"); }
      return response.json().then(function (answer) {
        if (card) { card.classList.remove("saving"); card.removeAttribute("aria-busy"); }
        if (!response.ok) {
          say((answer.error && answer.error.detail) || "That did not work.");
          return;
        }
        if (answer.pending) { wait(answer); return; }
        apply(answer, afterKey);
      });
    }).catch(function () {
      // anything unexpected: let the plain form do it
      form.setAttribute("data-plain", "1");
      if (submitter) { form.requestSubmit(submitter); } else { form.submit(); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-decide") || form.hasAttribute("data-plain")) {
      return;
    }
    event.preventDefault();
    post(form, event.submitter || null, false);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement && target.name === "note") {
      // Enter in a note: save the note, keeping the decision (the form's first button); never decide
      event.preventDefault();
      var form = target.form;
      var keep = form && form.querySelector('button[value="note"]');
      if (form && keep) { post(form, keep, false); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target && target.isContentEditable);
    if (typing) {
      if (event.key === "Escape" && current) { current.focus(); }
      return;
    }
    var key = event.key;
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    if (!current) { return; }
    if (key === "a" || key === "r" || key === "u") {
      var button = current.querySelector('button[data-key="' + key + '"]');
      if (button) {
        event.preventDefault();
        post(button.form, button, true);
      }
      return;
    }
    if (key === "x") {
      var box = current.querySelector("input.select");
      if (box) { box.checked = !box.checked; event.preventDefault(); }
      return;
    }
    if (key === "n") {
      var note = current.querySelector('input[name="note"]');
      if (note) { note.focus(); event.preventDefault(); }
    }
  });

  document.addEventListener("focusin", function (event) {
    var card = event.target instanceof Element ? event.target.closest("article.finding") : null;
    if (card && card !== current) { setCurrent(card, false); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var wanted = window.location.hash.indexOf("#finding-") === 0 ? document.getElementById(window.location.hash.slice(1)) : null;
    if (wanted) { setCurrent(wanted, false); }
  });
})();
