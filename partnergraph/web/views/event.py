"""The view of an event or an event series (``schema:Event``, ``schema:EventSeries``):
its date, place and status — each with its source, so that a cancellation reported
by another source stands beside the sentence that announced the event — who hosts
it or takes part, and its figures. It asks what the programme view asks
(:mod:`partnergraph.web.views.activity`)."""

from __future__ import annotations

from partnergraph.namespaces import SCHEMA
from partnergraph.web.views import activity
from partnergraph.web.views.page import Gathered, Page


def gather(page: Page) -> Gathered:
    """The event's statements (its status among them), hosts and participants."""
    gathered = activity.gather(page)
    status = [row for row in gathered.values["rows"] if row.property.iri == SCHEMA + "eventStatus"]
    gathered.values["status"] = status[0] if status else None
    gathered.values["rows"] = [r for r in gathered.values["rows"] if r not in status]
    return gathered
