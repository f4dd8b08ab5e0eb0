"""The Typer application every command module registers on."""

import typer

from ..messages import msg

app = typer.Typer(
    help=msg("cli.help.app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """vanban: văn bản hành chính và văn bản của Đảng."""
