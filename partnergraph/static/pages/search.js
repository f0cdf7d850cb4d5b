// Suggestions as one types in a search box: every <input data-suggest="URL"> becomes an
// ARIA 1.2 combobox (https://www.w3.org/TR/wai-aria-1.2/#combobox) with a listbox of
// the first results of URL?q=…&limit=8 (the site search's JSON, web/search_page.py);
// when there are none, its suggestions (the names nearest to a misspelt text), the list
// then labelled "Did you mean".
// Arrow keys move through the list, Enter opens the chosen page, Escape closes the list
// (or empties the box), a click opens a page (an option holds no link: ARIA makes
// its content presentational, so the list itself leads to the page). Without this script the form still
// submits to the search page. No library; nothing inline (the pages' CSP allows this
// site's own scripts only); text is set as text, never as HTML.
(function () {
  "use strict";

  var DELAY = 150; // ms after the last key before asking
  var LIMIT = 8;
  var WORDS = {
    en: {
      list: "Suggestions",
      none: "No suggestions",
      some: " suggestions",
      one: "1 suggestion",
      meant: "Did you mean",
    },
    sv: { list: "Förslag", none: "Inga förslag", some: " förslag", one: "1 förslag", meant: "Menade du" },
    fi: {
      list: "Ehdotukset",
      none: "Ei ehdotuksia",
      some: " ehdotusta",
      one: "1 ehdotus",
      meant: "Tarkoititko",
    },
  };
  var counter = 0;

  function words() {
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    return WORDS[lang] || WORDS.en;
  }

  // A same-site or http(s) address from the answer, else null.
  function safeUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function enhance(input) {
    if (input.dataset.suggestReady) return;
    input.dataset.suggestReady = "true";
    var id = "suggest-" + ++counter;
    var form = input.form;
    var holder = form || input.parentNode;
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", words().list);
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    holder.appendChild(list);
    holder.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = []; // {option, url}
    var active = -1;
    var timer = null;
    var asked = 0; // the number of the latest request; older answers are dropped
    var pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    // Escape: no answer still on its way may open the list again
    function forget() {
      if (timer) clearTimeout(timer);
      timer = null;
      asked++;
      if (pending) pending.abort();
      pending = null;
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function choose(index) {
      if (active >= 0 && items[active]) items[active].option.setAttribute("aria-selected", "false");
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = items[index].option;
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      var url = items[index] && items[index].url;
      if (url) window.location.assign(url);
    }

    // results: the answer's results, or its suggestions when meant is true
    function show(results, meant) {
      list.textContent = "";
      list.setAttribute("aria-label", meant ? words().meant : words().list);
      items = [];
      active = -1;
      results.forEach(function (result, index) {
        var url = safeUrl(result.url);
        if (!url || typeof result.label !== "string") return;
        var option = document.createElement("li");
        option.id = id + "-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        // no link inside: an option's content is presentational (no nested controls)
        var name = document.createElement("span");
        name.textContent = result.label;
        if (typeof result.lang === "string") name.lang = result.lang;
        option.appendChild(name);
        if (typeof result.kind_label === "string") {
          var kind = document.createElement("small");
          kind.className = "kind";
          kind.textContent = " · " + result.kind_label;
          option.appendChild(kind);
        }
        items.push({ option: option, url: url });
        list.appendChild(option);
      });
      var said = words();
      var count = items.length === 1 ? said.one : items.length + said.some;
      status.textContent = !items.length ? said.none : meant ? said.meant + ": " + count : count;
      if (items.length) open();
      else close();
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) {
        if (pending) pending.abort();
        items = [];
        list.textContent = "";
        close();
        return;
      }
      var number = ++asked;
      if (pending) pending.abort();
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var address = new URL(input.dataset.suggest, window.location.href);
      address.searchParams.set("q", text);
      address.searchParams.set("limit", String(LIMIT));
      var lang = form && form.elements.namedItem("lang");
      if (lang && lang.value) address.searchParams.set("lang", lang.value);
      fetch(address.href, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (body) {
          if (number !== asked || document.activeElement !== input) return;
          var results = Array.isArray(body.results) ? body.results : [];
          var meant = !results.length && Array.isArray(body.suggestions);
          show(meant ? body.suggestions : results, meant);
        })
        .catch(function () {
          /* aborted or offline: the form still works */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Down") {
        if (!items.length) return;
        event.preventDefault();
        if (list.hidden) open();
        choose(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        if (!items.length) return;
        event.preventDefault();
        if (list.hidden) open();
        choose(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(active);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        forget();
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          items = [];
          list.textContent = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length >= 2) open();
    });

    // Keep the focus in the box while a suggestion is clicked, then open its page.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest ? event.target.closest("[role=option]") : null;
      if (!option) return;
      event.preventDefault();
      for (var i = 0; i < items.length; i++) if (items[i].option === option) go(i);
    });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
