"""The application factory: the archive, templates, security headers, error pages, routers.

The routers are imported here; they reach the app's state through ``deps`` and the request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..messages import msg
from ..store import Archive
from ..track.labels import relation_label
from ..track.recurrence import RECURRENCES
from ..track.roles import ROLE_LABELS, Action
from ..track.status import LABELS, Status
from ..track.tracker import ROLES
from . import api, desk, docs, feedback, field_review, pages, public, review, uploads
from .config import WebConfig
from .deps import LoginRequired
from .jobs import JobRunner
from .render import STATUS_CLASS
from .services import VersionedCache
from .signin import Throttle

HERE = Path(__file__).parent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


NO_STORE = ("/api/", "/login", "/tasks", "/documents", "/feedback", "/jobs")
SIGN_IN = frozenset({"/login", "/api/v1/tokens"})  # not gated: no connection held, Argon2 has its own pool


class _Headers:
    """Security headers on every response; request bodies over the upload limit refused (413);
    at most ``concurrency`` requests at work at once (the others wait their turn here, instead of
    holding database connections while they wait for a worker thread).

    A plain ASGI middleware: it edits the response start message in passing (Starlette's
    ``BaseHTTPMiddleware`` runs every request through an extra task and memory streams).
    """

    def __init__(self, app: ASGIApp, max_body: int, concurrency: int) -> None:
        self.app = app
        self.max_body = max_body
        self.gate = asyncio.Semaphore(concurrency)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("Content-Security-Policy", CSP)
                h["X-Content-Type-Options"] = "nosniff"
                h["Referrer-Policy"] = "same-origin"
                h.setdefault("X-Frame-Options", "SAMEORIGIN")
                if path.startswith(NO_STORE):
                    h.setdefault("Cache-Control", "no-store")
            await send(message)

        length = Headers(scope=scope).get("content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            await _too_large(path)(scope, receive, send_with_headers)
        elif path.startswith("/static/") or path in SIGN_IN:
            await self.app(scope, receive, send_with_headers)
        else:
            async with self.gate:
                await self.app(scope, receive, send_with_headers)


def _too_large(path: str) -> Response:
    msg = "Tệp quá lớn (vượt giới hạn tải lên)."
    if path.startswith("/api/"):
        return JSONResponse({"detail": msg}, status_code=413)
    return Response(msg, status_code=413, media_type="text/plain; charset=utf-8")


def create_app(config: WebConfig | None = None, archive: Archive | None = None) -> FastAPI:
    """The web app over ``archive`` (opened from ``config`` when not given)."""
    cfg = config or WebConfig()
    arc = archive or Archive.open(cfg.home, cfg.db_url)
    jobs = JobRunner(arc, cfg.job_workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        # in the background: the app answers while the worker processes start
        starting = loop.run_in_executor(None, jobs.start)
        async with desk.lifespan(_app):
            yield
        await starting
        await loop.run_in_executor(None, jobs.close)

    app = FastAPI(
        lifespan=lifespan,
        title="vanban",
        description="API theo dõi văn bản và nhiệm vụ: văn bản, nhiệm vụ, đơn vị, báo cáo, tìm kiếm.",
        version="1",
        docs_url=None,  # served by .docs with the app's own copy of Swagger UI
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.archive = arc
    app.state.config = cfg
    app.state.jobs = jobs
    app.state.throttle = Throttle(arc)
    app.state.dash_cache = VersionedCache(ttl=300)
    app.state.facet_cache = VersionedCache(ttl=60)
    tpl = Jinja2Templates(directory=str(HERE / "templates"))
    tpl.env.globals.update(
        STATUS=Status,
        STATUS_LABELS=LABELS,
        STATUS_CLASS=STATUS_CLASS,
        ROLE_LABELS=ROLE_LABELS,
        TASK_ROLES=ROLES,
        RECURRENCES=RECURRENCES,
        Action=Action,
        relation_label=relation_label,
        msg=msg,
    )
    tpl.env.globals["msg"] = msg
    tpl.env.filters["vndate"] = lambda d: d.strftime("%d/%m/%Y") if isinstance(d, dt.date) else "—"
    tpl.env.auto_reload = False  # templates compile once per process, no stat() per render
    for name in tpl.env.list_templates(extensions=["html"]):
        tpl.env.get_template(name)  # … at start, not on a user's first request
    app.state.templates = tpl
    app.add_middleware(_Headers, max_body=cfg.max_upload + 64 * 1024, concurrency=cfg.concurrency)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/login?next=" + _next(request), status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return tpl.TemplateResponse(
            request,
            "error.html",
            {"code": exc.status_code, "message": exc.detail, "me": None},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        if _wants_json(request):  # the upload form's script shows the message itself
            return JSONResponse({"detail": "Dữ liệu gửi lên không hợp lệ."}, status_code=422)
        return tpl.TemplateResponse(
            request,
            "error.html",
            {"code": 422, "message": "Dữ liệu gửi lên không hợp lệ.", "me": None},
            status_code=422,
        )

    app.include_router(feedback.router)
    app.include_router(public.router)  # before pages: /public/feed.xml is not a page slug
    app.include_router(pages.router)
    app.include_router(uploads.router)
    app.include_router(api.router)
    app.include_router(desk.router)
    app.include_router(uploads.api_router)
    docs.mount(app)
    app.include_router(review.router)
    app.include_router(review.api)
    field_review.install(app)
    return app


def _wants_json(request: Request) -> bool:
    """An API call, or a page's script asking for JSON (errors come back as ``{"detail"}``)."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def from_env() -> FastAPI:
    """The app over the archive named by ``VANBAN_HOME``/``VANBAN_DB``: the factory each worker
    process of ``vanban serve --workers N`` calls."""
    return create_app(WebConfig(secure_cookies=os.environ.get("VANBAN_SECURE_COOKIES") == "1"))


def _next(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(path, safe="")
