"""Distinct but equivalent query texts, and the repeat workload's request sequence.

A result cache keys on the query text (partnergraph's normalises whitespace and
comments away), so a benchmark that sends one text twice measures the cache the
second time. Every measured request of the cold phases is therefore a *variant*
of its query: a text of its own with the same answer and the same cost.

The rule (:func:`variant`):

* a query without ``LIMIT`` gets ``LIMIT FAR + n``, far above any result of the
  mix: the answer and the plan stay the same (the engine counts solutions against
  a limit it never reaches);
* a query that ends with ``ORDER BY … LIMIT k`` gets a constant last sort key
  ``(n)``: its earlier keys already order every row (the mix's two such queries
  sort on a unique key), so the constant is never compared; it is evaluated once
  per sorted row.

The repeat workload (:class:`RepeatSequence`) is a sequence of requests in which
each position repeats an earlier text with probability ``share`` and is otherwise
a fresh variant of a query drawn from the mix; position ``i`` is a pure function
of the seed and ``i``, so every engine gets the same sequence.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import replace
from functools import lru_cache

from .queries import Query

#: Added to every variant's ``LIMIT``: far above the size of any result.
FAR = 10**12


_LIMIT = re.compile(r"\bLIMIT\s+\d+\s*$", re.IGNORECASE)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def _template(text: str) -> tuple[str, str, int]:
    """``(head, tail, offset)``: a variant is ``head + str(offset + n) + tail``."""
    body = text.rstrip()
    limit = _LIMIT.search(body)
    if limit is None:
        return body + "\nLIMIT ", "\n", FAR
    if not _ORDER_BY.search(body[: limit.start()]):
        raise ValueError(f"cannot vary a LIMIT query without ORDER BY: {text[:80]!r}")
    head = body[: limit.start()].rstrip()
    return head + " (", ")\n" + body[limit.start() :] + "\n", 0


def variant(query: Query, n: int) -> Query:
    """The ``n``-th variant of ``query``: another text, the same answer and cost.

    Args:
        query: a query of the mix (no trailing ``VALUES``; a ``LIMIT`` only last,
            after an ``ORDER BY``).
        n: a number that is never used twice for one query in a run.

    Returns:
        The query with the varied text (same name and form).

    Raises:
        ValueError: the query has a ``LIMIT`` but no ``ORDER BY`` to vary.
    """
    head, tail, offset = _template(query.text)
    return replace(query, text=f"{head}{offset + n}{tail}")


class Numbering:
    """Hands out variant numbers that are never reused in a run.

    It starts at the run's microsecond clock, so that a result cache left from an
    earlier run (same data, same version) never holds an answer to this run's texts.
    """

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self, count: int = 1) -> int:
        """Reserve ``count`` numbers; returns the first."""
        first = self.next
        self.next += count
        return first


class RepeatSequence:
    """The repeat workload's requests, position by position.

    Position ``i`` (0, 1, 2… in the order the clients take them) is fresh with
    probability ``1 - share`` (position 0 always): a new variant, numbered ``i``, of
    a query drawn uniformly from the mix. Otherwise it repeats one of the earlier
    fresh texts, each as likely as the others, so the repeated requests have the
    mix's proportions too. Every draw is a hash of the seed and the position: each
    client process computes the same sequence, and so does each engine's run.
    """

    def __init__(self, seed: int, share: float, kinds: int) -> None:
        self.seed = seed
        self.share = share
        self.kinds = kinds
        self.fresh: list[int] = []  # the fresh positions below ``self.known``
        self.known = 0

    def request(self, position: int) -> tuple[int, int]:
        """``(query index, fresh position)`` of ``position``: the text is the variant
        numbered by the position that first sent it (``position`` when fresh)."""
        if self.is_fresh(position):
            return self._kind(position), position
        while self.known < position:
            if self.is_fresh(self.known):
                self.fresh.append(self.known)
            self.known += 1
        earlier = bisect.bisect_left(self.fresh, position)
        chosen = self.fresh[int(self._draw(position, "repeat") * earlier)]
        return self._kind(chosen), chosen

    def is_fresh(self, position: int) -> bool:
        return position == 0 or self._draw(position, "fresh") >= self.share

    def _kind(self, position: int) -> int:
        return int(self._draw(position, "query") * self.kinds)

    def _draw(self, position: int, what: str) -> float:
        """A number in [0, 1) fixed by the seed, the position and what it decides."""
        key = f"{self.seed}:{position}:{what}".encode()
        digest = hashlib.blake2b(key, digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64
