"""The API's Swagger UI at ``/api/docs``, served with the app's own copy of its files (Swagger UI
5, which reads OpenAPI 3.1, as the ``fastapi-offline`` package ships it; only its files are used):
no CDN, and it runs under the app's Content-Security-Policy (the page's only script besides the
bundle is ``/static/swagger-init.js``)."""

from __future__ import annotations

from html import escape
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ..messages import msg

ASSETS = "/api/docs/assets"
SWAGGER_UI = resources.files("fastapi_offline") / "static"

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def mount(app: FastAPI) -> None:
    """Add ``/api/docs`` and its assets to ``app``."""
    app.mount(ASSETS, StaticFiles(directory=str(SWAGGER_UI)), name="swagger-ui")
    html = PAGE.format(
        title=escape(msg("web.docs.title")), assets=ASSETS, openapi=escape(app.openapi_url or "")
    )

    @app.get("/api/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return HTMLResponse(html)
