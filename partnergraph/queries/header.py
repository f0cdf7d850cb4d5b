"""The ``#+`` YAML header of a named query, read with the position of every node.

The keys are documented in ``docs/queries.md``. Anything wrong raises
:class:`~partnergraph.queries.errors.QueryFileError` with the file and the line
of the offending node: grlc falls back to empty metadata, this stops start-up.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml

from partnergraph.queries.errors import QueryFileError
from partnergraph.queries.types import (
    PARAMETER_TYPES,
    RESERVED,
    WRITTEN_BASE,
    Parameter,
    literal_term,
    resolve_iri,
)

HEADER_MARK: Final = "#+"

QUERY_KEYS: Final = frozenset({"title", "description", "parameters", "tags"})
PARAMETER_KEYS: Final = frozenset(
    {"name", "type", "description", "required", "default", "example", "class", "scheme"}
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def header_lines(path: Path, lines: list[str]) -> list[str]:
    """The ``#+`` lines that open a file (at least one; none after the query begins).

    Raises:
        QueryFileError: no header, or a header line after the query has begun.
    """
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


class Header:
    """The YAML of one header, read with the position of every node.

    Args:
        path: the file, for messages.
        lines: its header lines (:func:`header_lines`).

    Raises:
        QueryFileError: broken YAML, an unknown or repeated key, no title.
    """

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
        if name in RESERVED:
            raise self._error(
                node,
                "name",
                f"parameter name {name!r} is reserved for the API's own parameters "
                f"({', '.join(sorted(RESERVED))})",
            )
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
        if kind in {"iri", "concept"}:
            try:
                resolve_iri(text, WRITTEN_BASE)
            except ValueError as exc:
                raise self._error(node, key, f"'{key}': {exc}") from exc
            return text
        try:  # the very check a request's value gets: a default always binds
            literal_term(kind, text)
        except ValueError:
            raise self._error(
                node, key, f"'{key}' {text!r} is not {PARAMETER_TYPES[kind]}"
            ) from None
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
