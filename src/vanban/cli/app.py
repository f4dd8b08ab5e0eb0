"""The Typer application every command module registers on."""

import typer

app = typer.Typer(
    help="vanban: đọc, lưu, tìm và theo dõi văn bản hành chính và văn bản của Đảng.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """vanban: văn bản hành chính và văn bản của Đảng."""
