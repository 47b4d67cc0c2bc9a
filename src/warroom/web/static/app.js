/* warroom pages: theme choice and live refresh.
 *
 * Loaded in <head> without defer so the remembered theme is applied before the first paint;
 * everything touching the page body waits for DOMContentLoaded. Every page works without this
 * file: forms post and redirect, and a reload shows the latest state.
 */
(function () {
  "use strict";

  var THEME_KEY = "warroom-theme";
  var root = document.documentElement;
  root.classList.add("js");

  // ------------------------------------------------------------------ theme

  function storedTheme() {
    try {
      return localStorage.getItem(THEME_KEY);
    } catch (e) {
      return null; // storage disabled: follow the system setting
    }
  }

  function applyTheme(theme) {
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    } else {
      root.removeAttribute("data-theme");
    }
  }

  function effectiveTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function labelToggle(button) {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    button.textContent = next === "dark" ? "Dark theme" : "Light theme";
    button.setAttribute("aria-label", "Switch to the " + next + " theme");
  }

  function setUpThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    labelToggle(button);
    button.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch (e) {
        /* not remembered, still applied */
      }
      applyTheme(next);
      labelToggle(button);
    });
  }

  applyTheme(storedTheme());

  // ------------------------------------------------------------------ live refresh

  var fetching = false;
  var again = false;
  var deferred = false;

  function pageUrl() {
    return document.body.getAttribute("data-page") || location.pathname + location.search;
  }

  // A region is left alone while someone is working in it: a focused field, or a form
  // they changed and have not sent. It is refreshed once they move on.
  function inUse(region) {
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches("input, select, textarea")) {
      return true;
    }
    return region.querySelector("form[data-dirty]") !== null;
  }

  // Messages next to forms (an edit conflict, say) stay visible across a swap.
  function carryMessages(oldRegion, newRegion) {
    oldRegion.querySelectorAll(".form-error[id]").forEach(function (slot) {
      var target = newRegion.querySelector("#" + CSS.escape(slot.id));
      if (target && slot.textContent.trim()) target.textContent = slot.textContent;
    });
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    fresh.querySelectorAll("[data-live][id]").forEach(function (next) {
      var current = document.getElementById(next.id);
      if (!current) return;
      if (inUse(current)) {
        deferred = true;
        return;
      }
      carryMessages(current, next);
      current.replaceWith(document.adoptNode(next));
    });
  }

  function refresh() {
    if (fetching) {
      again = true; // one more fetch after this one covers every event that came meanwhile
      return;
    }
    fetching = true;
    fetch(pageUrl(), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("status " + response.status);
        return response.text();
      })
      .then(swap)
      .catch(function () {
        showState("stale", "Could not refresh; reload the page");
      })
      .finally(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function showState(state, text) {
    var badge = document.getElementById("live-state");
    if (!badge) return;
    badge.setAttribute("data-state", state);
    badge.textContent = text;
  }

  function trackDirtyForms() {
    document.addEventListener("input", function (event) {
      var form = event.target.closest && event.target.closest("form");
      if (form && form.closest("[data-live]")) form.setAttribute("data-dirty", "");
    });
    document.addEventListener("submit", function (event) {
      event.target.removeAttribute("data-dirty");
    });
    document.addEventListener("focusout", function () {
      if (!deferred) return;
      deferred = false;
      window.setTimeout(refresh, 0); // after focus has landed on the next element
    });
  }

  function connect() {
    var url = document.body.getAttribute("data-stream");
    if (!url || !window.EventSource) return;
    var source = new EventSource(url);
    var opened = false;
    source.addEventListener("open", function () {
      showState("on", "Live");
      if (opened) refresh(); // back after a break: catch up on anything missed
      opened = true;
    });
    source.addEventListener("error", function () {
      showState("off", "Reconnecting…");
    });
    source.addEventListener("change", refresh);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpThemeToggle();
    trackDirtyForms();
    var page = document.body.getAttribute("data-page");
    // A form answered with an error sits at its POST address; reloading should show the page.
    if (page && document.body.hasAttribute("data-stream") && page !== location.pathname + location.search) {
      history.replaceState(null, "", page + location.hash);
    }
    connect();
  });
})();
