"""The ``vanban`` command: one Typer app, one module per group of subcommands."""

from __future__ import annotations

from . import check_cmd as _check  # noqa: F401  (registers: check)
from . import desk_cmd as _desk  # noqa: F401  (registers: remind, register-print)
from . import edxml_cmd as _edxml  # noqa: F401  (registers: edxml, edxml-status)
from . import parse_cmd  # noqa: F401  (registers: parse)
from . import read_cmd as _read  # noqa: F401  (registers: ocr)
from . import users_cmd as _users  # noqa: F401  (registers: users add, list, passwd)
from . import web_cmd as _web  # noqa: F401  (registers: serve, demo)
from .app import app
from .l10n import localise
from .store_cmd import app as _store  # noqa: F401  (registers: add, watch, reparse, rm, restore, search, show, export)
from .track_cmd import app as _track  # noqa: F401  (registers: units, tasks, report, dashboard)

__all__ = ["app", "main"]

localise(app)


def main() -> None:
    """Entry point of the ``vanban`` console script."""
    app()
