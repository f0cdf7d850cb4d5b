"""A SPARQL client on one kept-alive connection, and what it counts."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .queries import Query


@dataclass
class Answer:
    """One response: status, selected headers, body, and the seconds it took."""

    status: int
    body: bytes
    seconds: float
    truncated: bool = False
    content_type: str = ""
    cache_status: str = ""

    @property
    def hit(self) -> bool:
        """Whether a cache answered (RFC 9211 ``Cache-Status``, e.g. ``partnergraph; hit``).

        https://www.rfc-editor.org/rfc/rfc9211
        """
        return "; hit" in self.cache_status


class Client:
    """A SPARQL client on one kept-alive connection (``http.client``: little overhead).

    Queries are sent as ``POST`` with ``application/sparql-query`` (the SPARQL 1.1
    Protocol's direct body), or with ``form`` as an URL-encoded form (``query=``, for
    an engine that takes no direct body: Virtuoso 7 waits for more); the time runs
    from before the request is written until the whole body is read.
    """

    def __init__(self, port: int, path: str, timeout: float, form: bool = False) -> None:
        self.port = port
        self.path = path
        self.timeout = timeout
        self.form = form
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def query(self, query: Query) -> Answer:
        headers = {"Content-Type": "application/sparql-query", "Accept": query.accept}
        body = query.body
        if self.form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode({"query": query.text}).encode("ascii")
        for attempt in range(2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = self._connect()
            start = time.perf_counter()
            try:
                self.connection.request("POST", self.path, body=body, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close()
                if fresh or attempt:
                    raise
                continue  # the server closed a kept-alive connection: once more, afresh
            seconds = time.perf_counter() - start
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Answer(
                response.status,
                body,
                seconds,
                truncated=response.getheader("X-Partnergraph-Truncated") is not None,
                content_type=response.getheader("Content-Type", ""),
                cache_status=response.getheader("Cache-Status", ""),
            )
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def count_results(query: Query, answer: Answer) -> Any:
    """The number of results of an answer: solutions (with the value of a single
    aggregate), distinct triples, or the boolean."""
    if query.form == "ask":
        return bool(json.loads(answer.body)["boolean"])
    if query.form == "select":
        document = json.loads(answer.body)
        rows = document["results"]["bindings"]
        if len(rows) == 1 and len(document["head"]["vars"]) == 1:  # an aggregate: its value
            value = next(iter(rows[0].values()), {}).get("value")
            return f"1 ({value})"
        return len(rows)
    text = answer.body.lstrip()
    if text.startswith(b"<?xml") or b"<rdf:RDF" in text[:500]:
        fmt = ox.RdfFormat.RDF_XML  # rdflib-endpoint answers DESCRIBE in RDF/XML, whatever Accept
    else:
        fmt = ox.RdfFormat.N_TRIPLES
    return len({str(triple) for triple in ox.parse(answer.body, format=fmt)})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
