"""The desk's settings, from the environment: who this organisation is (for the packets it
sends) and the SMTP server reminders go through."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..read.edxml import Organ

__all__ = ["Smtp", "organ", "smtp"]


def organ() -> Organ:
    """This organisation: ``VANBAN_ORGAN_NAME`` and its identifier ``VANBAN_ORGAN_ID`` (QCVN 102)."""
    return Organ(os.environ.get("VANBAN_ORGAN_NAME", ""), id=os.environ.get("VANBAN_ORGAN_ID", ""))


@dataclass(frozen=True)
class Smtp:
    """An SMTP server: ``VANBAN_SMTP_HOST`` (none: no e-mail), port, sender, login, STARTTLS."""

    host: str
    port: int = 25
    sender: str = "vanban@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False


def smtp() -> Smtp | None:
    """The SMTP settings, or ``None`` when e-mail is not configured."""
    host = os.environ.get("VANBAN_SMTP_HOST")
    if not host:
        return None
    return Smtp(
        host=host,
        port=int(os.environ.get("VANBAN_SMTP_PORT", "25")),
        sender=os.environ.get("VANBAN_SMTP_FROM", "vanban@localhost"),
        user=os.environ.get("VANBAN_SMTP_USER", ""),
        password=os.environ.get("VANBAN_SMTP_PASSWORD", ""),
        starttls=os.environ.get("VANBAN_SMTP_STARTTLS", "") in ("1", "true", "yes"),
    )
