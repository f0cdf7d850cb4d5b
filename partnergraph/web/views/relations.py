"""The nodes that tie two things together, as rows of a page: memberships
(``org:Membership``, a member in a network), participations (``pg:Participation``,
an agent's role in a programme, project or event), and posts and contact points.

Each row carries the numbers of the sources that state it (the node is cited).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from partnergraph.namespaces import ORG, RDF, SCHEMA, SKOS
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.citations import Citations
from partnergraph.web.views.data import ordered
from partnergraph.web.views.facts import Facts


@dataclass(frozen=True)
class Tie:
    """A membership or a participation seen from one side.

    Attributes:
        node: the membership or participation (its page).
        other: the other side (the network, the member, the activity, the participant).
        via: the unit of the municipality that takes part, when not itself.
        kinds: the other side's types.
        roles: the roles (``org:role``, ``pg:role``).
        themes: what it is active in (``pg:activeIn``, ``pg:focus``).
        start: when it began, or None.
        end: when it ended, or None.
        sources: the numbers of its sources.
    """

    node: Value
    other: Value
    via: Value | None
    kinds: list[Value]
    roles: list[Value]
    themes: list[Value]
    start: Value | None
    end: Value | None
    sources: tuple[int, ...]


def memberships(
    facts: Facts,
    show: Presenter,
    citations: Citations,
    *,
    member: str | None = None,
    network: str | None = None,
) -> list[Tie]:
    """The memberships of ``member`` (rows name the networks) or in ``network``
    (rows name the members), sorted by the name shown."""
    pg = show.ns.term
    side, other = (
        (ORG + "member", ORG + "organization") if member else (ORG + "organization", ORG + "member")
    )
    rows = []
    for node in facts.subjects(side, member or network):
        for target in facts.iris(node, other):
            rows.append(
                _tie(
                    facts, show, citations, node, target, roles=ORG + "role", themes=pg("activeIn")
                )
            )
    return sorted(rows, key=lambda t: (t.other.text.casefold(), t.node.iri or ""))


def participations(
    facts: Facts,
    show: Presenter,
    citations: Citations,
    *,
    participants: set[str] | None = None,
    activity: str | None = None,
    home: str | None = None,
) -> list[Tie]:
    """The participations of ``participants`` (rows name the activities; ``home``
    is the municipality, its units are named as ``via``) or in ``activity`` (rows
    name the participants), sorted by the name shown."""
    pg = show.ns.term
    rows: list[Tie] = []
    for node in facts.subjects(pg("participant")):
        agents = facts.iris(node, pg("participant"))
        activities = facts.iris(node, pg("activity"))
        if activity is not None:
            if activity in activities:
                rows.extend(
                    _tie(facts, show, citations, node, agent, roles=pg("role"), themes=pg("focus"))
                    for agent in agents
                )
            continue
        for agent in (a for a in agents if participants and a in participants):
            via = show.label(agent) if agent != home else None
            rows.extend(
                _tie(
                    facts,
                    show,
                    citations,
                    node,
                    target,
                    via=via,
                    roles=pg("role"),
                    themes=pg("focus"),
                )
                for target in activities
            )
    return sorted(rows, key=lambda t: (t.other.text.casefold(), t.node.iri or ""))


def _tie(
    facts: Facts,
    show: Presenter,
    citations: Citations,
    node: str,
    other: str,
    *,
    via: Value | None = None,
    roles: str,
    themes: str,
) -> Tie:
    start = facts.one(node, SCHEMA + "startDate")
    end = facts.one(node, SCHEMA + "endDate")

    def labels(subject: str, predicate: str) -> list[Value]:
        return ordered(show.label(i) for i in facts.iris(subject, predicate))

    return Tie(
        show.label(node),
        show.label(other),
        via,
        labels(other, RDF + "type"),
        labels(node, roles),
        labels(node, themes),
        show.term(start) if start is not None else None,
        show.term(end) if end is not None else None,
        tuple(citations.cite(node)),
    )


@dataclass(frozen=True)
class Post:
    """A post: its title, where it is, who holds it."""

    post: Value
    short: list[Value]
    of: Value | None
    holders: list[str]
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Point:
    """A contact point: whose, what kind, and how to reach it."""

    point: Value
    of: Value | None
    kinds: list[Value]
    email: list[str]
    telephone: list[str]
    url: list[str]
    sources: tuple[int, ...]


def posts(facts: Facts, show: Presenter, citations: Citations, within: set[str]) -> list[Post]:
    """The posts in any of ``within`` (the municipality and its units)."""
    found = []
    for post in facts.subjects(ORG + "postIn"):
        places = [p for p in facts.iris(post, ORG + "postIn") if p in within]
        if not places:
            continue
        holders = sorted(
            literal.value
            for holder in facts.subjects(ORG + "holds", post)
            for literal in facts.values(holder, SCHEMA + "name")
            if isinstance(literal, ox.Literal)
        )
        found.append(
            Post(
                show.label(post),
                ordered(show.term(v) for v in facts.values(post, SKOS + "altLabel")),
                show.label(places[0]),
                holders,
                tuple(citations.cite(post)),
            )
        )
    return sorted(found, key=lambda p: p.post.text.casefold())


def points(facts: Facts, show: Presenter, citations: Citations, within: set[str]) -> list[Point]:
    """The contact points of any of ``within``."""
    found = []
    for unit in sorted(within):
        for point in facts.iris(unit, SCHEMA + "contactPoint"):
            found.append(contact_point(facts, show, citations, point, unit))
    return found


def contact_point(
    facts: Facts, show: Presenter, citations: Citations, point: str, of: str | None
) -> Point:
    """One contact point (of ``of``, when known)."""
    kinds = [
        v
        for v in (show.term(k) for k in facts.values(point, SCHEMA + "contactType"))
        if v.lang in (None, show.language)
    ] or [show.term(k) for k in facts.values(point, SCHEMA + "contactType")][:1]

    def texts(predicate: str) -> list[str]:
        return [v.value for v in facts.values(point, SCHEMA + predicate)]

    return Point(
        show.label(point),
        show.label(of) if of else None,
        kinds,
        texts("email"),
        texts("telephone"),
        [u for u in texts("url") if u.startswith(("https://", "http://"))],
        tuple(citations.cite(point)),
    )
