"""The query mix: ``benchmarks/queries/*.rq`` with their placeholders filled in."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .common import ACCEPT, PREFIXES


@dataclass(frozen=True)
class Query:
    """One query of the mix, its placeholders filled in."""

    name: str
    text: str
    form: str

    @property
    def body(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def accept(self) -> str:
        return ACCEPT[self.form]


_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


def query_form(text: str) -> str:
    """The form of a query (the first form keyword at the start of a line)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = _FORM.search(body)
    if match is None:
        raise ValueError(f"no query form in {text[:60]!r}")
    return match.group(1).lower()


def choose_parameters(data_file: Path) -> dict[str, str]:
    """The IRIs and the search term the queries use, chosen from the data by fixed rules.

    * ``city``: the municipality with the most partners (ties: the smallest IRI);
    * ``other``: its partner with the smallest IRI (the ASK is true);
    * ``network``: the network with the most members (ties: the smallest IRI);
    * ``term``: the English name of ``city``, lower-cased (the label search).
    """
    store = ox.Store()
    store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)

    def first(query: str, var: str) -> Any:
        for solution in store.query(PREFIXES + query, use_default_graph_as_union=True):
            return solution[var]
        raise RuntimeError(f"no answer to {query}")

    city = first(
        "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?c pg:partner ?x } "
        "GROUP BY ?c ORDER BY DESC(?n) STR(?c) LIMIT 1",
        "c",
    )
    other = first(f"SELECT ?x WHERE {{ {city} pg:partner ?x }} ORDER BY STR(?x) LIMIT 1", "x")
    network = first(
        "SELECT ?n (COUNT(DISTINCT ?m) AS ?k) WHERE { ?m org:memberOf ?n } "
        "GROUP BY ?n ORDER BY DESC(?k) STR(?n) LIMIT 1",
        "n",
    )
    label = first(f'SELECT ?l WHERE {{ {city} rdfs:label ?l FILTER (LANG(?l) = "en") }}', "l")
    return {
        "city": str(city),
        "other": str(other),
        "network": str(network),
        "term": json.dumps(label.value.lower(), ensure_ascii=False),
    }


def load_queries(folder: Path, parameters: dict[str, str], only: Sequence[str] = ()) -> list[Query]:
    """The ``*.rq`` files of ``folder``, ``{{name}}`` placeholders filled in, by name."""
    queries = []
    for path in sorted(folder.glob("*.rq")):
        name = path.stem
        if only and not any(name == o or name.split("-", 1)[-1] == o for o in only):
            continue
        text = path.read_text(encoding="utf-8")
        for key, value in parameters.items():
            text = text.replace("{{" + key + "}}", value)
        left = re.search(r"\{\{\w+\}\}", text)
        if left:
            raise ValueError(f"{path.name}: no value for {left.group(0)}")
        queries.append(Query(name, text, query_form(text)))
    if not queries:
        raise SystemExit(f"no queries in {folder}")
    return queries
