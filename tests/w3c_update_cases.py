"""The cases of the W3C SPARQL 1.1 Update test suites, rewritten for partnergraph.

The suites are the manifests ``sparql/sparql11/<suite>/manifest.ttl`` of
https://github.com/w3c/rdf-tests, read at commit
ad541a5f0479f0798608c4801369d97b8e08b36f: the evaluation suites add, basic-update,
clear, copy, delete, delete-data, delete-insert, delete-where, drop, move and
update-silent, and the syntax suites syntax-update-1 and syntax-update-2. Each
case here keeps the name of its manifest entry and the scenario it tests (the
grammar point, which graphs hold data, what must change); the data, the update
texts and the expected states are written here, not copied from the suite.

The data is small and made up: cities (``ex:``) in the default graph and in named
graphs ``g:one``, ``g:two``, ``g:three``. ``before`` and ``after`` are TriG
without prefixes (``ex:``, ``g:`` and ``xsd:`` are declared by :data:`TRIG_PROLOGUE`);
updates get :data:`UPDATE_PROLOGUE` in front.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: The commit of https://github.com/w3c/rdf-tests the manifests were read at.
COMMIT = "ad541a5f0479f0798608c4801369d97b8e08b36f"

TRIG_PROLOGUE = """\
@prefix ex: <http://example.org/twin/> .
@prefix g: <http://example.org/graph/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
UPDATE_PROLOGUE = """\
PREFIX ex: <http://example.org/twin/>
PREFIX g: <http://example.org/graph/>
"""
#: Where a twin keeps what the case holds in the default graph.
MAIN = "http://example.org/graph/main"
#: A LOAD source no engine can fetch: LOAD runs offline and fails (or, SILENT, does nothing).
NOWHERE = "nosuchscheme://example.invalid/nothing"

#: The entries of each manifest, in its order.
MANIFESTS: dict[str, tuple[str, ...]] = {
    "add": ("add01", "add02", "add03", "add04", "add05", "add06", "add07", "add08"),
    "basic-update": (
        "insert-data-spo1",
        "insert-data-spo-named1",
        "insert-data-spo-named2",
        "insert-data-spo-named3",
        "insert-where-01",
        "insert-where-02",
        "insert-where-03",
        "insert-where-04",
        "insert-using-01",
        "insert-05a",
        "insert-data-same-bnode",
        "insert-where-same-bnode",
        "insert-where-same-bnode2",
    ),
    "clear": (
        "dawg-clear-default-01",
        "dawg-clear-graph-01",
        "dawg-clear-named-01",
        "dawg-clear-all-01",
    ),
    "copy": ("copy01", "copy02", "copy03", "copy04", "copy06", "copy07"),
    "delete": (
        "dawg-delete-01",
        "dawg-delete-02",
        "dawg-delete-03",
        "dawg-delete-04",
        "dawg-delete-05",
        "dawg-delete-06",
        "dawg-delete-07",
        "dawg-delete-with-01",
        "dawg-delete-with-02",
        "dawg-delete-with-03",
        "dawg-delete-with-04",
        "dawg-delete-with-05",
        "dawg-delete-with-06",
        "dawg-delete-using-01",
        "dawg-delete-using-02a",
        "dawg-delete-using-03",
        "dawg-delete-using-04",
        "dawg-delete-using-05",
        "dawg-delete-using-06a",
    ),
    "delete-data": tuple(f"dawg-delete-data-0{n}" for n in range(1, 7)),
    "delete-insert": (
        "dawg-delete-insert-01",
        "dawg-delete-insert-01b",
        "dawg-delete-insert-01c",
        "dawg-delete-insert-02",
        "dawg-delete-insert-03",
        "dawg-delete-insert-03b",
        "dawg-delete-insert-04",
        "dawg-delete-insert-04b",
        "dawg-delete-insert-05",
        "dawg-delete-insert-05b",
        "dawg-delete-insert-06",
        "dawg-delete-insert-06b",
        "dawg-delete-insert-07",
        "dawg-delete-insert-07b",
        "dawg-delete-insert-08",
        "dawg-delete-insert-09",
        "delete-insert-halloween-problem",
    ),
    "delete-where": tuple(f"dawg-delete-where-0{n}" for n in range(1, 7)),
    "drop": (
        "dawg-drop-default-01",
        "dawg-drop-graph-01",
        "dawg-drop-named-01",
        "dawg-drop-all-01",
    ),
    "move": ("move01", "move02", "move03", "move04", "move06", "move07"),
    "update-silent": (
        "load-silent",
        "load-into-silent",
        "clear-silent",
        "clear-default-silent",
        "create-silent",
        "drop-silent",
        "drop-default-silent",
        "copy-silent",
        "copy-to-default-silent",
        "move-silent",
        "move-to-default-silent",
        "add-silent",
        "add-to-default-silent",
    ),
    "syntax-update-1": tuple(f"test_{n}" for n in range(1, 55)),
    "syntax-update-2": ("syntax-update-other-01",),
}


class Treatment(Enum):
    """What partnergraph's ``prepare`` does with an evaluation case's update."""

    RUNS = "accepted: run through prepare and operations.run"
    DEFAULT_GRAPH = "refused by prepare (it writes the default graph); Oxigraph runs it"
    LOAD = "refused by prepare (LOAD); Oxigraph runs it offline"


@dataclass(frozen=True)
class Using:
    """The WHERE dataset given by the protocol instead of USING clauses.

    Attributes:
        update: the update without its USING clauses.
        graphs: the ``using-graph-uri`` values.
        named: the ``using-named-graph-uri`` values.
    """

    update: str
    graphs: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """An evaluation case: a store, an update, the store it must leave.

    Attributes:
        suite: the manifest's folder.
        name: the manifest entry.
        what: what the case tests, in a sentence.
        update: the update (after :data:`UPDATE_PROLOGUE`).
        before: the store before (TriG after :data:`TRIG_PROLOGUE`).
        after: the store after.
        treatment: what ``prepare`` does with it.
        twin: for a case that writes the default graph, the same update written the
            partnergraph way (what the case keeps in the default graph is in
            ``g:main``, written by ``WITH g:main`` or ``GRAPH g:main``); run through
            the pipeline on ``before``/``after`` with the default graph moved there.
        protocol: the same WHERE dataset given by protocol parameters.
        blank_nodes: the data or the update has blank nodes.
    """

    suite: str
    name: str
    what: str
    update: str
    before: str = ""
    after: str = ""
    treatment: Treatment = Treatment.RUNS
    twin: str | None = None
    protocol: Using | None = None
    blank_nodes: bool = False


def graph(name: str, *triples: str) -> str:
    """A named graph ``g:name`` in TriG."""
    return f"GRAPH g:{name} {{\n" + "\n".join(triples) + "\n}\n"


# ---- add, copy, move: three cities, one per graph --------------------------------------

OSLO = 'ex:oslo a ex:City ; ex:name "Oslo" ; ex:site <http://oslo.example/> .'
BERGEN = 'ex:bergen a ex:City ; ex:name "Bergen" ; ex:site <http://bergen.example/> .'
TURKU = 'ex:turku a ex:City ; ex:name "Turku" ; ex:site <http://turku.example/> .'
BERGEN_PART = (
    'ex:bergen ex:name "Bergen" ; ex:site <http://bergen.example/> ; ex:twinnedWith ex:turku .'
)
BERGEN_TWINNED = BERGEN + "\nex:bergen ex:twinnedWith ex:turku ."

D = Treatment.DEFAULT_GRAPH

ADD = (
    Case(
        "add",
        "add01",
        "ADD DEFAULT TO a graph that exists: the graph gains the default graph",
        update="ADD DEFAULT TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN, OSLO),
    ),
    Case(
        "add",
        "add02",
        "ADD DEFAULT TO a graph that does not exist: it is made",
        update="ADD DEFAULT TO g:one",
        before=OSLO,
        after=OSLO + graph("one", OSLO),
    ),
    Case(
        "add",
        "add03",
        "ADD a named graph TO another that exists",
        update="ADD g:one TO g:two",
        before=OSLO + graph("one", BERGEN) + graph("two", TURKU),
        after=OSLO + graph("one", BERGEN) + graph("two", TURKU, BERGEN),
    ),
    Case(
        "add",
        "add04",
        "ADD a named graph TO one that does not exist",
        update="ADD g:one TO g:two",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN) + graph("two", BERGEN),
    ),
    Case(
        "add",
        "add05",
        "ADD into a graph that already holds some of the same triples",
        update="ADD g:one TO g:three",
        before=OSLO + graph("one", BERGEN) + graph("three", BERGEN_PART),
        after=OSLO + graph("one", BERGEN) + graph("three", BERGEN_TWINNED),
    ),
    Case(
        "add",
        "add06",
        "ADD SILENT from a graph that does not exist changes nothing",
        update="ADD SILENT g:four TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN),
    ),
    Case(
        "add",
        "add07",
        "ADD a named graph TO DEFAULT",
        update="ADD g:one TO DEFAULT",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + BERGEN + graph("one", BERGEN),
        treatment=D,
    ),
    Case(
        "add",
        "add08",
        "ADD a graph to itself changes nothing",
        update="ADD g:one TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN),
    ),
)

COPY = (
    Case(
        "copy",
        "copy01",
        "COPY DEFAULT TO a graph that exists replaces what it held",
        update="COPY DEFAULT TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", OSLO),
    ),
    Case(
        "copy",
        "copy02",
        "COPY DEFAULT TO a graph that does not exist",
        update="COPY DEFAULT TO g:one",
        before=OSLO,
        after=OSLO + graph("one", OSLO),
    ),
    Case(
        "copy",
        "copy03",
        "COPY a named graph TO another that exists",
        update="COPY g:one TO g:two",
        before=OSLO + graph("one", BERGEN) + graph("two", TURKU),
        after=OSLO + graph("one", BERGEN) + graph("two", BERGEN),
    ),
    Case(
        "copy",
        "copy04",
        "COPY a named graph TO one that does not exist",
        update="COPY g:one TO g:two",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN) + graph("two", BERGEN),
    ),
    Case(
        "copy",
        "copy06",
        "COPY a named graph TO DEFAULT replaces the default graph",
        update="COPY g:one TO DEFAULT",
        before=OSLO + graph("one", BERGEN),
        after=BERGEN + graph("one", BERGEN),
        treatment=D,
    ),
    Case(
        "copy",
        "copy07",
        "COPY a graph to itself changes nothing",
        update="COPY g:one TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN),
    ),
)

MOVE = (
    Case(
        "move",
        "move01",
        "MOVE DEFAULT TO a graph that exists: the default graph is emptied",
        update="MOVE DEFAULT TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=graph("one", OSLO),
        treatment=D,
    ),
    Case(
        "move",
        "move02",
        "MOVE DEFAULT TO a graph that does not exist",
        update="MOVE DEFAULT TO g:one",
        before=OSLO,
        after=graph("one", OSLO),
        treatment=D,
    ),
    Case(
        "move",
        "move03",
        "MOVE a named graph TO another that exists: the source is gone",
        update="MOVE g:one TO g:two",
        before=OSLO + graph("one", BERGEN) + graph("two", TURKU),
        after=OSLO + graph("two", BERGEN),
    ),
    Case(
        "move",
        "move04",
        "MOVE a named graph TO one that does not exist",
        update="MOVE g:one TO g:two",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("two", BERGEN),
    ),
    Case(
        "move",
        "move06",
        "MOVE a named graph TO DEFAULT",
        update="MOVE g:one TO DEFAULT",
        before=OSLO + graph("one", BERGEN),
        after=BERGEN,
        treatment=D,
    ),
    Case(
        "move",
        "move07",
        "MOVE a graph to itself changes nothing",
        update="MOVE g:one TO g:one",
        before=OSLO + graph("one", BERGEN),
        after=OSLO + graph("one", BERGEN),
    ),
)

# ---- basic-update ------------------------------------------------------------------------

LUND_NAMED = 'ex:lund ex:name "Lund" .'
LAHTI_NAMED = 'ex:lahti ex:name "Lahti" .'
CITY = "ex:oslo a ex:City ."
_SAME_BLANK_TAIL = """
INSERT { GRAPH g:two { ?s ?p ?o } } WHERE { GRAPH g:one { ?s ?p ?o } } ;
INSERT { GRAPH g:three { ex:result ex:count ?n } }
WHERE { SELECT (COUNT(*) AS ?n) WHERE { GRAPH g:two { ?s ?p ?o } } } ;
DROP GRAPH g:one ;
DROP GRAPH g:two"""
ONE = graph("three", "ex:result ex:count 1 .")
TWO = graph("three", "ex:result ex:count 2 .")

BASIC = (
    Case(
        "basic-update",
        "insert-data-spo1",
        "INSERT DATA of a triple into the default graph",
        update="INSERT DATA { ex:lund ex:twinnedWith ex:lahti }",
        before="",
        after="ex:lund ex:twinnedWith ex:lahti .",
        treatment=D,
        twin="INSERT DATA { GRAPH g:main { ex:lund ex:twinnedWith ex:lahti } }",
    ),
    Case(
        "basic-update",
        "insert-data-spo-named1",
        "INSERT DATA into a named graph of an empty store",
        update="INSERT DATA { GRAPH g:one { ex:lund ex:twinnedWith ex:lahti } }",
        before="",
        after=graph("one", "ex:lund ex:twinnedWith ex:lahti ."),
    ),
    Case(
        "basic-update",
        "insert-data-spo-named2",
        "INSERT DATA into a named graph that holds another triple",
        update="INSERT DATA { GRAPH g:one { ex:lund ex:twinnedWith ex:turku } }",
        before=graph("one", "ex:lund ex:twinnedWith ex:lahti ."),
        after=graph("one", "ex:lund ex:twinnedWith ex:lahti, ex:turku ."),
    ),
    Case(
        "basic-update",
        "insert-data-spo-named3",
        "INSERT DATA of a triple the named graph already holds changes nothing",
        update="INSERT DATA { GRAPH g:one { ex:lund ex:twinnedWith ex:lahti } }",
        before=graph("one", "ex:lund ex:twinnedWith ex:lahti ."),
        after=graph("one", "ex:lund ex:twinnedWith ex:lahti ."),
    ),
    Case(
        "basic-update",
        "insert-where-01",
        "INSERT … WHERE over the default graph, into it",
        update='INSERT { ?s ?p "again" } WHERE { ?s ?p ?o }',
        before=LUND_NAMED,
        after='ex:lund ex:name "Lund", "again" .',
        treatment=D,
        twin='WITH g:main INSERT { ?s ?p "again" } WHERE { ?s ?p ?o }',
    ),
    Case(
        "basic-update",
        "insert-where-02",
        "INSERT … WHERE from the default graph into a named one",
        update='INSERT { GRAPH g:one { ?s ?p "again" } } WHERE { ?s ?p ?o }',
        before=LUND_NAMED,
        after=LUND_NAMED + graph("one", 'ex:lund ex:name "again" .'),
    ),
    Case(
        "basic-update",
        "insert-where-03",
        "WITH names the graph read and written",
        update='WITH g:one INSERT { ?s ?p "Lunda" } WHERE { ?s ?p ?o }',
        before=CITY + graph("one", LUND_NAMED),
        after=CITY + graph("one", 'ex:lund ex:name "Lund", "Lunda" .'),
    ),
    Case(
        "basic-update",
        "insert-where-04",
        "USING a named graph as the WHERE's default graph",
        update='INSERT { ?s ?p "again" } USING g:one WHERE { ?s ?p ?o }',
        before=CITY + graph("one", LUND_NAMED),
        after=CITY + 'ex:lund ex:name "again" .' + graph("one", LUND_NAMED),
        treatment=D,
        twin='WITH g:main INSERT { ?s ?p "again" } USING g:one WHERE { ?s ?p ?o }',
    ),
    Case(
        "basic-update",
        "insert-using-01",
        "two USING clauses: their merge is the WHERE's graph",
        update='INSERT { ?s ?p "unnamed" } USING g:one USING g:two WHERE { ?s ?p ?o }',
        before=CITY + graph("one", LUND_NAMED) + graph("two", LAHTI_NAMED),
        after=CITY
        + 'ex:lund ex:name "unnamed" . ex:lahti ex:name "unnamed" .'
        + graph("one", LUND_NAMED)
        + graph("two", LAHTI_NAMED),
        treatment=D,
        twin='WITH g:main INSERT { ?s ?p "unnamed" } USING g:one USING g:two WHERE { ?s ?p ?o }',
    ),
    Case(
        "basic-update",
        "insert-05a",
        "copying a graph with a blank node twice keeps one triple (same blank node)",
        update="INSERT { GRAPH g:two { ?s ?p ?o } } WHERE { GRAPH g:one { ?s ?p ?o } } ;"
        + _SAME_BLANK_TAIL,
        before=graph("one", "_:x ex:twinnedWith ex:lahti ."),
        after=ONE,
        blank_nodes=True,
    ),
    Case(
        "basic-update",
        "insert-data-same-bnode",
        "one label in one INSERT DATA is one blank node in both graphs",
        update="INSERT DATA { GRAPH g:one { _:x ex:twinnedWith ex:lahti }"
        " GRAPH g:two { _:x ex:twinnedWith ex:lahti } } ;" + _SAME_BLANK_TAIL,
        before="",
        after=ONE,
        blank_nodes=True,
    ),
    Case(
        "basic-update",
        "insert-where-same-bnode",
        "one label in two INSERT … WHERE operations is two blank nodes",
        update="INSERT { GRAPH g:one { _:x ex:twinnedWith ex:lahti } }"
        ' WHERE { ?c ex:name "Lund" } ;\n'
        "INSERT { GRAPH g:two { _:x ex:twinnedWith ex:lahti } }"
        ' WHERE { ?c ex:site "lund.example" } ;' + _SAME_BLANK_TAIL,
        before='ex:lund ex:name "Lund" ; ex:site "lund.example" .',
        after='ex:lund ex:name "Lund" ; ex:site "lund.example" .' + TWO,
        blank_nodes=True,
    ),
    Case(
        "basic-update",
        "insert-where-same-bnode2",
        "the same, with empty WHERE clauses (one empty solution each)",
        update="INSERT { GRAPH g:one { _:x ex:twinnedWith ex:lahti } } WHERE { } ;\n"
        "INSERT { GRAPH g:two { _:x ex:twinnedWith ex:lahti } } WHERE { } ;" + _SAME_BLANK_TAIL,
        before='ex:lund ex:name "Lund" ; ex:site "lund.example" .',
        after='ex:lund ex:name "Lund" ; ex:site "lund.example" .' + TWO,
        blank_nodes=True,
    ),
)

# ---- clear, drop ---------------------------------------------------------------------------

TITLE = 'ex:dataset ex:title "the default graph" .'
G_ONE = graph("one", 'ex:one ex:title "graph one" ; ex:note "first" .')
G_TWO = graph("two", 'ex:two ex:title "graph two" .')

CLEAR = (
    Case(
        "clear",
        "dawg-clear-default-01",
        "CLEAR DEFAULT empties the default graph only",
        update="CLEAR DEFAULT",
        before=TITLE + G_ONE + G_TWO,
        after=G_ONE + G_TWO,
        treatment=D,
    ),
    Case(
        "clear",
        "dawg-clear-graph-01",
        "CLEAR GRAPH empties one named graph",
        update="CLEAR GRAPH g:one",
        before=TITLE + G_ONE + G_TWO,
        after=TITLE + G_TWO,
    ),
    Case(
        "clear",
        "dawg-clear-named-01",
        "CLEAR NAMED empties every named graph",
        update="CLEAR NAMED",
        before=TITLE + G_ONE + G_TWO,
        after=TITLE,
    ),
    Case(
        "clear",
        "dawg-clear-all-01",
        "CLEAR ALL empties every graph (prepare accepts it: every named graph may change)",
        update="CLEAR ALL",
        before=TITLE + G_ONE + G_TWO,
        after="",
    ),
)

DROP = (
    Case(
        "drop",
        "dawg-drop-default-01",
        "DROP DEFAULT empties the default graph only",
        update="DROP DEFAULT",
        before=TITLE + G_ONE + G_TWO,
        after=G_ONE + G_TWO,
        treatment=D,
    ),
    Case(
        "drop",
        "dawg-drop-graph-01",
        "DROP GRAPH removes one named graph",
        update="DROP GRAPH g:one",
        before=TITLE + G_ONE + G_TWO,
        after=TITLE + G_TWO,
    ),
    Case(
        "drop",
        "dawg-drop-named-01",
        "DROP NAMED removes every named graph",
        update="DROP NAMED",
        before=TITLE + G_ONE + G_TWO,
        after=TITLE,
    ),
    Case(
        "drop",
        "dawg-drop-all-01",
        "DROP ALL removes every graph (prepare accepts it: every named graph may change)",
        update="DROP ALL",
        before=TITLE + G_ONE + G_TWO,
        after="",
    ),
)

# ---- delete, delete-data, delete-where: Lund twinned with Lahti, Lahti with Turku… -------

LUND = 'ex:lund ex:name "Lund" ; ex:site "lund.example" .'
LAHTI = 'ex:lahti ex:name "Lahti" ; ex:site "lahti.example" .'
TURKU_S = 'ex:turku ex:name "Turku" ; ex:site "turku.example" .'
TARTU = 'ex:tartu ex:name "Tartu" ; ex:site "tartu.example" .'
LUND_LAHTI = "ex:lund ex:twinnedWith ex:lahti ."
#: The first data set: two cities, one twinning.
PAIR = LUND + LAHTI + LUND_LAHTI
#: PAIR without the twinning.
PAIR_UNTWINNED = LUND + LAHTI
#: PAIR without Lahti's own triples.
PAIR_WITHOUT_LAHTI = LUND + LUND_LAHTI
#: A second set: Lund-Lahti, Lahti-Turku, Lahti and Turku described.
CHAIN = LUND_LAHTI + LAHTI + "ex:lahti ex:twinnedWith ex:turku ." + TURKU_S
#: CHAIN without Turku's triples.
CHAIN_WITHOUT_TURKU = LUND_LAHTI + LAHTI + "ex:lahti ex:twinnedWith ex:turku ."
#: CHAIN without Turku's name only.
CHAIN_WITHOUT_TURKU_NAME = CHAIN_WITHOUT_TURKU + 'ex:turku ex:site "turku.example" .'
#: A third set: Turku-Tartu.
THIRD = TURKU_S + TARTU + "ex:turku ex:twinnedWith ex:tartu ."
THREE = graph("two", CHAIN) + graph("three", THIRD)

DELETE = (
    Case(
        "delete",
        "dawg-delete-01",
        "DELETE … WHERE in the default graph",
        update="DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
        before=PAIR,
        after=PAIR_WITHOUT_LAHTI,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
    ),
    Case(
        "delete",
        "dawg-delete-02",
        "DELETE … WHERE in a named graph (GRAPH in both)",
        update="DELETE { GRAPH g:one { ?s ?p ?o } }"
        " WHERE { GRAPH g:one { ex:lund ex:twinnedWith ?s . ?s ?p ?o } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR_WITHOUT_LAHTI),
    ),
    Case(
        "delete",
        "dawg-delete-03",
        "DELETE … WHERE that matches nothing in the default graph",
        update="DELETE { ?s ?p ?o } WHERE { ?s ex:twinnedWith ex:tartu . ?s ?p ?o }",
        before=PAIR,
        after=PAIR,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } WHERE { ?s ex:twinnedWith ex:tartu . ?s ?p ?o }",
    ),
    Case(
        "delete",
        "dawg-delete-04",
        "DELETE … WHERE that matches nothing in a named graph",
        update="DELETE { GRAPH g:one { ?s ?p ?o } }"
        " WHERE { GRAPH g:one { ?s ex:twinnedWith ex:tartu . ?s ?p ?o } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR),
    ),
    Case(
        "delete",
        "dawg-delete-05",
        "DELETE in the default graph leaves the named graphs",
        update="DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
        before=PAIR + THREE,
        after=PAIR_WITHOUT_LAHTI + THREE,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
    ),
    Case(
        "delete",
        "dawg-delete-06",
        "DELETE in one named graph leaves the others",
        update="DELETE { GRAPH g:two { ?s ?p ?o } }"
        ' WHERE { GRAPH g:two { ?s ex:name "Turku" . ?s ?p ?o } }',
        before=PAIR + THREE,
        after=PAIR + graph("two", CHAIN_WITHOUT_TURKU) + graph("three", THIRD),
    ),
    Case(
        "delete",
        "dawg-delete-07",
        "variables the WHERE leaves unbound are no wildcards",
        update="DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s }",
        before=PAIR,
        after=PAIR,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s }",
    ),
    Case(
        "delete",
        "dawg-delete-with-01",
        "WITH names the graph of the template and the WHERE",
        update="WITH g:one DELETE { ?s ?p ?o } WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
        before=graph("one", PAIR),
        after=graph("one", PAIR_WITHOUT_LAHTI),
    ),
    Case(
        "delete",
        "dawg-delete-with-02",
        "GRAPH overrides WITH",
        update="WITH g:two DELETE { GRAPH g:one { ?s ?p ?o } }"
        " WHERE { GRAPH g:one { ex:lund ex:twinnedWith ?s . ?s ?p ?o } }",
        before=graph("one", PAIR) + graph("two", CHAIN),
        after=graph("one", PAIR_WITHOUT_LAHTI) + graph("two", CHAIN),
    ),
    Case(
        "delete",
        "dawg-delete-with-03",
        "WITH, and a WHERE that matches nothing",
        update="WITH g:one DELETE { ?s ?p ?o } WHERE { ?s ex:twinnedWith ex:tartu . ?s ?p ?o }",
        before=graph("one", PAIR),
        after=graph("one", PAIR),
    ),
    Case(
        "delete",
        "dawg-delete-with-04",
        "GRAPH overrides WITH, and matches nothing",
        update="WITH g:two DELETE { GRAPH g:one { ?s ?p ?o } }"
        " WHERE { GRAPH g:one { ?s ex:twinnedWith ex:tartu . ?s ?p ?o } }",
        before=graph("one", PAIR) + graph("two", CHAIN),
        after=graph("one", PAIR) + graph("two", CHAIN),
    ),
    Case(
        "delete",
        "dawg-delete-with-05",
        "WITH changes only its graph",
        update="WITH g:one DELETE { ?s ?p ?o } WHERE { ?s ex:twinnedWith ex:lahti . ?s ?p ?o }",
        before=graph("one", PAIR) + THREE,
        after=graph("one", LAHTI) + THREE,
    ),
    Case(
        "delete",
        "dawg-delete-with-06",
        "GRAPH overrides WITH; only that graph changes",
        update="WITH g:three DELETE { GRAPH g:two { ?s ?p ?o } }"
        ' WHERE { GRAPH g:two { ?s ex:name "Turku" . ?s ?p ?o } }',
        before=PAIR + THREE,
        after=PAIR + graph("two", CHAIN_WITHOUT_TURKU) + graph("three", THIRD),
    ),
    Case(
        "delete",
        "dawg-delete-using-01",
        "USING: the WHERE reads a named graph",
        update="DELETE { ?s ?p ?o } USING g:two WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
        before=PAIR + graph("two", CHAIN),
        after=PAIR_WITHOUT_LAHTI + graph("two", CHAIN),
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } USING g:two"
        " WHERE { ex:lund ex:twinnedWith ?s . ?s ?p ?o }",
    ),
    Case(
        "delete",
        "dawg-delete-using-02a",
        "with USING (and no USING NAMED) the WHERE has no named graph for GRAPH",
        update="DELETE { ?s ?p ?o } USING g:three"
        " WHERE { GRAPH g:two { ex:lund ex:twinnedWith ?s . ?s ?p ?o } }",
        before=PAIR + THREE,
        after=PAIR + THREE,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } USING g:three"
        " WHERE { GRAPH g:two { ex:lund ex:twinnedWith ?s . ?s ?p ?o } }",
    ),
    Case(
        "delete",
        "dawg-delete-using-03",
        "USING, and a WHERE that matches nothing there",
        update="DELETE { ?s ?p ?o } USING g:two WHERE { ?s ex:twinnedWith ex:tartu . ?s ?p ?o }",
        before=PAIR + graph("two", CHAIN),
        after=PAIR + graph("two", CHAIN),
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } USING g:two"
        " WHERE { ?s ex:twinnedWith ex:tartu . ?s ?p ?o }",
    ),
    Case(
        "delete",
        "dawg-delete-using-04",
        "USING, and a GRAPH in the WHERE that the dataset does not have",
        update="DELETE { ?s ?p ?o } USING g:three"
        " WHERE { GRAPH g:two { ?s ex:twinnedWith ex:tartu . ?s ?p ?o } }",
        before=THIRD + THREE,
        after=THIRD + THREE,
        treatment=D,
        twin="WITH g:main DELETE { ?s ?p ?o } USING g:three"
        " WHERE { GRAPH g:two { ?s ex:twinnedWith ex:tartu . ?s ?p ?o } }",
    ),
    Case(
        "delete",
        "dawg-delete-using-05",
        "USING the graph the template deletes from",
        update="DELETE { GRAPH g:one { ?s ?p ?o } } USING g:one"
        " WHERE { ?s ex:twinnedWith ex:lahti . ?s ?p ?o }",
        before=graph("one", PAIR) + THREE,
        after=graph("one", LAHTI) + THREE,
        protocol=Using(
            "DELETE { GRAPH g:one { ?s ?p ?o } } WHERE { ?s ex:twinnedWith ex:lahti . ?s ?p ?o }",
            graphs=("http://example.org/graph/one",),
        ),
    ),
    Case(
        "delete",
        "dawg-delete-using-06a",
        "GRAPH in the WHERE does not reach outside the USING dataset",
        update="DELETE { GRAPH g:two { ?s ?p ?o } } USING g:three"
        ' WHERE { GRAPH g:two { ?s ex:name "Turku" . ?s ?p ?o } }',
        before=graph("one", PAIR) + THREE,
        after=graph("one", PAIR) + THREE,
        protocol=Using(
            "DELETE { GRAPH g:two { ?s ?p ?o } }"
            ' WHERE { GRAPH g:two { ?s ex:name "Turku" . ?s ?p ?o } }',
            graphs=("http://example.org/graph/three",),
        ),
    ),
)

DELETE_DATA = (
    Case(
        "delete-data",
        "dawg-delete-data-01",
        "DELETE DATA of a triple in the default graph",
        update="DELETE DATA { ex:lund ex:twinnedWith ex:lahti }",
        before=PAIR,
        after=PAIR_UNTWINNED,
        treatment=D,
        twin="DELETE DATA { GRAPH g:main { ex:lund ex:twinnedWith ex:lahti } }",
    ),
    Case(
        "delete-data",
        "dawg-delete-data-02",
        "DELETE DATA of a triple in a named graph",
        update="DELETE DATA { GRAPH g:one { ex:lund ex:twinnedWith ex:lahti } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR_UNTWINNED),
    ),
    Case(
        "delete-data",
        "dawg-delete-data-03",
        "DELETE DATA of a triple the default graph lacks",
        update="DELETE DATA { ex:lund ex:twinnedWith ex:tartu }",
        before=PAIR,
        after=PAIR,
        treatment=D,
        twin="DELETE DATA { GRAPH g:main { ex:lund ex:twinnedWith ex:tartu } }",
    ),
    Case(
        "delete-data",
        "dawg-delete-data-04",
        "DELETE DATA of a triple a named graph lacks",
        update="DELETE DATA { GRAPH g:one { ex:lund ex:twinnedWith ex:tartu } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR),
    ),
    Case(
        "delete-data",
        "dawg-delete-data-05",
        "DELETE DATA in the default graph leaves the same triple in a named graph",
        update="DELETE DATA { ex:lund ex:twinnedWith ex:lahti }",
        before=PAIR + THREE,
        after=PAIR_UNTWINNED + THREE,
        treatment=D,
        twin="DELETE DATA { GRAPH g:main { ex:lund ex:twinnedWith ex:lahti } }",
    ),
    Case(
        "delete-data",
        "dawg-delete-data-06",
        "DELETE DATA in one named graph leaves the same triple in another",
        update='DELETE DATA { GRAPH g:two { ex:turku ex:name "Turku" } }',
        before=PAIR + THREE,
        after=PAIR + graph("two", CHAIN_WITHOUT_TURKU_NAME) + graph("three", THIRD),
    ),
)

DELETE_WHERE = (
    Case(
        "delete-where",
        "dawg-delete-where-01",
        "DELETE WHERE in the default graph",
        update="DELETE WHERE { ex:lund ex:twinnedWith ?c }",
        before=PAIR,
        after=PAIR_UNTWINNED,
        treatment=D,
        twin="DELETE WHERE { GRAPH g:main { ex:lund ex:twinnedWith ?c } }",
    ),
    Case(
        "delete-where",
        "dawg-delete-where-02",
        "DELETE WHERE in a named graph",
        update="DELETE WHERE { GRAPH g:one { ex:lund ex:twinnedWith ?c } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR_UNTWINNED),
    ),
    Case(
        "delete-where",
        "dawg-delete-where-03",
        "DELETE WHERE matching nothing (default graph)",
        update="DELETE WHERE { ?c ex:twinnedWith ex:tartu }",
        before=PAIR,
        after=PAIR,
        treatment=D,
        twin="DELETE WHERE { GRAPH g:main { ?c ex:twinnedWith ex:tartu } }",
    ),
    Case(
        "delete-where",
        "dawg-delete-where-04",
        "DELETE WHERE matching nothing (named graph)",
        update="DELETE WHERE { GRAPH g:one { ?c ex:twinnedWith ex:tartu } }",
        before=graph("one", PAIR),
        after=graph("one", PAIR),
    ),
    Case(
        "delete-where",
        "dawg-delete-where-05",
        "DELETE WHERE in the default graph leaves the named graphs",
        update="DELETE WHERE { ?c ex:twinnedWith ex:lahti }",
        before=PAIR + THREE,
        after=PAIR_UNTWINNED + THREE,
        treatment=D,
        twin="DELETE WHERE { GRAPH g:main { ?c ex:twinnedWith ex:lahti } }",
    ),
    Case(
        "delete-where",
        "dawg-delete-where-06",
        "DELETE WHERE in one named graph only",
        update='DELETE WHERE { GRAPH g:two { ?c ex:name "Turku" } }',
        before=PAIR + THREE,
        after=PAIR + graph("two", CHAIN_WITHOUT_TURKU_NAME) + graph("three", THIRD),
    ),
)

# ---- delete-insert: three cities twinned with each other -----------------------------------

CITIES = """\
ex:lund ex:name "Lund" ; ex:site <http://lund.example/> .
ex:lahti ex:name "Lahti" ; ex:site <http://lahti.example/> .
ex:turku ex:name "Turku" ; ex:site <http://turku.example/> .
"""
TWINNED = CITIES + "ex:lund ex:twinnedWith ex:lahti, ex:turku . ex:lahti ex:twinnedWith ex:turku ."
REVERSED = CITIES + "ex:lahti ex:twinnedWith ex:lund . ex:turku ex:twinnedWith ex:lund, ex:lahti ."
WITHOUT_LUNDS = CITIES + "ex:lahti ex:twinnedWith ex:turku ."
_REWRITTEN = """{ ?a ex:name "Lund" }
{ SELECT DISTINCT ?b
  { { ?b ?x ?y } UNION { ?x ?b ?y } UNION { ?x ?y ?b }
    UNION { GRAPH ?g { ?b ?x ?y } } UNION { GRAPH ?g { ?x ?b ?y } }
    UNION { GRAPH ?g { ?x ?y ?b } } } }"""
_LUND_ONLY = (
    "DELETE { ?a ex:twinnedWith ?b } INSERT { ?a ex:twinnedWith ?a }"
    ' WHERE { { ?a ex:name "Lund" } { ?a ex:twinnedWith ?b } }'
)
BUDGETS = (
    "ex:lund ex:budget 1000 . ex:lahti ex:budget 1100 ."
    " ex:turku ex:budget 1450 . ex:oslo ex:budget 2000 ."
)
RAISED = (
    "ex:lund ex:budget 1100 . ex:lahti ex:budget 1200 ."
    " ex:turku ex:budget 1550 . ex:oslo ex:budget 2000 ."
)
_RAISE = (
    "DELETE { ?c ex:budget ?b } INSERT { ?c ex:budget ?raised }"
    " WHERE { ?c ex:budget ?b FILTER(?b < 1500) BIND(?b + 100 AS ?raised) }"
)


def _with_main(update: str) -> str:
    return "WITH g:main " + update


DELETE_INSERT = (
    Case(
        "delete-insert",
        "dawg-delete-insert-01",
        "DELETE and INSERT in one operation: reverse",
        update="DELETE { ?a ex:twinnedWith ?b } INSERT { ?b ex:twinnedWith ?a }"
        " WHERE { ?a ex:twinnedWith ?b }",
        before=TWINNED,
        after=REVERSED,
        treatment=D,
        twin="WITH g:main DELETE { ?a ex:twinnedWith ?b } INSERT { ?b ex:twinnedWith ?a }"
        " WHERE { ?a ex:twinnedWith ?b }",
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-01b",
        "DELETE then INSERT as two operations: the INSERT finds nothing left",
        update="DELETE { ?a ex:twinnedWith ?b } WHERE { ?a ex:twinnedWith ?b } ;\n"
        "INSERT { ?b ex:twinnedWith ?a } WHERE { ?a ex:twinnedWith ?b }",
        before=TWINNED,
        after=CITIES,
        treatment=D,
        twin="WITH g:main DELETE { ?a ex:twinnedWith ?b } WHERE { ?a ex:twinnedWith ?b } ;\n"
        "WITH g:main INSERT { ?b ex:twinnedWith ?a } WHERE { ?a ex:twinnedWith ?b }",
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-01c",
        "INSERT then DELETE as two operations: the DELETE removes both directions",
        update="INSERT { ?b ex:twinnedWith ?a } WHERE { ?a ex:twinnedWith ?b } ;\n"
        "DELETE { ?a ex:twinnedWith ?b } WHERE { ?a ex:twinnedWith ?b }",
        before=TWINNED,
        after=CITIES,
        treatment=D,
        twin="WITH g:main INSERT { ?b ex:twinnedWith ?a } WHERE { ?a ex:twinnedWith ?b } ;\n"
        "WITH g:main DELETE { ?a ex:twinnedWith ?b } WHERE { ?a ex:twinnedWith ?b }",
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-02",
        "DELETE the twinnings of the city named Lund",
        update='DELETE { ?a ex:twinnedWith ?b } WHERE { ?a ex:name "Lund" . ?a ex:twinnedWith ?b }',
        before=TWINNED,
        after=WITHOUT_LUNDS,
        treatment=D,
        twin="WITH g:main DELETE { ?a ex:twinnedWith ?b }"
        ' WHERE { ?a ex:name "Lund" . ?a ex:twinnedWith ?b }',
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-04",
        "the same by a naive rewriting (every term of the store as a candidate)",
        update="DELETE { ?a ex:twinnedWith ?b } WHERE { " + _REWRITTEN + " }",
        before=TWINNED,
        after=WITHOUT_LUNDS,
        treatment=D,
        twin="WITH g:main DELETE { ?a ex:twinnedWith ?b } WHERE { " + _REWRITTEN + " }",
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-04b",
        "the same by a simpler rewriting",
        update="DELETE { ?a ex:twinnedWith ?b }"
        ' WHERE { { ?a ex:name "Lund" } { ?a ex:twinnedWith ?b } }',
        before=TWINNED,
        after=WITHOUT_LUNDS,
        treatment=D,
        twin="WITH g:main DELETE { ?a ex:twinnedWith ?b }"
        ' WHERE { { ?a ex:name "Lund" } { ?a ex:twinnedWith ?b } }',
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-05b",
        "delete Lund's twinnings and twin Lund with itself",
        update=_LUND_ONLY,
        before=TWINNED,
        after=WITHOUT_LUNDS + " ex:lund ex:twinnedWith ex:lund .",
        treatment=D,
        twin=_with_main(_LUND_ONLY),
    ),
    Case(
        "delete-insert",
        "dawg-delete-insert-06b",
        "the same when Lund has no twinning: no solution, nothing inserted",
        update=_LUND_ONLY,
        before=WITHOUT_LUNDS,
        after=WITHOUT_LUNDS,
        treatment=D,
        twin=_with_main(_LUND_ONLY),
    ),
    Case(
        "delete-insert",
        "delete-insert-halloween-problem",
        "an operation does not see its own writes (each budget raised once)",
        update=_RAISE,
        before=BUDGETS,
        after=RAISED,
        treatment=D,
        twin=_with_main(_RAISE),
    ),
)

# ---- update-silent -------------------------------------------------------------------------

SPO = "ex:lund ex:twinnedWith ex:lahti ."
NAMED_SPO = graph("two", SPO)

SILENT = (
    Case(
        "update-silent",
        "load-silent",
        "LOAD SILENT of a document that cannot be fetched",
        update=f"LOAD SILENT <{NOWHERE}>",
        before="",
        after="",
        treatment=Treatment.LOAD,
    ),
    Case(
        "update-silent",
        "load-into-silent",
        "LOAD SILENT … INTO GRAPH of one that cannot be fetched",
        update=f"LOAD SILENT <{NOWHERE}> INTO GRAPH g:one",
        before="",
        after="",
        treatment=Treatment.LOAD,
    ),
    Case(
        "update-silent",
        "clear-silent",
        "CLEAR SILENT of a graph that does not exist",
        update="CLEAR SILENT GRAPH g:missing",
        before=SPO,
        after=SPO,
    ),
    Case(
        "update-silent",
        "clear-default-silent",
        "CLEAR SILENT DEFAULT of an empty default graph",
        update="CLEAR SILENT DEFAULT",
        before="",
        after="",
        treatment=D,
    ),
    Case(
        "update-silent",
        "create-silent",
        "CREATE SILENT of a graph that exists",
        update="CREATE SILENT GRAPH g:two",
        before=NAMED_SPO,
        after=NAMED_SPO,
    ),
    Case(
        "update-silent",
        "drop-silent",
        "DROP SILENT of a graph that does not exist",
        update="DROP SILENT GRAPH g:missing",
        before=SPO,
        after=SPO,
    ),
    Case(
        "update-silent",
        "drop-default-silent",
        "DROP SILENT DEFAULT of an empty default graph",
        update="DROP SILENT DEFAULT",
        before="",
        after="",
        treatment=D,
    ),
    Case(
        "update-silent",
        "copy-silent",
        "COPY SILENT from a graph that does not exist",
        update="COPY SILENT GRAPH g:missing TO GRAPH g:elsewhere",
        before=NAMED_SPO,
        after=NAMED_SPO,
    ),
    Case(
        "update-silent",
        "copy-to-default-silent",
        "COPY SILENT … TO DEFAULT from a missing graph",
        update="COPY SILENT GRAPH g:missing TO DEFAULT",
        before="",
        after="",
        treatment=D,
    ),
    Case(
        "update-silent",
        "move-silent",
        "MOVE SILENT from a graph that does not exist",
        update="MOVE SILENT GRAPH g:missing TO GRAPH g:elsewhere",
        before=NAMED_SPO,
        after=NAMED_SPO,
    ),
    Case(
        "update-silent",
        "move-to-default-silent",
        "MOVE SILENT … TO DEFAULT from a missing graph",
        update="MOVE SILENT GRAPH g:missing TO DEFAULT",
        before="",
        after="",
        treatment=D,
    ),
    Case(
        "update-silent",
        "add-silent",
        "ADD SILENT from a graph that does not exist",
        update="ADD SILENT GRAPH g:missing TO GRAPH g:elsewhere",
        before=NAMED_SPO,
        after=NAMED_SPO,
    ),
    Case(
        "update-silent",
        "add-to-default-silent",
        "ADD SILENT … TO DEFAULT from a missing graph",
        update="ADD SILENT GRAPH g:missing TO DEFAULT",
        before="",
        after="",
        treatment=D,
    ),
)

#: Every evaluation case (the negative syntax cases of delete-insert are in SYNTAX).
EVALUATION: tuple[Case, ...] = (
    ADD
    + BASIC
    + CLEAR
    + COPY
    + DELETE
    + DELETE_DATA
    + DELETE_INSERT
    + DELETE_WHERE
    + DROP
    + MOVE
    + SILENT
)

# ---- syntax ----------------------------------------------------------------------------------


class Verdict(Enum):
    """What ``prepare`` must answer to a syntax case."""

    ACCEPTED = "accepted"
    DEFAULT_GRAPH = "refused: it writes the default graph (a partnergraph policy)"
    LOAD = "refused: LOAD (a write never reads the network or files)"
    SYNTAX_ERROR = "refused: not SPARQL 1.1 Update"


@dataclass(frozen=True)
class SyntaxCase:
    """A syntax case: an update text and what ``prepare`` must say.

    Attributes:
        suite: the manifest's folder.
        name: the manifest entry.
        text: the update, written here for the same grammar point.
        verdict: what prepare must answer (a positive case of the suite is ACCEPTED
            or refused for a partnergraph policy; a negative one is SYNTAX_ERROR).
        control: for a negative case, the nearest text that is SPARQL 1.1 Update (it
            differs at the grammar point only: the refusal is about that point).
        blank_nodes: the update writes blank nodes, which the commit refuses.
    """

    suite: str
    name: str
    text: str
    verdict: Verdict
    control: str | None = None
    blank_nodes: bool = False


def _large_request() -> str:
    """A long INSERT DATA: object lists, a long predicate list, one triple repeated, many
    distinct triples (400 statements; the suite's has about 1,200, but prepare's reading
    by rdflib grows faster than the request: about 10 s for 1,000 triples)."""
    objects = ", ".join(str(n) for n in range(30))
    names = "; ".join(f'<name> "n{n:03}"' for n in range(150))
    repeated = " ".join("<e> <f> <g> ." for _ in range(100))
    distinct = " ".join(f"<e> <f> <g{n:03}> ." for n in range(120))
    return (
        "BASE <http://example.org/large/>\n"
        "INSERT DATA { GRAPH <http://example.org/graph/large> {\n"
        f"<a> <b> {objects} .\n<c> {names} .\n{repeated}\n{distinct}\n}} }}\n"
    )


S1 = "syntax-update-1"
A = Verdict.ACCEPTED
DG = Verdict.DEFAULT_GRAPH
L = Verdict.LOAD
X = Verdict.SYNTAX_ERROR
_LOAD = f"LOAD <{NOWHERE}>"
_MIXED = """{
 <x> <y> <z>
 GRAPH <gr> { <city> <name> 'a' ; <site> <w> }
 GRAPH <gr2> { <city> <name> 'a' ; <site> <w> }
 <x> <y> <z>
}"""
_WITH_USING = """BASE <tag:example.org,2024:>
PREFIX : <http://example.org/>
WITH :gr
DELETE { <city> ?p ?o }
INSERT { ?s ?p <#other> }
USING <tag:example.org,2024:u1>
USING <tag:example.org,2024:u2>
USING NAMED :n1
USING NAMED :n2
WHERE { ?s ?p ?o }"""
_NESTED = "DELETE DATA { GRAPH <gr> {\n <city> <name> 'a' .\n GRAPH <gr2> { <city> <site> <w> } } }"
_UNNESTED = "DELETE DATA { GRAPH <gr> { <city> <name> 'a' }\n GRAPH <gr2> { <city> <site> <w> } }"
_TWO_BLOCKS = (
    "PREFIX : <http://example.org/>\nINSERT DATA {{ GRAPH <gr1> {{ {0} :name 'a' }} }} ;\n"
)
_TWO_BLOCKS += "INSERT DATA {{ GRAPH <gr2> {{ {1} :name 'a' }} }}"
_LUND = ' WHERE { ?c ex:name "Lund" }'

SYNTAX: tuple[SyntaxCase, ...] = (
    SyntaxCase(
        S1, "test_1", f"BASE <http://example.org/b/>\nPREFIX ex: <http://example.org/>\n{_LOAD}", L
    ),
    SyntaxCase(
        S1,
        "test_2",
        "# a\nBASE <http://example.org/b/>\n# b\n"
        f"PREFIX ex: <http://example.org/>\n# c\n{_LOAD}\n# d\n",
        L,
    ),
    SyntaxCase(S1, "test_3", f"{_LOAD} ;", L),
    SyntaxCase(S1, "test_4", f"{_LOAD} INTO GRAPH <copy>", L),
    SyntaxCase(S1, "test_5", "DROP NAMED", A),
    SyntaxCase(S1, "test_6", "DROP DEFAULT", DG),
    SyntaxCase(S1, "test_7", "DROP ALL", A),
    SyntaxCase(S1, "test_8", "DROP GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_9", "DROP SILENT NAMED", A),
    SyntaxCase(S1, "test_10", "DROP SILENT DEFAULT", DG),
    SyntaxCase(S1, "test_11", "DROP SILENT ALL", A),
    SyntaxCase(S1, "test_12", "DROP SILENT GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_13", "CREATE GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_14", "CREATE SILENT GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_15", "CLEAR NAMED", A),
    SyntaxCase(S1, "test_16", "CLEAR DEFAULT", DG),
    SyntaxCase(S1, "test_17", "CLEAR ALL", A),
    SyntaxCase(S1, "test_18", "CLEAR GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_19", "CLEAR SILENT NAMED", A),
    SyntaxCase(S1, "test_20", "CLEAR SILENT DEFAULT", DG),
    SyntaxCase(S1, "test_21", "CLEAR SILENT ALL", A),
    SyntaxCase(S1, "test_22", "CLEAR SILENT GRAPH <relative-graph>", A),
    SyntaxCase(S1, "test_23", "INSERT DATA { <city> <name> 'a', 'b', 'c' }", DG),
    SyntaxCase(S1, "test_24", "INSERT DATA { GRAPH <gr> { <city> <name> 'a', 'b', 'c' } }", A),
    SyntaxCase(S1, "test_25", f"INSERT DATA {_MIXED}", DG),
    SyntaxCase(
        S1,
        "test_26",
        "INSERT\n# between the keywords\nDATA { GRAPH <gr> { <city> <name> 'a' } }",
        A,
    ),
    SyntaxCase(S1, "test_27", "INSERT\nDATA { }", A),
    SyntaxCase(S1, "test_28", "INSERT\nDATA { GRAPH <gr> { } }", A),
    SyntaxCase(S1, "test_29", "DELETE DATA { <city> <name> 'a', 'b', 'c' }", DG),
    SyntaxCase(S1, "test_30", "DELETE DATA { GRAPH <gr> { <city> <name> 'a', 'b', 'c' } }", A),
    SyntaxCase(S1, "test_31", f"DELETE DATA {_MIXED}", DG),
    SyntaxCase(S1, "test_32", _WITH_USING, A),
    SyntaxCase(
        S1,
        "test_33",
        "PREFIX : <http://example.org/>\nWITH :gr\n"
        "DELETE { <tag:example.org,2024:city> ?p ?o }\nWHERE { ?s ?p ?o }",
        A,
    ),
    SyntaxCase(
        S1,
        "test_34",
        "PREFIX : <http://example.org/>\nWITH :gr\n"
        "INSERT { <tag:example.org,2024:city> ?p ?o }\nWHERE { ?s ?p ?o }",
        A,
    ),
    SyntaxCase(S1, "test_35", "DELETE WHERE { ?a ?b ?c }", DG),
    SyntaxCase(
        S1,
        "test_36",
        "# one\nDELETE\n# two\nWHERE\n# three\n"
        "{ GRAPH <gr> { <city> <count> 42 ; <ratio> 0.5 . } }",
        A,
    ),
    SyntaxCase(S1, "test_37", f"CREATE GRAPH <gr> ;\n{_LOAD} INTO GRAPH <gr> ;", L),
    SyntaxCase(S1, "test_38", "# nothing to do\n", A),
    SyntaxCase(S1, "test_39", "BASE <http://example.org/>\n# and nothing else\n", A),
    SyntaxCase(S1, "test_40", "PREFIX ex: <http://example.org/>\n# and nothing else\n", A),
    SyntaxCase(S1, "test_41", "# LOAD without its IRI\nLOAD ;", X, control=f"{_LOAD} ;"),
    SyntaxCase(S1, "test_42", "# a misspelt keyword\nCLEAR DEFUALT", X, control="CLEAR DEFAULT"),
    SyntaxCase(
        S1,
        "test_43",
        "# a variable in data\nDELETE DATA { ?city <name> 'a' }",
        X,
        control="DELETE DATA { <city> <name> 'a' }",
    ),
    SyntaxCase(
        S1,
        "test_44",
        "# a variable graph in data\nINSERT DATA { GRAPH ?gr { <city> <name> 'a' } }",
        X,
        control="INSERT DATA { GRAPH <gr> { <city> <name> 'a' } }",
    ),
    SyntaxCase(S1, "test_45", f"# GRAPH inside GRAPH\n{_NESTED}", X, control=_UNNESTED),
    SyntaxCase(
        S1,
        "test_46",
        "# no template\nINSERT WHERE { ?a ?b ?c }",
        X,
        control="INSERT { ?a ?b ?c } WHERE { ?a ?b ?c }",
    ),
    SyntaxCase(
        S1,
        "test_47",
        "# two operations, no separator\nCREATE GRAPH <gr>\nCLEAR GRAPH <gr>",
        X,
        control="CREATE GRAPH <gr>\n;\nCLEAR GRAPH <gr>",
    ),
    SyntaxCase(
        S1,
        "test_48",
        "# two separators in a row\nCREATE GRAPH <gr>\n;;\nCLEAR GRAPH <gr>",
        X,
        control="CREATE GRAPH <gr>\n;\nCLEAR GRAPH <gr>",
    ),
    SyntaxCase(
        S1,
        "test_49",
        "CREATE GRAPH <gr>\n;\nCLEAR GRAPH <gr>\n;;",
        X,
        control="CREATE GRAPH <gr>\n;\nCLEAR GRAPH <gr>\n;",
    ),
    SyntaxCase(
        S1,
        "test_50",
        "# a blank node in DELETE WHERE\nDELETE WHERE { _:c <name> 'a' }",
        X,
        control="DELETE WHERE { ?c <name> 'a' }",
    ),
    SyntaxCase(
        S1,
        "test_51",
        "# a blank node in a DELETE template\nDELETE { ?c <twin> [] } WHERE { ?c <name> 'a' }",
        X,
        control="DELETE { ?c <twin> ?any } WHERE { ?c <name> 'a' }",
    ),
    SyntaxCase(
        S1,
        "test_52",
        "# a blank node in DELETE DATA\nDELETE DATA { GRAPH <gr> { _:c <name> 'a' } }",
        X,
        control="DELETE DATA { GRAPH <gr> { <c> <name> 'a' } }",
    ),
    SyntaxCase(
        S1,
        "test_53",
        "PREFIX : <http://example.org/>\nINSERT DATA {\n GRAPH <gr1> { _:c :name 'a' }\n"
        " GRAPH <gr2> { _:c :name 'a' }\n}",
        A,
        blank_nodes=True,
    ),
    SyntaxCase(
        S1,
        "test_54",
        _TWO_BLOCKS.format("_:c", "_:c"),
        X,
        control=_TWO_BLOCKS.format("_:c1", "_:c2"),
    ),
    SyntaxCase("syntax-update-2", "syntax-update-other-01", _large_request(), A),
    # the negative syntax cases of the delete-insert evaluation suite
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-03",
        UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith [] }" + _LUND,
        X,
        control=UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith ?any }" + _LUND,
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-03b",
        UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith _:any }" + _LUND,
        X,
        control=UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith ?any }" + _LUND,
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-05",
        UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith [] } INSERT { ?c ex:twinnedWith ?c }" + _LUND,
        X,
        control=UPDATE_PROLOGUE
        + "DELETE { ?c ex:twinnedWith ?any } INSERT { ?c ex:twinnedWith ?c }"
        + _LUND,
    ),
    # the manifest gives dawg-delete-insert-06 the action of -05: the same grammar point
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-06",
        UPDATE_PROLOGUE + "INSERT { ?c ex:twinnedWith ?c } DELETE { ?c ex:twinnedWith [] }" + _LUND,
        X,
        control=UPDATE_PROLOGUE
        + "DELETE { ?c ex:twinnedWith ?any } INSERT { ?c ex:twinnedWith ?c }"
        + _LUND,
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-07",
        UPDATE_PROLOGUE + "DELETE { ?c ex:twinnedWith [] } INSERT { ?c ex:twinnedWith [] }" + _LUND,
        X,
        control=UPDATE_PROLOGUE
        + "DELETE { ?c ex:twinnedWith ?any } INSERT { ?c ex:twinnedWith [] }"
        + _LUND,
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-07b",
        UPDATE_PROLOGUE
        + "DELETE { ?c ex:twinnedWith [] } INSERT { ?c ex:twinnedWith [] }"
        + ' WHERE { ?c ex:name "Lund" . ?c ex:twinnedWith [] }',
        X,
        control=UPDATE_PROLOGUE
        + "DELETE { ?c ex:twinnedWith ?any } INSERT { ?c ex:twinnedWith [] }"
        + ' WHERE { ?c ex:name "Lund" . ?c ex:twinnedWith [] }',
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-08",
        UPDATE_PROLOGUE
        + "DELETE { _:c ex:budget 12 . _:c ex:code ?code }"
        + " WHERE { ?s ex:r ?q OPTIONAL { ?q ex:s ?code } }",
        X,
        control=UPDATE_PROLOGUE
        + "DELETE { ?c ex:budget 12 . ?c ex:code ?code }"
        + " WHERE { ?s ex:r ?q OPTIONAL { ?q ex:s ?code } }",
    ),
    SyntaxCase(
        "delete-insert",
        "dawg-delete-insert-09",
        UPDATE_PROLOGUE + "DELETE { _:c ex:budget 12 . _:c ex:code _:d } WHERE { }",
        X,
        control=UPDATE_PROLOGUE + "DELETE { ?c ex:budget 12 . ?c ex:code ?d } WHERE { }",
    ),
)
