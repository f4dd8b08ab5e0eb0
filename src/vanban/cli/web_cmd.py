"""``vanban serve`` (the web app) and ``vanban demo`` (the app with seed documents and demo accounts)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..messages import msg
from .app import app

SEED_DIR = Path(os.environ.get("VANBAN_SEEDS", "../shared/corpus/seeds"))
Home = Annotated[Path | None, typer.Option("--home", help=msg("cli.help.web_home"))]
Host = Annotated[str, typer.Option("--host", help=msg("cli.help.web_host"))]
Port = Annotated[int, typer.Option("--port", help=msg("cli.help.web_port"))]


Workers = Annotated[
    int,
    typer.Option("--workers", min=1, help=msg("cli.help.web_workers")),
]


def _run(
    home: Path | None, db: str | None, host: str, port: int, workers: int = 1, secure_cookies: bool = False
) -> None:
    import uvicorn

    from ..store import Archive
    from ..web import WebConfig, create_app

    arc = Archive.open(home, db)  # migrates once, before any worker starts
    if workers == 1:
        web = create_app(WebConfig(home=arc.home, db_url=db, secure_cookies=secure_cookies), arc)
        uvicorn.run(web, host=host, port=port, log_level="warning")
        return
    arc.close()
    os.environ["VANBAN_HOME"] = str(arc.home)  # what each worker's factory opens
    if db:
        os.environ["VANBAN_DB"] = db
    if secure_cookies:
        os.environ["VANBAN_SECURE_COOKIES"] = "1"
    uvicorn.run(
        "vanban.web.app:from_env", factory=True, workers=workers, host=host, port=port, log_level="warning"
    )


@app.command("serve")
def serve(
    home: Home = None,
    db: Annotated[str | None, typer.Option("--db", help=msg("cli.help.web_db"))] = None,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Workers = 1,
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help=msg("cli.help.web_secure_cookies")),
    ] = False,
) -> None:
    """Chạy ứng dụng web theo dõi văn bản và nhiệm vụ."""
    Console().print(f"vanban: http://{host}:{port}/  (API: http://{host}:{port}/api/docs)")
    _run(home, db, host, port, workers, secure_cookies)


@app.command("demo")
def demo(
    home: Home = None,
    seeds: Annotated[Path, typer.Option("--seeds", help=msg("cli.help.web_seeds"))] = SEED_DIR,
    host: Host = "127.0.0.1",
    port: Port = 8000,
) -> None:
    """Chạy ứng dụng trên SQLite mặc định, nạp văn bản mẫu và tạo một tài khoản cho mỗi vai trò."""
    from ..store import Archive
    from ..web.demo import setup

    arc = Archive.open(home, None)
    docs = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    accs = setup(arc, docs, demo_tasks=True)
    con = Console()
    tb = Table(title=f"Tài khoản demo — http://{host}:{port}/", title_justify="left")
    for col in ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị"):
        tb.add_column(col)
    for a in accs:
        tb.add_row(a.username, a.password, a.role.label, a.unit or "—")
    con.print(tb)
    con.print(f"Kho: {arc.home} · {len(docs)} văn bản mẫu từ {seeds}")
    arc.close()
    _run(home, None, host, port)
