"""Releases: a folder of dumps per version of the data, and a ``latest`` link.

::

    dumps/
        .lock                       held while a release is written
        latest -> 0ee77507d042      the release the last build made (a symbolic link)
        0ee77507d042/               a release: its id is the start of its version
            partnergraph.nq(.gz)    the named graphs, sorted canonical N-Quads
            partnergraph.nt(.gz)    the union of the graphs, sorted canonical N-Triples
            partnergraph.ttl(.gz)   the union, readable Turtle
            partnergraph.trig(.gz)  the named graphs, readable TriG
            partnergraph.jsonld(.gz) the named graphs, JSON-LD
            added.nq removed.nq     the quads added and removed since the previous release
            added.nt removed.nt     the same for the union's triples
            manifest.ttl            the release and its distributions in DCAT
            manifest.json           every file with media type, size, SHA-256 and count
            SHA256SUMS              for ``sha256sum -c``

A release is written into a hidden folder beside the others and renamed into
place, so a reader never sees half a release, and a release folder never changes
once it is there. The same data gives the same id and the same files: building
again writes nothing new and only points ``latest`` at it. The previous release
(what the changes are counted against) is the one ``latest`` named before, else
the newest by build date.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from partnergraph.dumps.canonical import Canonical, canonicalize
from partnergraph.dumps.dataset import describe_dataset
from partnergraph.dumps.files import ID_LENGTH, write_files
from partnergraph.dumps.manifest import MANIFEST, SHA256SUMS, Release, from_json
from partnergraph.errors import ConfigurationError
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings

log = logging.getLogger(__name__)

LATEST = "latest"
RELEASE_ID = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")


def dumps_folder(settings: Settings) -> Path:
    """The folder of the releases: ``dumps_dir``, else ``{output_dir}/dumps``."""
    return Path(settings.dumps_dir) if settings.dumps_dir else settings.output_dir / "dumps"


def release_date(built: datetime, environ: Mapping[str, str] | None = None) -> datetime:
    """The date a release records: ``SOURCE_DATE_EPOCH`` when set, else ``built``.

    ``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/)
    makes the manifests of two builds byte-identical too.

    Raises:
        ConfigurationError: ``SOURCE_DATE_EPOCH`` is not a whole number of seconds.
    """
    raw = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return built.astimezone(UTC).replace(microsecond=0)
    if not raw.isdigit():
        raise ConfigurationError(f"SOURCE_DATE_EPOCH must be whole seconds, got {raw!r}")
    return datetime.fromtimestamp(int(raw), UTC)


def write_release(
    store: ox.Store,
    settings: Settings,
    built: datetime,
    folder: Path | None = None,
    canonical: Canonical | None = None,
) -> Release:
    """Write the release of ``store`` into ``folder``, unless it is there already.

    Args:
        store: the built, validated dataset.
        settings: base IRI, licence, personal data.
        built: when the data was built (see :func:`release_date`).
        folder: the dumps folder; :func:`dumps_folder` when omitted.
        canonical: ``canonicalize(store)``, when the caller has it already.

    Returns:
        The release (new, or the one already written for the same data).

    Raises:
        ConfigurationError: the folder cannot be written.
        DataFileError: the previous release's files are not release files.
    """
    folder = folder or dumps_folder(settings)
    canonical = canonical or canonicalize(store)
    try:
        return _release(canonical, store, settings, built, folder)
    except OSError as exc:
        raise ConfigurationError(f"cannot write a release into {folder}: {exc}") from exc


def _release(
    canonical: Canonical, store: ox.Store, settings: Settings, built: datetime, folder: Path
) -> Release:
    version = canonical.version()
    release_id = version[:ID_LENGTH]
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        existing = read_release(folder, release_id)
        if existing is not None and existing.version == version and _complete(folder, existing):
            _point_latest(folder, release_id)
            return existing
        previous = _previous(folder, release_id)
        info = describe_dataset(store, Namespaces(settings.base_iri), settings.licence)
        partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder))
        partial.chmod(0o755)  # mkdtemp makes it private; a release is public
        try:
            release = write_files(
                canonical,
                partial,
                version=version,
                info=info,
                settings=settings,
                built=release_date(built),
                previous=folder / previous.id if previous else None,
            )
            target = folder / release_id
            if target.exists():  # an incomplete release of the same data
                shutil.rmtree(target)
            os.replace(partial, target)
        finally:
            if partial.exists():
                shutil.rmtree(partial)
        _point_latest(folder, release_id)
        return release


def releases(folder: Path) -> list[Release]:
    """Every release in ``folder``, newest first (by build date, then id)."""
    found = []
    if folder.is_dir():
        for child in folder.iterdir():
            if RELEASE_ID.fullmatch(child.name) and child.is_dir():
                release = read_release(folder, child.name)
                if release is not None:
                    found.append(release)
    return sorted(found, key=lambda r: (r.built, r.id), reverse=True)


def latest_release(folder: Path) -> Release | None:
    """The release ``latest`` names (else the newest), or None when there is none."""
    try:
        name = os.readlink(folder / LATEST)
    except OSError:
        name = ""
    release = read_release(folder, name) if RELEASE_ID.fullmatch(name) else None
    if release is None:
        newest = releases(folder)
        release = newest[0] if newest else None
    return release


def read_release(folder: Path, release_id: str) -> Release | None:
    """The release ``release_id`` of ``folder`` (its manifest), or None if it has none."""
    if not RELEASE_ID.fullmatch(release_id):
        return None
    path = folder / release_id / MANIFEST
    try:
        release = from_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s is not a readable manifest: %s", path, exc)
        return None
    return release if release.id == release_id else None


def _complete(folder: Path, release: Release) -> bool:
    base = folder / release.id
    names = [(f.name, f.bytes) for f in release.files]
    return (
        all((base / n).is_file() and (base / n).stat().st_size == size for n, size in names)
        and (base / SHA256SUMS).is_file()
    )


def _previous(folder: Path, release_id: str) -> Release | None:
    """The release ``latest`` names, else the newest; only one whose files are all there."""
    candidates = [latest_release(folder), *releases(folder)]
    for release in candidates:
        if release is not None and release.id != release_id and _complete(folder, release):
            return release
    return None


def _point_latest(folder: Path, release_id: str) -> None:
    link = folder / f".{LATEST}-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(release_id, link)
    os.replace(link, folder / LATEST)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
