"""Personal data out of a text that is going to be published: the citizen's own name, phone,
e-mail and address wherever they occur, and any e-mail address, phone number, long run of digits
(CMND/CCCD), name after a form of address (``ông Nguyễn Văn A``) or address after a cue.

Every pattern starts only where a token starts (a look-behind) and reads a bounded or
non-overlapping stretch from there, so each runs in linear time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..messages import msg
from .rules import rules

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?!\d)")
_DIGITS = re.compile(r"(?<!\d)\d{9,}")


@cache
def _cued() -> tuple[re.Pattern[str], re.Pattern[str]]:
    r = rules()
    titles = "|".join(map(re.escape, sorted(r.titles, key=len, reverse=True)))
    cues = "|".join(map(re.escape, sorted(r.address_cues, key=len, reverse=True)))
    name = re.compile(rf"(?<!\w)(?i:{titles})\s+(\w+(?: \w+){{0,4}})")
    address = re.compile(rf"(?<!\w)((?i:{cues}))\s*:?\s*([^\n,.;]{{1,120}})")
    return name, address


@dataclass(frozen=True)
class Person:
    """What identifies the citizen of one item."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


def _own(text: str, value: str | None, label: str) -> str:
    value = (value or "").strip()
    if len(value) < 3:
        return text
    return re.compile(re.escape(value), re.IGNORECASE).sub(label, text)


def _capitalised(m: re.Match[str], label: str) -> str:
    """The match with its leading capitalised words (a person's name) replaced by ``label``."""
    words = m.group(1).split(" ")
    n = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
    if n == 0:
        return m.group(0)
    head = m.group(0)[: m.start(1) - m.start(0)]
    return head + " ".join([label, *words[n:]])


def redact(text: str, who: Person | None = None) -> str:
    """``text`` with personal data replaced by bracketed labels."""
    text = unicodedata.normalize("NFC", text or "")
    who = who or Person()
    name_l, phone_l = msg("feedback.redact_name"), msg("feedback.redact_phone")
    mail_l, addr_l, id_l = (
        msg("feedback.redact_email"),
        msg("feedback.redact_address"),
        msg("feedback.redact_id"),
    )
    text = _own(text, who.address, addr_l)
    text = _own(text, who.email, mail_l)
    text = _own(text, who.phone, phone_l)
    text = _own(text, who.name, name_l)
    text = _EMAIL.sub(mail_l, text)
    text = _PHONE.sub(phone_l, text)
    text = _DIGITS.sub(id_l, text)
    name, address = _cued()
    text = name.sub(lambda m: _capitalised(m, name_l), text)
    text = address.sub(lambda m: f"{m.group(1)} {addr_l}", text)
    return text
