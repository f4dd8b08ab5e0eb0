"""What the command groups share: the consoles and opening the archive (an error, exit 2)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from ..store import Archive, ArchiveError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def open_archive(home: Path | None, db: str | None) -> Iterator[Archive]:
    """The archive at ``home``/``db``; a message and exit code 2 when it cannot be opened."""
    try:
        with Archive.open(home, db) as ar:
            yield ar
    except ArchiveError as exc:
        err.print(f"[red]lỗi[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
