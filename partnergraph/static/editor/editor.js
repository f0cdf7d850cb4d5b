/*
 * The query editor of /sparql: YASGUI (@zazuko/yasgui) opened on the endpoint that
 * served this page, with the graph's prefixes, and the named queries of queries/
 * as example tabs. Its settings come from the page (a JSON script element that the
 * server writes with an HTML-safe encoder); nothing here is fetched from another
 * site: autocompletion of prefixes, properties and classes uses the graph itself.
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

  function tabNamed(name) {
    return Object.keys(yasgui._tabs)
      .map(function (id) { return yasgui._tabs[id]; })
      .filter(function (tab) { return tab.getName() === name; })[0];
  }

  // Every example is a tab, unless one of that name is there already (the user's
  // own, kept from an earlier visit in the browser's storage).
  config.examples.forEach(function (example) {
    if (!tabNamed(example.title)) {
      yasgui.addTab(false, {
        name: example.title,
        yasqe: { value: example.query },
        requestConfig: { endpoint: endpoint }
      });
    }
  });
  if (!yasgui.getTab()) {
    // A first visit: open the first example (or an empty query).
    var first = config.examples.length ? tabNamed(config.examples[0].title) : yasgui.addTab(false);
    yasgui.persistentConfig.setActive(first.getId());
    yasgui.markTabSelected(first.getId());
  }
  window.partnergraphEditor = yasgui;
})();
