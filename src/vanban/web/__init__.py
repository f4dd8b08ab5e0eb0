"""The web app: FastAPI, server-rendered Jinja2 templates in Vietnamese, a REST API under
``/api/v1`` with bearer tokens. Built on the archive (``vanban.store``) and ``vanban.track``."""

from .app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
