"""The layout every HTML page shares (``templates/pages/base.html``), for the templates
of every blueprint: the home page, the resource pages, the dumps, the API, the
changes, the curators' pages, the error pages and the query editor's frame.

One context processor, registered on the app, gives every template:

| name | what |
| --- | --- |
| ``root`` | the site's root path (``request.script_root``) |
| ``pages_css`` | the URL of the one style sheet, with its fingerprint |
| ``search_js`` | the URL of the search suggestions script, or None while it is missing |
| ``language`` | the reader's language (``?lang=``, else ``Accept-Language``, else en) |
| ``t(key)`` | the word ``key`` of :data:`partnergraph.web.i18n.WORDS` in that language |
| ``language_names`` | the languages of the switch, code to name |
| ``lang_url(code)`` | this page in another language (its path and query kept) |
| ``site_link(path)`` | a path of this site, keeping the language the reader chose |

Every HTML response varies with ``Accept-Language`` (its header is in the reader's
language), so that no cache gives one reader's words to another.

A view's own values win over these (Flask lets the context given to
``render_template`` override a processor's), so a page may still pass its own
``language`` or ``lang_url``. Nothing here asks the snapshot: an error page renders
even when the data cannot be reached.
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlencode

from flask import Flask, Response, request

from partnergraph.settings import documented
from partnergraph.web import assets, headers
from partnergraph.web.i18n import LANGUAGE_NAMES, word
from partnergraph.web.state import EXTENSION, Served

log = logging.getLogger("partnergraph")

#: The style sheet of every page and the script of the site search (under static/pages/).
STYLESHEET: Final = "pages.css"
SEARCH_SCRIPT: Final = "search.js"


def init_app(app: Flask) -> None:
    """Give every template of ``app`` the layout's values; warn once while the publisher
    is the default name (every page and the dataset's description show it)."""
    app.context_processor(layout)
    app.after_request(vary_by_language)
    found = app.extensions.get(EXTENSION)
    if isinstance(found, Served) and found.settings.publisher_name == default_publisher():
        log.warning(
            "the publisher is the default name %r: set publisher_name (or "
            "PARTNERGRAPH_PUBLISHER_NAME) to the organisation that publishes the data",
            found.settings.publisher_name,
        )


def vary_by_language(response: Response) -> Response:
    """``Vary: Accept-Language`` on a page: the layout speaks the reader's language."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


def default_publisher() -> str:
    """The default of the ``publisher_name`` setting."""
    defaults = {name: default for name, default, _help in documented()}
    return str(defaults["publisher_name"])


def layout() -> dict[str, object]:
    """The values ``pages/base.html`` needs, for the current request."""
    language = headers.language()

    def t(key: str) -> str:
        return word(key, language)

    return {
        "root": request.script_root,
        "pages_css": assets.own_url(STYLESHEET),
        "search_js": own_file(SEARCH_SCRIPT),
        "language": language,
        "t": t,
        "language_names": LANGUAGE_NAMES,
        "lang_url": language_link,
        "site_link": site_link,
    }


def language_link(code: str) -> str:
    """This page in the language ``code``: its path and query, with ``lang`` set."""
    args = request.args.to_dict()
    args["lang"] = code
    return request.script_root + request.path + "?" + urlencode(sorted(args.items()))


def site_link(path: str) -> str:
    """The site's ``path`` (from its root), with ``?lang=`` when the reader chose a
    language by it (an ``Accept-Language`` reader needs none)."""
    chosen = request.args.get("lang", "")
    query = "?" + urlencode({"lang": chosen}) if chosen in LANGUAGE_NAMES else ""
    return request.script_root + path + query


def own_file(filename: str) -> str | None:
    """The URL of one of the pages' own files, or None when the file is not there."""
    try:
        return assets.own_url(filename)
    except FileNotFoundError:
        return None
