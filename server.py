"""The WSGI entry of partnergraph.

``gunicorn -w 2 --preload 'server:create_app()'`` serves it; so does
``gunicorn server:app``, for which ``app`` is made on first use (importing this
module builds nothing). The factory itself is :func:`partnergraph.app.create_app`.
"""

from __future__ import annotations

from flask import Flask

from partnergraph.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Flask:
    """Make ``app`` on first use, for ``gunicorn server:app``."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    app = create_app()
    globals()["app"] = app
    return app
