"""Settings: each declared once, with its default and its help text.

Values come from the defaults, then ``PARTNERGRAPH_*`` environment variables, then
explicit overrides (a ``dict`` given to :func:`load` by the app factory, the CLI or a
test). Nothing is read at import time.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.errors import ConfigurationError
from partnergraph.store import registry

ENV_PREFIX = "PARTNERGRAPH_"
#: Seconds a request may run beyond ``query_timeout`` (see ``Settings.request_timeout``).
REQUEST_GRACE = 30


def _setting(default: Any, help: str, path: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "path": path})


@dataclass(frozen=True)
class Settings:
    """Every setting of partnergraph. See ``docs/settings.md``."""

    base_iri: str = _setting(
        "https://w3id.org/partnergraph/",
        "The base IRI of every resource ({base}id/...), vocabulary term ({base}def/...) "
        "and named graph ({base}graph/...). Must end with '/'.",
    )
    graph_dir: Path = _setting(
        Path("graph"), "The folder of curated TriG files that make up the knowledge graph."
    )
    shapes_dir: Path = _setting(
        Path("shapes"), "The folder of SHACL shapes (Turtle) that the graph must conform to."
    )
    queries_dir: Path = _setting(Path("queries"), "The folder of named SPARQL queries (*.rq).")
    output_dir: Path = _setting(
        Path("out"), "Where `partnergraph build` writes the validated, materialised graph."
    )
    personal_data: bool = _setting(
        True,
        "Include the personal contact data graph ({base}graph/personal: people's names, "
        "personal e-mail addresses and phone numbers) in what is built and served. "
        "Set to false to publish only organisational data.",
    )
    dumps: bool = _setting(
        True,
        "Whether a build also writes a release of dumps (Turtle, N-Triples, N-Quads, TriG, "
        "JSON-LD, each also gzipped, with SHA256SUMS, a manifest and the changes since the "
        "previous release) into dumps_dir, which /dumps/ serves.",
    )
    dumps_dir: str = _setting(
        "",
        "The folder of the releases of dumps, one subfolder per release, served at /dumps/. "
        "Empty: {output_dir}/dumps.",
        path=True,
    )
    validator: str = _setting(
        "auto",
        "Which SHACL engine validates: 'pyshacl' (the reference), 'compiled' (the shapes "
        "compiled to SPARQL and run by Oxigraph, proven equal to pySHACL in the tests) or "
        "'auto' (compiled when every shape is in the supported subset, else pySHACL).",
    )

    store: str = _setting(
        "oxigraph",
        "The store backend: " + registry.described() + ".",
    )
    store_dir: str = _setting(
        "",
        "The folder of the snapshots: one immutable on-disk store (RocksDB) per dataset "
        "version, which every server and query process opens read-only (one copy of the "
        "data on the machine). A start on unchanged graph/ and shapes/ serves the "
        "snapshot it finds at once. Empty: {output_dir}/snapshots.",
        path=True,
    )
    store_memory: bool = _setting(
        False,
        "For the oxigraph backend: each query worker process loads the snapshot into "
        "memory instead of reading it on disk. Faster on large data, but one copy of the "
        "data per query process (see benchmarks/README.md).",
    )
    snapshots_kept: int = _setting(
        3,
        "How many snapshots are kept (the newest, and always the one served); older ones "
        "are removed after a build once no process has them open.",
    )
    cache_mb: int = _setting(
        256,
        "Megabytes of disk for the shared result cache ({output_dir}/cache): answers to "
        "identical queries on the same dataset version, shared by every server process. "
        "0: no cache.",
    )
    tokens_file: Path = _setting(
        Path("tokens.json"),
        "The file of write tokens (`partnergraph token create`): names, the graphs each "
        "may write and the SHA-256 of each token, never the token itself; mode 0600. "
        "No file, or no token in it: no write is accepted.",
        path=True,
    )
    changes_dir: Path = _setting(
        Path("changes"),
        "The folder of the change log (log.jsonl): every accepted write, who made it, "
        "when, its added and removed quads (RDF Patch) and the dataset versions before "
        "and after, each entry chained by hash to the previous one. Keep it beside graph/ "
        "(and in git with it): graph/ and the log together are the source of truth.",
        path=True,
    )
    max_write_quads: int = _setting(
        100_000,
        "The most quads one write (an update's change, or a Graph Store Protocol "
        "payload) may add and remove together; more is a 413.",
    )
    max_import_rows: int = _setting(
        20_000,
        "The most data rows one sheet of an imported spreadsheet may have; a sheet with "
        "more is refused (413) before it is read whole, and nothing is written.",
    )
    max_jsonld_depth: int = _setting(
        64,
        "The deepest nesting of objects and arrays a JSON-LD payload may have; deeper "
        "is a 400 before it is parsed.",
    )
    auth_failures_per_minute: int = _setting(
        10,
        "Writes with a missing, unknown or revoked token one address may send a minute; "
        "past it every write from that address is a 429 with Retry-After until the "
        "minute is over.",
    )
    max_upload_bytes: int = _setting(
        10_000_000,
        "The largest spreadsheet a curator may upload on /curate, in bytes; a larger one "
        "is a 413 before any of it is read. Only the upload takes more than "
        "max_request_bytes.",
    )
    curate_session_minutes: int = _setting(
        60,
        "Minutes a curator's session on /curate lasts without use; each request moves "
        "its end that far on (at most 12 hours from sign-in). After it the token is "
        "asked for again and the session's uploads are removed.",
    )
    remote_endpoint: str = _setting(
        "",
        "For the remote backend: the URL of the SPARQL 1.1 query endpoint.",
    )
    remote_update_endpoint: str = _setting(
        "",
        "For the remote backend: the URL of its SPARQL 1.1 update endpoint, used only to "
        "load the built graph. Empty: the remote store is loaded by someone else.",
    )
    query_timeout: float = _setting(
        30.0,
        "Seconds a query may run. Past it the worker process running it is killed (its "
        "CPU released) and the client gets a 503 that says so.",
    )
    version_wait: float = _setting(
        10.0,
        "Seconds a request that arrives while its server moves to a new version (after a "
        "write, or `partnergraph switch`) waits for the move. Past it the request is "
        "answered from the version before (its ETag says which), and the server moves as "
        "soon as the new version's store is open. Moves take milliseconds on the embedded "
        "store and seconds where each version starts an engine (oxigraph-server, "
        "virtuoso-server). 0: never wait.",
    )
    row_cap: int = _setting(
        10000,
        "The most solutions (or triples) one query returns. A result cut by it says so "
        "in the X-Partnergraph-Truncated header and in the result's head (JSON/XML link).",
    )
    max_request_bytes: int = _setting(
        1_000_000, "The largest request body (or query string) accepted, in bytes; more is a 413."
    )
    query_memory_mb: int = _setting(
        192,
        "Megabytes of address space a query worker process may use beyond what it holds "
        "at start. A query that needs more is stopped with a 503 that says so: with 192, "
        "one that builds a value of about 100 MB (a string doubled 23 times) is stopped.",
    )
    query_workers: int = _setting(
        2,
        "Worker processes that run queries in parallel (one query each at a time), "
        "at normal CPU priority; long queries get extra processes (see slow_query_seconds).",
    )
    slow_query_seconds: float = _setting(
        0.5,
        "Seconds after which a running query counts as long: its worker process drops to "
        "the lowest CPU priority (nice 19) and another worker takes its place, so that "
        "small queries are answered at once while long ones run.",
    )
    max_long_queries: int = _setting(
        8,
        "Long queries that may run at once (each in a worker process of its own, "
        "beside the query_workers). One more is stopped with a 503 and Retry-After.",
    )
    max_long_queries_per_client: int = _setting(
        4,
        "Long queries one client (remote address) may run at once. One more is stopped "
        "with a 429 and Retry-After; a client at the limit gets a 429 for every query "
        "until one of its long queries ends.",
    )
    max_nesting_depth: int = _setting(
        100,
        "The deepest nesting of brackets, braces and parentheses a query may have. Deeper "
        "queries are refused with a 400 before any engine parses them (both engines "
        "overflow their stack on a few thousand levels).",
    )
    max_list_terms: int = _setting(
        200,
        "The most terms the lists of one query may hold together (IN, NOT IN, a "
        "function's arguments): each term is compared with every solution. More is "
        "refused with a 400 that suggests VALUES (joined by hash, not compared one by one).",
    )
    api_page_size: int = _setting(
        100,
        "The rows a page of a named query's answer holds (/api/queries/{name}) when the "
        "call gives no limit. A call may ask for up to row_cap rows a page.",
    )
    allow_federation: bool = _setting(
        False,
        "Whether user queries may use SERVICE. Off: SERVICE is refused with a 400 and "
        "nothing leaves the process. (LOAD and other updates are never accepted.)",
    )

    publisher_name: str = _setting(
        "partnergraph",
        "The publisher of the dataset, as the home page, VoID and DCAT-AP name it "
        "(dcterms:publisher). Set it to the organisation that runs the deployment.",
    )
    publisher_url: str = _setting(
        "",
        "The publisher's web page (foaf:homepage). Empty: the home page of this site.",
    )
    contact_email: str = _setting(
        "",
        "The e-mail address of the dataset's contact point (dcat:contactPoint, "
        "vcard:hasEmail). Empty: the contact point gives only the site's home page.",
    )
    licence: str = _setting(
        "http://creativecommons.org/publicdomain/zero/1.0/",
        "The IRI of the data licence (dcterms:license); the curation is CC0 1.0. The "
        "quoted sentences remain their publishers' words.",
    )
    map_tiles: str = _setting(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "The URL template of the map tiles under a municipality's map (Leaflet). Empty: "
        "no tiles, only the markers (nothing is fetched from another site).",
    )
    map_attribution: str = _setting(
        "© OpenStreetMap contributors",
        "The attribution shown with the map tiles (text).",
    )

    @property
    def request_timeout(self) -> float:
        """The longest one request may run: ``version_wait`` for its server to move to
        a new version, ``query_timeout`` for its queries and ``REQUEST_GRACE`` seconds
        for the rest (a page runs several small queries)."""
        return self.version_wait + self.query_timeout + REQUEST_GRACE

    def __post_init__(self) -> None:
        self._resolve_paths()
        if (
            not self.base_iri.endswith("/")
            or "://" not in self.base_iri
            or any(c in self.base_iri for c in '<>"{}|^`\\ ')
        ):
            raise ConfigurationError(
                f"base_iri must be an absolute IRI ending with '/', got {self.base_iri!r}"
            )
        try:
            chosen = registry.backend(self.store)
        except registry.UnknownBackend as exc:
            raise ConfigurationError(str(exc)) from exc
        for needed in chosen.needs:
            if not getattr(self, needed):
                raise ConfigurationError(f"store {self.store!r} needs {needed}")
        for name in (
            "query_timeout",
            "row_cap",
            "max_request_bytes",
            "query_memory_mb",
            "query_workers",
            "slow_query_seconds",
            "max_long_queries",
            "max_long_queries_per_client",
            "max_nesting_depth",
            "max_list_terms",
            "api_page_size",
            "snapshots_kept",
            "max_write_quads",
            "max_jsonld_depth",
            "max_import_rows",
            "auth_failures_per_minute",
            "max_upload_bytes",
            "curate_session_minutes",
        ):
            if getattr(self, name) <= 0:
                raise ConfigurationError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("cache_mb", "version_wait"):
            if getattr(self, name) < 0:
                raise ConfigurationError(f"{name} must be 0 or more, got {getattr(self, name)}")
        for name in ("publisher_url", "licence", "map_tiles"):
            value = getattr(self, name)
            if value and not value.startswith(("https://", "http://")):
                raise ConfigurationError(f"{name} must be an http(s) URL, got {value!r}")
        if self.validator not in {"auto", "pyshacl", "compiled"}:
            raise ConfigurationError(
                f"validator must be 'auto', 'pyshacl' or 'compiled', got {self.validator!r}"
            )

    def _resolve_paths(self) -> None:
        """Make every relative folder absolute against the working directory, once.

        A relative folder would otherwise mean something else to each reader: the
        command's directory to the build, the package's folder to Flask's
        ``send_file`` (which served every dump as a 500).
        """
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if _is_path(item) and value not in ("", None):
                absolute = Path(value).absolute()
                object.__setattr__(
                    self, item.name, absolute if isinstance(value, Path) else str(absolute)
                )


def _is_path(item: dataclasses.Field[Any]) -> bool:
    return item.type in (Path, "Path") or bool(item.metadata.get("path"))


def documented() -> list[tuple[str, Any, str]]:
    """Every setting as (name, default, help), in declaration order."""
    return [(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(Settings)]


def _convert(name: str, kind: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    if kind in (bool, "bool"):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ConfigurationError(f"setting {name} expects true or false, got {raw!r}")
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"setting {name} expects an integer, got {raw!r}") from None
    if kind in (float, "float"):
        try:
            return float(raw)
        except ValueError:
            raise ConfigurationError(f"setting {name} expects a number, got {raw!r}") from None
    if kind in (Path, "Path"):
        return Path(raw)
    return raw


def load(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build the settings from defaults, the environment and overrides.

    Args:
        overrides: values that win over everything else, by setting name.
        environ: the environment to read ``PARTNERGRAPH_*`` variables from
            (``os.environ`` when omitted).

    Returns:
        The frozen settings.

    Raises:
        ConfigurationError: an unknown setting name or a value of the wrong kind.
    """
    environ = os.environ if environ is None else environ
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name not in fields:
                raise ConfigurationError(f"unknown setting in environment: {key}")
            values[name] = _convert(name, fields[name].type, raw)
    for name, raw in (overrides or {}).items():
        if name not in fields:
            raise ConfigurationError(f"unknown setting: {name}")
        values[name] = _convert(name, fields[name].type, raw)
    return Settings(**values)
