"""Value checks that follow rdflib's notion of a literal, as pySHACL 0.40 applies them.

pySHACL decides well-formed literals, string forms and order with rdflib's
``Literal`` (https://rdflib.readthedocs.io/): a date is valid when Python's
``date.fromisoformat`` reads it, ``"1"`` and ``"01"`` are the same integer, two
literals of different datatypes compare by their datatype IRIs. SPARQL's rules
differ in places, so these few checks run in Python, on rdflib terms, with the
very expressions pySHACL uses; the SPARQL queries call them as a custom function.
"""

from __future__ import annotations

import datetime
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node, XSDToPython

from partnergraph.terms import to_rdflib

#: Datatypes whose literals rdflib parses, so that some are ill-typed.
PARSED_DATATYPES = frozenset(str(dt) for dt, parse in XSDToPython.items() if parse is not None)
_ORDERED_BY_VALUE = (datetime.datetime, datetime.time)


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence what rdflib says about each ill-typed literal it meets (a logged
    traceback, or a warning for a boolean such as ``"yes"``): validation reports it."""
    logger = logging.getLogger("rdflib.term")
    previous = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        logger.disabled = previous


def rdflib_term(term: object) -> Node:
    """A pyoxigraph term as the rdflib term pySHACL sees, without rdflib's log noise."""
    with _quiet_rdflib():
        return to_rdflib(term)


def datatype_ok(value: Node, datatype: URIRef) -> bool:
    """sh:datatype as pySHACL's DatatypeConstraintComponent decides it."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if value.ill_typed is True:
            return False
        return _actual_datatype(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return _actual_datatype(value, datatype)
    if datatype == RDF.langString and value.language:
        return _actual_datatype(value, datatype)
    return False


def _actual_datatype(value: Literal, datatype: URIRef) -> bool:
    python = value.value
    expected: dict[URIRef, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: datetime.date,
        XSD.time: datetime.time,
        XSD.dateTime: datetime.datetime,
    }
    kind = expected.get(datatype)
    return True if kind is None else isinstance(python, kind)


def string_form(value: Node) -> str:
    """The string a pattern is matched against (pySHACL's value_node_to_string)."""
    if isinstance(value, Literal):
        if value.value is not None and value.datatype in (None, RDF.langString, XSD.string):
            return str(value.value)
        return str(value)
    return str(value)


def compile_pattern(pattern: Literal, flags: str | None) -> re.Pattern[str]:
    """A sh:pattern as pySHACL compiles it: Python ``re``; of the flags only i and m."""
    re_flags = 0
    if flags:
        lowered = flags.lower()
        if "i" in lowered:
            re_flags |= re.IGNORECASE
        if "m" in lowered:
            re_flags |= re.MULTILINE
    text = pattern.value
    source = str(text) if text is not None and len(text) > 1 else str(pattern)
    return re.compile(source, re_flags)


def pattern_ok(value: Node, regex: re.Pattern[str]) -> bool:
    """sh:pattern: a blank node fails, anything else is searched as a string."""
    if isinstance(value, BNode):
        return False
    return regex.search(string_form(value)) is not None


def _compare(left: Literal, right: Literal) -> int:
    """pySHACL's compare_literal."""
    if left.eq(right):
        return 0
    if left.value.__class__ in _ORDERED_BY_VALUE:
        if left.value == right.value:
            return 0
        if left.value > right.value:
            return 1
    elif left > right:
        return 1
    return -1


_OPS: dict[str, Callable[[int], bool]] = {
    ">=": lambda c: c >= 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    "<": lambda c: c < 0,
}


def range_ok(value: Node, bound: Literal, op: str) -> bool:
    """sh:min/maxInclusive/Exclusive as pySHACL's value range components decide them."""
    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        return _OPS[op](_compare(value, bound))
    except (TypeError, NotImplementedError):
        return False
