"""Sending the answer to the citizen by e-mail (SMTP, settings from the environment:
``VANBAN_SMTP_HOST``, ``VANBAN_SMTP_PORT``, ``VANBAN_SMTP_USER``, ``VANBAN_SMTP_PASSWORD``,
``VANBAN_SMTP_STARTTLS``, ``VANBAN_MAIL_FROM``). Without a host, nothing is sent."""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol


class Mailer(Protocol):
    """Something that sends one plain-text message; True when it was accepted."""

    def send(self, to: str, subject: str, body: str) -> bool: ...


@dataclass
class SmtpMailer:
    """An SMTP relay."""

    host: str | None
    port: int = 25
    sender: str = "vanban@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> SmtpMailer:
        """The relay the environment names (``VANBAN_SMTP_*``, ``VANBAN_MAIL_FROM``)."""
        env = os.environ.get
        return cls(
            host=env("VANBAN_SMTP_HOST") or None,
            port=int(env("VANBAN_SMTP_PORT") or 25),
            sender=env("VANBAN_MAIL_FROM") or "vanban@localhost",
            user=env("VANBAN_SMTP_USER") or None,
            password=env("VANBAN_SMTP_PASSWORD") or None,
            starttls=(env("VANBAN_SMTP_STARTTLS") or "") in {"1", "true", "yes"},
        )

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send ``body`` to ``to``; False when no relay is set or it refused."""
        if not self.host:
            return False
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = self.sender, to, subject
        m.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                smtp.send_message(m)
        except (OSError, smtplib.SMTPException):
            return False
        return True
