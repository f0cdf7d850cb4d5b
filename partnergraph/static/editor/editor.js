/*
 * The query editor of /sparql: YASGUI (@zazuko/yasgui) opened on the endpoint that
 * served this page, with the graph's prefixes, and the named queries of queries/
 * in a menu of examples (with a filter). Its settings come from the page (a JSON script element that the
 * server writes with an HTML-safe encoder); nothing here is fetched from another
 * site: autocompletion of prefixes, properties and classes uses the graph itself.
 * What YASGUI draws is mended for accessibility (names, keyboard access, the roles of
 * its tab list) as it is drawn; its colours are raised in editor.css.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var root = document.getElementById("yasgui");
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;

  var prefixList = Object.keys(config.prefixes).map(function (name) {
    return name + ": <" + config.prefixes[name] + ">";
  });

  var terms = {};
  function graphTerms(kind) {
    // One query per page and kind, shared by every tab.
    if (!terms[kind]) {
      var query = kind === "class"
        ? "SELECT DISTINCT ?term WHERE { ?s a ?term } LIMIT 5000"
        : "SELECT DISTINCT ?term WHERE { ?s ?term ?o } LIMIT 5000";
      terms[kind] = fetch(endpoint, {
        method: "POST",
        headers: { Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: query })
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: { bindings: [] } };
        })
        .then(function (json) {
          return json.results.bindings
            .filter(function (row) { return row.term && row.term.type === "uri"; })
            .map(function (row) { return row.term.value; });
        })
        .catch(function () { return []; });
    }
    return terms[kind];
  }

  // The bundled autocompleters ask prefix.cc-style lists and Linked Open
  // Vocabularies on the web; these ask the graph instead.
  Yasqe.forkAutocompleter("prefixes", {
    name: "graphPrefixes", persistenceId: null, get: prefixList
  }, false);
  function termsOf(kind) {
    // Called once without a token to fill YASQE's index, and with the token while
    // that index is not filled yet: then only the terms that start with it.
    return function (yasqe, token) {
      return graphTerms(kind).then(function (all) {
        var start = token && token.autocompletionString;
        return start ? all.filter(function (iri) { return iri.indexOf(start) === 0; }) : all;
      });
    };
  }
  Yasqe.forkAutocompleter("property", {
    name: "graphProperties", bulk: true, persistenceId: null, get: termsOf("property")
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "graphClasses", bulk: true, persistenceId: null, get: termsOf("class")
  }, false);

  var yasgui = new Yasgui(root, {
    persistenceId: config.persistenceId,
    autoAddOnInit: false,
    copyEndpointOnNewTab: true,
    tabName: "Query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    // a tab's right-click menu goes beside the tab list, not into it (see tabBar below)
    contextMenuContainer: root,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    // The result table writes IRIs with the graph's prefixes too (xsd:integer).
    yasr: { prefixes: config.prefixes },
    yasqe: {
      value: config.defaultQuery,
      autocompleters: ["variables", "graphPrefixes", "graphProperties", "graphClasses"],
      editorHeight: "320px"
    }
  });

  // YASGUI's own elements made accessible (WCAG 2.1 AA, as axe-core checks them),
  // each as YASGUI draws it: a tab's panel when it is first shown, the results on
  // each answer. The names are English, as the rest of the editor (its <main> says so).
  var NAMES = [
    [".controlbar input.autocomplete", "SPARQL endpoint"],
    [".yasqe .CodeMirror textarea", "SPARQL query"],
    [".yasr .CodeMirror textarea", "Response of the endpoint"],
    [".yasr select.tableSizer", "Page size"],
    [".tabsList .tab input", "Name of the tab"],
    [".yasqe_sharePopup input", "Link to this query"],
    ["ul.CodeMirror-hints", "Completions"]
  ];
  function mendWidgets() {
    NAMES.forEach(function (pair) {
      var fields = root.querySelectorAll(pair[0] + ":not([aria-label])");
      Array.prototype.forEach.call(fields, function (field) {
        field.setAttribute("aria-label", pair[1]);
      });
    });
    // CodeMirror keeps its scrolling area out of the tab order; with it in, the
    // arrow keys scroll a long query or response (Esc leaves the query's text).
    var regions = root.querySelectorAll('.CodeMirror-scroll[tabindex="-1"]');
    Array.prototype.forEach.call(regions, function (region) {
      region.tabIndex = 0;
    });
    // A list holds items only: the rule between the tab menu's items is decoration.
    var rules = root.querySelectorAll(".context-menu-list > hr:not([aria-hidden])");
    Array.prototype.forEach.call(rules, function (rule) {
      rule.setAttribute("aria-hidden", "true");
    });
  }
  mendWidgets();
  new MutationObserver(mendWidgets).observe(root, { childList: true, subtree: true });

  // A tab list may hold tabs only (ARIA): YASGUI's "+" button moves out of it, to a
  // bar that holds both; tabs made later go at the end of the list.
  function tabBar() {
    var list = root.querySelector(".tabsList");
    var add = yasgui.tabElements.addTabEl;
    var bar = document.createElement("div");
    bar.className = "tabsBar";
    list.parentNode.insertBefore(bar, list);
    bar.appendChild(list);
    if (add) {
      bar.appendChild(add);
      yasgui.tabElements.addTabEl = undefined;
    }
    list.setAttribute("aria-label", "Queries");
  }
  tabBar();

  function tabNamed(name) {
    return Object.keys(yasgui._tabs)
      .map(function (id) { return yasgui._tabs[id]; })
      .filter(function (tab) { return tab.getName() === name; })[0];
  }

  function openTab(name, query) {
    // A tab of that name is reused (the visitor's own text in it is kept), else made.
    var tab = tabNamed(name);
    if (!tab) {
      tab = yasgui.addTab(false, {
        name: name, yasqe: { value: query }, requestConfig: { endpoint: endpoint }
      });
    }
    yasgui.selectTabId(tab.getId());
    return tab;
  }

  // The examples: a menu with a filter above the editor, not one tab each.
  function examplesMenu() {
    var menu = document.createElement("details");
    menu.className = "examples";
    var summary = document.createElement("summary");
    summary.textContent = "Example queries (" + config.examples.length + ")";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "Filter the examples";
    filter.setAttribute("aria-label", "Filter the examples");
    var list = document.createElement("ul");
    config.examples.forEach(function (example) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = example.title;
      button.addEventListener("click", function () {
        openTab(example.title, example.query);
        menu.open = false;
      });
      item.appendChild(button);
      if (example.description) {
        var about = document.createElement("span");
        about.textContent = example.description;
        item.appendChild(about);
      }
      item.dataset.text = (example.title + " " + (example.description || "")).toLowerCase();
      list.appendChild(item);
    });
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.children, function (item) {
        item.hidden = !words.every(function (word) { return item.dataset.text.indexOf(word) >= 0; });
      });
    });
    menu.appendChild(summary);
    menu.appendChild(filter);
    menu.appendChild(list);
    root.parentNode.insertBefore(menu, root);
  }
  if (config.examples.length) {
    examplesMenu();
  }

  // An error answer as a sentence, with the line it names marked in the editor:
  // read from the error YASR shows (the endpoint's JSON error body), once per answer.
  var errorBox = document.createElement("p");
  errorBox.id = "query-error";
  errorBox.className = "query-error";
  errorBox.setAttribute("role", "alert");
  errorBox.hidden = true;
  root.parentNode.insertBefore(errorBox, root);
  var marked = null;
  function clearError() {
    var tab = yasgui.getTab();
    if (marked !== null && tab) {
      tab.getYasqe().removeLineClass(marked, "background", "query-error-line");
    }
    marked = null;
    errorBox.hidden = true;
  }
  function showError(shown) {
    var text = shown.textContent || "";
    var start = text.indexOf("{");
    var said = text;
    try {
      var body = JSON.parse(text.slice(start)).error;
      said = body.status + " " + body.title + ": " + body.detail;
    } catch (ignored) { /* not the endpoint's JSON error: shown as it came */ }
    var where = /line (\d+), column (\d+)/.exec(said);
    var tab = yasgui.getTab();
    if (where && tab) {
      marked = Number(where[1]) - 1;
      tab.getYasqe().addLineClass(marked, "background", "query-error-line");
    }
    errorBox.textContent = said;
    errorBox.hidden = false;
  }
  new MutationObserver(function () {
    var shown = root.querySelector(".tabPanel.active .yasr .errorResult");
    var text = shown ? shown.textContent : "";
    if (shown && text && shown.dataset.said !== text) {
      shown.dataset.said = text; // YASR fills the element after adding it
      clearError();
      showError(shown);
    } else if (!shown && !errorBox.hidden) {
      clearError();
    }
  }).observe(root, { childList: true, subtree: true });
  yasgui.on("tabSelect", clearError);
  yasgui.on("query", clearError);

  // Results name this dataset's resources by their IRIs ({base}id/…): link them to
  // this site's pages instead of the IRIs' own host.
  if (config.base) {
    var site = new URL(config.root + "/", window.location.href).href;
    new MutationObserver(function () {
      var links = root.querySelectorAll('.yasr a[href^="' + config.base + '"]');
      Array.prototype.forEach.call(links, function (link) {
        link.href = site + link.getAttribute("href").slice(config.base.length);
        link.removeAttribute("target");
      });
    }).observe(root, { childList: true, subtree: true });
  }

  if (config.query) {
    // /sparql?query=… opened in a browser: that query, run at once.
    var asked = openTab("Query from the link", config.query);
    asked.getYasqe().setValue(config.query);
    asked.getYasqe().query();
  } else if (!yasgui.getTab()) {
    // A first visit: one tab with a query that shows what the graph holds.
    var first = yasgui.addTab(false);
    yasgui.persistentConfig.setActive(first.getId());
    yasgui.markTabSelected(first.getId());
  }
  window.partnergraphEditor = yasgui;
})();
