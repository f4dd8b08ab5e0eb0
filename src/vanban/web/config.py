"""Settings of the web app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class WebConfig:
    """Where the archive is, and the limits the app enforces."""

    home: Path | None = None  # archive data directory (default: the archive's default)
    db_url: str | None = None
    max_upload: int = 20 * 1024 * 1024  # bytes per uploaded file
    session_ttl: dt.timedelta = dt.timedelta(hours=8)
    secure_cookies: bool = False  # set on HTTPS deployments
    concurrency: int = 6  # requests at work at once (each may use two pooled connections)
    job_workers: int = 1  # processes that read uploads (OCR and parsing), off the request path
    today: Callable[[], dt.date] = field(default=dt.date.today)
