"""Named queries: the ``queries/*.rq`` files and their ``#+`` YAML headers.

Each file is a SPARQL 1.1 query (https://www.w3.org/TR/sparql11-query/) that
starts with a metadata header in ``#+`` comment lines, so that the file stays
valid SPARQL (the idea of grlc's decorators)::

    #+ title: Partners of a municipality
    #+ description: Every partnership of one municipality, with its type.
    #+ parameters:
    #+   - name: city
    #+     type: iri
    #+     class: schema:City
    #+     required: true
    #+     example: <id/city/lund>
    #+ tags: [partnerships]
    PREFIX pg: <https://w3id.org/partnergraph/def/>
    SELECT ...

The file name (without ``.rq``) is the query's stable URL slug. The headers are
read once, at start-up; anything wrong — broken YAML, an unknown or repeated key, a
value of the wrong kind, a parameter with no ``?variable`` in the query, a query
that does not parse — stops start-up with a :class:`QueryFileError` that names the
file and the line. The keys are documented in ``docs/queries.md``.

IRIs in a header are written as in Turtle: a prefixed name with one of the
project's prefixes (``schema:City``) or an IRI in angle brackets, relative ones
resolved against the configured base IRI (``<id/city/lund>``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urljoin

import yaml
from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery

from partnergraph.errors import ConfigurationError
from partnergraph.namespaces import Namespaces

HEADER_MARK: Final = "#+"

#: The base IRI the query files are written under; see :func:`rebase`.
WRITTEN_BASE: Final = "https://w3id.org/partnergraph/"

#: What a parameter's ``type`` may be, with what its values look like.
PARAMETER_TYPES: Final[Mapping[str, str]] = {
    "iri": "an IRI (of the class given by 'class', when there is one)",
    "concept": "a concept of the SKOS concept scheme given by 'scheme'",
    "string": "a string",
    "language": "a language tag such as en, sv or fi",
    "integer": "an integer",
    "date": "a date, YYYY-MM-DD",
    "year": "a year, YYYY",
}

QUERY_KEYS: Final = frozenset({"title", "description", "parameters", "tags"})
PARAMETER_KEYS: Final = frozenset(
    {"name", "type", "description", "required", "default", "example", "class", "scheme"}
)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PREFIXED = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_./-]*)?")
_BRACKETED = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
_LEXICAL: Final[Mapping[str, re.Pattern[str]]] = {
    "integer": re.compile(r"[+-]?[0-9]+"),
    "date": re.compile(r"-?[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "year": re.compile(r"-?[0-9]{4}"),
    "language": re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*"),
}
# Strings, IRIs and comments are skipped so that a "?x" inside them is no variable.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)"
    r"|.",
    re.DOTALL,
)


class QueryFileError(ConfigurationError):
    """A named query file cannot be used: a broken header or query.

    Attributes:
        path: the file.
        line: the 1-based line of the problem.
        detail: what is wrong.
    """

    title = "Broken named query"

    def __init__(self, path: Path, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        super().__init__(f"{path}:{line}: {detail}")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a named query.

    Attributes:
        name: the name, also the query variable (``?name``) it binds.
        type: one of :data:`PARAMETER_TYPES`.
        description: what it means, for people.
        required: whether a call must give it.
        default: the value used when a call does not give it (lexical form).
        example: a value that works, for the documentation (lexical form).
        cls: for ``iri``: the class the IRI must be an instance of (header key ``class``).
        scheme: for ``concept``: the concept scheme the value must belong to.
        line: the line of the file where it is declared.
    """

    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    example: str | None = None
    cls: str | None = None
    scheme: str | None = None
    line: int = 0


@dataclass(frozen=True)
class NamedQuery:
    """A named query read from ``queries/{name}.rq``.

    Attributes:
        name: the file name without ``.rq``, the stable URL slug.
        path: the file.
        title: a short title (the editor's tab name).
        description: what it answers.
        parameters: the declared parameters, in header order.
        tags: free keywords for grouping.
        query: the SPARQL text after the header.
    """

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    query: str

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, or None."""
        return next((p for p in self.parameters if p.name == name), None)


def load_queries(folder: Path) -> tuple[NamedQuery, ...]:
    """Read every ``*.rq`` file of a folder.

    Args:
        folder: the queries folder (setting ``queries_dir``).

    Returns:
        The queries, sorted by name.

    Raises:
        QueryFileError: the first file that cannot be used, with its line.
        ConfigurationError: the folder does not exist.
    """
    if not folder.is_dir():
        raise ConfigurationError(f"queries_dir {folder} is not a folder")
    return tuple(read_query(path) for path in sorted(folder.glob("*.rq")))


def read_query(path: Path) -> NamedQuery:
    """Read one named query file.

    Args:
        path: the ``.rq`` file; its name is the query's slug.

    Returns:
        The query with its header.

    Raises:
        QueryFileError: an unusable file name, header or query, with the line.
    """
    if not _SLUG.fullmatch(path.stem):
        raise QueryFileError(
            path, 1, f"the file name {path.stem!r} is no URL slug (lowercase a-z, 0-9 and '-')"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise QueryFileError(path, 1, f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise QueryFileError(path, line, "not valid UTF-8") from exc
    lines = text.splitlines()
    header_lines = _header_lines(path, lines)
    meta = _Header(path, header_lines)
    query = "\n".join(lines[len(header_lines) :]).strip("\n") + "\n"
    projected = _projection(path, text)
    parameters = meta.parameters()
    variables = query_variables(query)
    for param in parameters:
        if param.name not in variables:
            raise QueryFileError(
                path,
                param.line,
                f"parameter {param.name!r} has no matching variable ?{param.name} in the query",
            )
        if projected is not None and param.name not in projected:
            raise QueryFileError(
                path,
                param.line,
                f"parameter {param.name!r}: ?{param.name} must be in the SELECT projection "
                "(values are bound to projected variables only)",
            )
    return NamedQuery(
        name=path.stem,
        path=path,
        title=meta.title,
        description=meta.description,
        parameters=parameters,
        tags=meta.tags,
        query=query,
    )


def query_variables(query: str) -> frozenset[str]:
    """The names of the variables a query mentions, outside strings, IRIs and comments."""
    return frozenset(m.group(1) for m in _TOKENS.finditer(query) if m.group(1))


def rebase(query: str, base_iri: str) -> str:
    """The query with IRIs under :data:`WRITTEN_BASE` moved under ``base_iri``.

    The files are written under the default base IRI (so that each is valid,
    runnable SPARQL as it stands); a deployment with another base serves them
    under its own.
    """
    if base_iri == WRITTEN_BASE:
        return query
    return query.replace("<" + WRITTEN_BASE, "<" + base_iri)


def resolve_iri(value: str, base_iri: str) -> str:
    """The absolute IRI a header value stands for.

    Args:
        value: ``prefix:local`` with a project prefix, or ``<iri>`` (relative ones
            resolved against the base).
        base_iri: the configured base IRI.

    Returns:
        The absolute IRI.

    Raises:
        ValueError: the value is neither form, or its prefix is unknown.
    """
    bracketed = _BRACKETED.fullmatch(value)
    if bracketed:
        return urljoin(base_iri, str(bracketed.group(1)))
    prefixed = _PREFIXED.fullmatch(value)
    prefixes = Namespaces(base_iri).prefixes()
    if prefixed and prefixed.group(1) in prefixes:
        return prefixes[prefixed.group(1)] + (prefixed.group(2) or "")
    raise ValueError(
        f"{value!r} is no IRI: write <iri> or prefix:name with one of "
        + ", ".join(sorted(prefixes))
    )


def _header_lines(path: Path, lines: list[str]) -> list[str]:
    count = 0
    while count < len(lines) and lines[count].startswith(HEADER_MARK):
        count += 1
    if count == 0:
        raise QueryFileError(path, 1, f"no header: the file must start with {HEADER_MARK!r} lines")
    for number, line in enumerate(lines[count:], start=count + 1):
        if line.startswith(HEADER_MARK):
            raise QueryFileError(
                path, number, f"a {HEADER_MARK!r} header line after the query has begun"
            )
    return lines[:count]


def _projection(path: Path, text: str) -> frozenset[str] | None:
    """Parse the query; the variables a SELECT projects (None: all, or no SELECT)."""
    # rdflib's parser only parses; pyoxigraph would evaluate the query (and SERVICE).
    try:
        parsed = parseQuery(text)[1]
    except ParseBaseException as exc:
        raise QueryFileError(path, exc.lineno, f"the query does not parse: {exc.msg}") from exc
    if parsed.name != "SelectQuery" or "projection" not in parsed:
        return None
    return frozenset(
        str(item["var"] if "var" in item else item["evar"]) for item in parsed["projection"]
    )


class _Header:
    """The YAML of one header, read with the position of every node."""

    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        yaml_text = "\n".join(_unmark(line) for line in lines) + "\n"
        loader = yaml.SafeLoader(yaml_text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise QueryFileError(path, 1, "the header is empty")
            self._check_unique_keys(node)
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            raise QueryFileError(path, line, f"broken YAML header: {exc.problem}") from exc
        except yaml.YAMLError as exc:
            raise QueryFileError(path, 1, f"broken YAML header: {exc}") from exc
        finally:
            loader.dispose()
        self.node = node
        self.data = self._mapping(data, node, QUERY_KEYS, "the header")
        if "title" not in self.data:
            raise QueryFileError(path, 1, "the header has no 'title'")

    @property
    def title(self) -> str:
        return self._text(self.data, self.node, "title", required=True)

    @property
    def description(self) -> str:
        return self._text(self.data, self.node, "description")

    @property
    def tags(self) -> tuple[str, ...]:
        raw = self.data.get("tags", [])
        if not isinstance(raw, list) or not all(isinstance(t, str) and t for t in raw):
            raise self._error(self.node, "tags", "'tags' must be a list of words")
        return tuple(raw)

    def parameters(self) -> tuple[Parameter, ...]:
        raw = self.data.get("parameters", [])
        if not isinstance(raw, list):
            raise self._error(self.node, "parameters", "'parameters' must be a list")
        items = _child(self.node, "parameters")
        nodes = items.value if isinstance(items, yaml.SequenceNode) else []
        result: list[Parameter] = []
        for item, node in zip(raw, nodes, strict=True):
            param = self._parameter(item, node)
            if any(p.name == param.name for p in result):
                raise QueryFileError(
                    self.path, param.line, f"parameter {param.name!r} is declared twice"
                )
            result.append(param)
        return tuple(result)

    def _parameter(self, raw: Any, node: yaml.Node) -> Parameter:
        data = self._mapping(raw, node, PARAMETER_KEYS, "a parameter")
        line = node.start_mark.line + 1
        name = self._text(data, node, "name", required=True)
        if not _NAME.fullmatch(name):
            raise self._error(node, "name", f"parameter name {name!r} is no SPARQL variable name")
        kind = self._text(data, node, "type", required=True)
        if kind not in PARAMETER_TYPES:
            raise self._error(
                node,
                "type",
                f"unknown parameter type {kind!r}: one of {', '.join(PARAMETER_TYPES)}",
            )
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise self._error(node, "required", "'required' must be true or false")
        if required and "default" in data:
            raise self._error(node, "default", f"parameter {name!r} is required and has a default")
        cls = self._iri_key(data, node, "class", allowed=kind == "iri")
        scheme = self._iri_key(data, node, "scheme", allowed=kind == "concept")
        if kind == "concept" and scheme is None:
            raise QueryFileError(
                self.path, line, f"parameter {name!r} of type concept needs a 'scheme'"
            )
        return Parameter(
            name=name,
            type=kind,
            description=self._text(data, node, "description"),
            required=required,
            default=self._value(data, node, "default", kind),
            example=self._value(data, node, "example", kind),
            cls=cls,
            scheme=scheme,
            line=line,
        )

    def _iri_key(
        self, data: dict[str, Any], node: yaml.Node, key: str, allowed: bool
    ) -> str | None:
        if key not in data:
            return None
        if not allowed:
            raise self._error(node, key, f"'{key}' does not apply to a parameter of this type")
        value = data[key]
        if not isinstance(value, str):
            raise self._error(node, key, f"'{key}' must be an IRI")
        try:
            resolve_iri(value, WRITTEN_BASE)
        except ValueError as exc:
            raise self._error(node, key, f"'{key}': {exc}") from exc
        return value

    def _value(self, data: dict[str, Any], node: yaml.Node, key: str, kind: str) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or value is None or isinstance(value, list | dict | float):
            raise self._error(node, key, f"'{key}' must be {PARAMETER_TYPES[kind]}")
        if isinstance(value, datetime.date):
            value = value.isoformat()
        text = str(value)
        if kind in _LEXICAL and not _LEXICAL[kind].fullmatch(text):
            raise self._error(node, key, f"'{key}' {text!r} is not {PARAMETER_TYPES[kind]}")
        if kind in {"iri", "concept"}:
            try:
                resolve_iri(text, WRITTEN_BASE)
            except ValueError as exc:
                raise self._error(node, key, f"'{key}': {exc}") from exc
        return text

    def _mapping(
        self, raw: Any, node: yaml.Node, keys: frozenset[str], what: str
    ) -> dict[str, Any]:
        if not isinstance(raw, dict) or not isinstance(node, yaml.MappingNode):
            raise QueryFileError(
                self.path, node.start_mark.line + 1, f"{what} must be a mapping of keys to values"
            )
        for key_node, _ in node.value:
            if key_node.value not in keys:
                raise QueryFileError(
                    self.path,
                    key_node.start_mark.line + 1,
                    f"unknown key {key_node.value!r} in {what}: expected one of "
                    + ", ".join(sorted(keys)),
                )
        return raw

    def _text(self, data: dict[str, Any], node: yaml.Node, key: str, required: bool = False) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self._error(node, key, f"'{key}' must be a non-empty text")
        return value.strip()

    def _error(self, node: yaml.Node, key: str, detail: str) -> QueryFileError:
        child = _child(node, key)
        mark = (child or node).start_mark
        return QueryFileError(self.path, mark.line + 1, detail)

    def _check_unique_keys(self, node: yaml.Node) -> None:
        for child in _walk(node):
            if isinstance(child, yaml.MappingNode):
                seen: set[str] = set()
                for key_node, _ in child.value:
                    if key_node.value in seen:
                        raise QueryFileError(
                            self.path,
                            key_node.start_mark.line + 1,
                            f"key {key_node.value!r} appears twice",
                        )
                    seen.add(key_node.value)


def _unmark(line: str) -> str:
    rest = line[len(HEADER_MARK) :]
    return rest[1:] if rest.startswith(" ") else rest


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def _walk(node: yaml.Node) -> Iterator[yaml.Node]:
    yield node
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield from _walk(key_node)
            yield from _walk(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)
