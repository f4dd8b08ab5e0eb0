"""Tasks (nhiệm vụ): who is assigned what, by when, and to whom they report.

Finds the assignment structures official documents use, on normalized text:

* numbered sections headed by a unit, duties listed under it (``2. Sở Thông tin và Truyền thông``);
* ``Giao Sở X chủ trì, phối hợp với Y …`` and ``Đề nghị các đơn vị …`` sentences;
* items and sentences that open with units and a duty verb (``- Các sở, ban, ngành … triển khai``);
* a Quyết định's executor article (``Điều 3. Chánh Văn phòng …, Giám đốc … chịu trách nhiệm thi hành``).

Deadlines: absolute, year-less (the year of issue, or the next if already past), relative to the
date of issue, recurring. Report obligations: ``báo cáo UBND tỉnh (qua Sở Nội vụ)``.
Cue words and verbs are in ``data/tasks.toml``.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from .lexicon import dates, grammar, pattern
from .lexicon.sections import Heading
from .rules import table, trie_regex
from .units import is_collective, starts_like_unit, unit_key


@dataclass(frozen=True)
class FoundDeadline:
    """A deadline found in a task's text (normalized offsets)."""

    date: dt.date | None
    kind: str  # absolute, relative, recurring
    text: str
    start: int
    end: int
    recurrence: str | None = None


@dataclass(frozen=True)
class Named:
    """A unit named in the text (normalized offsets)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class FoundAssignee:
    """A unit assigned a task, with its role (lead, coordinate, execute, addressee)."""

    name: str
    role: str
    start: int
    end: int


@dataclass(frozen=True)
class Found:
    """An assignment found in the text (normalized offsets)."""

    assignees: list[FoundAssignee]
    action: tuple[int, int]
    deadline: FoundDeadline | None
    report_to: str | None = None
    report_via: str | None = None


@dataclass(frozen=True)
class _Vocab:
    """The task grammar (``tasks.*`` of ``data/lexicon/grammar.toml``) filled with the word lists
    of ``data/tasks.toml``."""

    verb: re.Pattern[str]
    verb_ws: re.Pattern[str]  # the same, taking the blank before: a fast whole-body scan
    split: re.Pattern[str]  # a split point inside a list of units
    verb_cap: re.Pattern[str]
    cue: re.Pattern[str]
    cue_head: re.Pattern[str]
    not_task: re.Pattern[str]
    not_in_gap: re.Pattern[str]
    executor: re.Pattern[str]
    recurrence: re.Pattern[str]


@cache
def _vocab() -> _Vocab:
    d = table("tasks")
    verbs = sorted(d["duty_verbs"], key=len, reverse=True)
    heads = sorted(d["unit_heads"], key=len, reverse=True)
    # tries, not flat alternations: one or two comparisons per position in whole-body scans
    verb_alt = trie_regex([v for v in verbs if v != "xây dựng"])
    cues = "|".join(d["cues"])
    return _Vocab(
        verb=pattern("tasks.verb", verbs=verb_alt),
        verb_ws=pattern("tasks.verb_ws", verbs=verb_alt),
        split=pattern("tasks.split", heads=trie_regex(heads), and_heads="|".join(d["and_heads"])),
        verb_cap=re.compile(trie_regex([v[0].upper() + v[1:] for v in verbs]) + r"(?!\w)"),
        cue=pattern("tasks.cue", cues=cues),
        cue_head=pattern("tasks.cue_head", cues=cues),
        not_task=re.compile(rf"(?:{'|'.join(d['not_task'])})"),
        not_in_gap=re.compile(rf"(?:{'|'.join(d['not_in_gap'])})"),
        executor=re.compile(trie_regex(d["executor_verbs"])),
        recurrence=re.compile("|".join(f"(?P<{k}>{v})" for k, v in d["recurrence"].items())),
    )


_DEADLINE = pattern("tasks.deadline")
_RELATIVE = pattern("tasks.relative")
_REPORT = pattern("tasks.report")
_OFFICE_OF = pattern("tasks.office_of")
_PERSON_HEAD = pattern("tasks.person_head")
_BARE_TITLE_LIST = pattern("tasks.bare_title_list")
_GENERIC_HEAD = pattern("tasks.generic_head")
_AND_LEAD = pattern("tasks.and_lead")
_TRAILING_ADVERB = pattern("tasks.trailing_adverb")
_ASIDE = pattern("tasks.aside")
_BY_FUNCTION = pattern("tasks.by_function")
_CUE_BREAK = pattern("tasks.cue_break")
_HEADING_END = pattern("tasks.heading_end")
_ITEM = pattern("tasks.item")
_GENERIC_RELATED = pattern("tasks.generic_related")
_RELATED = pattern("tasks.related")
_COORD = pattern("tasks.coord")
_COORD_STOP = pattern("tasks.coord_stop")
_GAP_END = pattern("tasks.gap_end")
_ITEM_INSIDE = pattern("tasks.item_inside")
_AS_FOLLOWS = pattern("tasks.as_follows")
_PARAGRAPH_END = pattern("tasks.paragraph_end")
_LEAD_AFTER = pattern("tasks.lead_after")
_COORDINATES_BEFORE = pattern("tasks.coordinates_before")


def _split_units(s: str, base: int) -> list[Named]:
    """Split "A; B", "A, Giám đốc B" and "A và Sở B" into unit names with offsets."""
    out: list[Named] = []
    pos = 0
    for part in s.split(";"):
        out += _split_part(part, base + pos)
        pos += len(part) + 1
    return out


def _split_part(s: str, base: int) -> list[Named]:
    v = _vocab()
    pos = last = 0
    bare = _BARE_TITLE_LIST.match(s.lstrip())
    if bare:  # "Giám đốc: Trung tâm A, Trung tâm B": the list after the colon names the units
        pos = last = len(s) - len(s.lstrip()) + bare.end()
    cuts = []
    for m in v.split.finditer(s, pos):
        sep = m.group().strip()
        if sep == "và" and _OFFICE_OF.search(s, 0, m.start()):
            continue  # "Văn phòng HĐND và UBND": one office
        if sep == "," and _GENERIC_HEAD.fullmatch(s[last : m.start()].strip()):
            continue  # "Giám đốc Sở, Thủ trưởng cơ quan, ban, ngành": one generic phrase
        if ":" in s[last : m.start()]:
            continue  # "Giám đốc các Sở: Dân tộc và Tôn giáo, Nội vụ và …": a list inside one unit
        if sep == "," and not s[m.end() : m.end() + 1].isupper() and _PERSON_HEAD.match(s[last:].lstrip()):
            continue  # "người đứng đầu các cơ quan …, các đơn vị …": the head of each, one phrase
        cuts.append(m)
        last = m.end()
    out = []
    for m in [*cuts, None]:
        end = m.start() if m else len(s)
        raw = s[pos:end]
        stripped = _AND_LEAD.sub("", raw.strip(" ,.*:"))
        if stripped:
            off = base + pos + raw.index(stripped)
            out.append(Named(" ".join(stripped.split()), off, off + len(stripped)))
        if m:
            pos = m.end()
    return out


_ADVERB_WORDS = grammar()["tasks.trailing_adverb"].triggers


def _clean_units(s: str) -> str:
    s = s.strip(" *:-–")
    if s[:1] in "GgĐđYy":
        s = _vocab().cue_head.sub("", s)
    if "(" in s:
        s = _ASIDE.sub("", s)
    if "chức năng" in s:
        s = _BY_FUNCTION.sub("", s)
    if any(w in s for w in _ADVERB_WORDS):
        s = _TRAILING_ADVERB.sub("", s)
    return s


def _is_units(s: str, issuer_key: str | None) -> bool:
    """A phrase that names units and nothing else."""
    if not s or len(s) > 260 or not starts_like_unit(s) or s.lower() in bare_nouns():
        return False
    if _vocab().not_task.search(s) or _vocab().not_in_gap.search(s):
        return False
    return not (issuer_key and unit_key(s) in (issuer_key, issuer_key.split(" ", 1)[-1]))


class _Spans:
    """Disjoint-enough spans with a fast "does any span contain this offset" test."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, a: int, b: int) -> None:
        i = bisect_left(self._starts, a)
        self._starts.insert(i, a)
        self._ends.insert(i, b)

    def __contains__(self, pos: int) -> bool:
        i = bisect_left(self._starts, pos + 1) - 1
        return any(self._starts[j] <= pos < self._ends[j] for j in range(max(0, i - 3), i + 1))


_DEADLINE_WORDS = grammar()["tasks.deadline"].triggers


def find_tasks(
    t: str,
    body: tuple[int, int],
    sections: list[Heading],
    issued: dt.date | None = None,
    issuer: str | None = None,
) -> list[Found]:
    """Assignments in the body ``t[body[0]:body[1]]``."""
    v = _vocab()
    issuer_key = unit_key(issuer) if issuer else None
    out: list[Found] = []
    claimed = _Spans()  # unit spans already taken, so one phrase is one task

    def add(names: list[Named], role: str, action: tuple[int, int]) -> None:
        names = [x for x in names if x.start not in claimed and x.name.lower() not in bare_nouns()]
        if not names:
            return
        for x in names:
            claimed.add(x.start, x.end)
        dl = _deadline(t, action[0], action[1], issued)
        to, via = _report(t, action[0], action[1])
        assignees = [FoundAssignee(x.name, _role(t, x.start, role), x.start, x.end) for x in names]
        for c in _coordinators(t, action[0], action[1]):
            if c.start not in claimed:
                claimed.add(c.start, c.end)
                assignees.append(c)
        out.append(Found(assignees, action, dl, to, via))
        # one duty per dated clause: "… trước ngày 28/2/2023; … báo cáo … trước ngày 10/11/2023"
        if dl and dl.kind == "absolute":
            nxt = dl.end
            while (more := _deadline(t, nxt, action[1], issued)) and more.kind == "absolute" and more.date:
                out.append(Found(assignees, (nxt, more.end), more, to, via))
                nxt = more.end

    # 1. numbered sections headed by a unit: the duties below it are its task
    top = [x for x in sections if body[0] <= x.start < body[1] and x.level <= 4]
    for i, sec in enumerate(top):
        s, e = sec.start, sec.end
        h = _clean_units(sec.heading)
        if not _stands_alone(t, e):  # the heading wraps: take it up to its first item or blank line
            more = _HEADING_END.search(t, e, e + 300)
            cap = _cap_verb_line(t, e, e + 300)
            if cap is not None and (not more or cap < more.start()):
                more = re.compile(r"\n").search(t, cap - 1)
            if not more:
                continue
            e = more.start()
            h = _clean_units(" ".join(t[s:e].split()[1:]))
        if not _is_units(h, issuer_key) or h.endswith(".") or v.verb.search(h):
            continue
        nxt = next((x.start for x in top[i + 1 :] if x.level <= sec.level), body[1])
        add(_split_units(h, _find_loose(t, h, s, e)), "execute", (s, nxt))

    # 2. "Giao / Đề nghị X <verb>": the cue names the assignee
    for m in _cues(t, body[0], body[1]):
        who_start = m.end()
        vm = v.verb.search(t, who_start, min(body[1], who_start + 260))
        if not vm or _CUE_BREAK.search(t, who_start, vm.start()):
            continue
        who = _clean_units(t[who_start : vm.start()])
        if not _is_units(who, issuer_key):
            continue
        off = t.find(who, who_start, vm.start())
        add(
            _split_units(who, off),
            _verb_role(vm.group("verb")),
            (m.start(), _sentence_end(t, vm.end(), body[1])),
        )

    # 3. items and sentences that open with units and a duty verb; the executor article.
    # Executor phrases (rare) are found once for the whole body and looked up by bisection;
    # stops and verbs (dense) by a short scan from each unit-like opening.
    executors = list(v.executor.finditer(t, body[0], body[1]))
    ex_starts = [m.start() for m in executors]
    for om in _opening_re().finditer(t, body[0], body[1]):
        st = om.end()
        if st >= body[1] or not starts_like_unit(t[st : st + 40]) or not _real_opening(t, om):
            continue
        stop = _first(_STOP, t, st, min(body[1], st + 900))
        ex_i = bisect_left(ex_starts, st)
        ex = executors[ex_i] if ex_i < len(executors) and ex_starts[ex_i] < st + 900 else None
        ex_stop = _first(_FULL_STOP, t, st, min(body[1], st + 900)) if ex else None
        lim = min(body[1], st + 300, stop if stop is not None else body[1])
        vm = v.verb_ws.search(t, st - 1, lim)
        if (
            ex
            and (ex_stop is None or ex.start() < ex_stop)
            and (not vm or ex.start() <= vm.start("verb") or "thi hành" in ex.group())
        ):
            who = _clean_units(t[st : ex.start()])
            if who and starts_like_unit(who) and len(who) < 900:
                add(_split_units(who, st + t[st : ex.start()].find(who)), "execute", (st, ex.end()))
            continue
        if stop is not None and t[stop] == ":" and (vm is None or vm.start("verb") > stop):
            after = t[stop + 1 : stop + 40].lstrip()
            head = _clean_units(t[st:stop])
            if v.verb_cap.match(after) and _is_units(head, issuer_key):  # "- Sở Tư pháp: Phối hợp với …"
                role = "lead" if after.startswith("Chủ trì") else "execute"
                add(
                    _split_units(head, st + t[st:stop].find(head)),
                    role,
                    (st, _sentence_end(t, stop + 1, body[1])),
                )
                continue
        if not vm:
            continue
        gap = t[st : vm.start("verb")]
        committed = gap.rstrip().endswith(" sẽ")  # "Văn phòng sẽ phối hợp với …": the issuer commits too
        if committed:
            gap = gap.rstrip()[:-3]
        if _GAP_END.search(gap) or v.not_in_gap.search(gap) or _ITEM_INSIDE.search(gap):
            continue
        who = _clean_units(gap)
        if not _is_units(who, None if committed else issuer_key) or _AS_FOLLOWS.match(
            t, vm.end(), vm.end() + 20
        ):
            continue
        role = _verb_role(vm.group("verb"), t[vm.end() : vm.end() + 20])
        add(_split_units(who, st + gap.find(who)), role, (st, _sentence_end(t, vm.end(), body[1])))
    out.sort(key=lambda f: f.action[0])
    return out


def _cap_verb_line(t: str, start: int, end: int) -> int | None:
    """Where a line opening with a capitalised duty verb ("Khẩn trương …") starts."""
    end = min(end, len(t))
    i = t.find("\n", start, end)
    while i >= 0:
        j = i + 1
        while j < end and t[j] in " \t*":
            j += 1
        if _vocab().verb_cap.match(t, j):
            return j
        i = t.find("\n", i + 1, end)
    return None


def _find_loose(t: str, phrase: str, start: int, end: int) -> int:
    """Where ``phrase`` (white space squashed) begins in ``t[start:end]``."""
    first = phrase.split()[0] if phrase.split() else ""
    i = t.find(first, start, end)
    return i if i >= 0 else start


@cache
def _opening_re() -> re.Pattern[str]:
    u = table("units")
    words = sorted({w.split()[0] for w in u["starts"]} | {"các", "Các"}, key=len, reverse=True)
    return pattern("tasks.opening", words=trie_regex(words))


def _stands_alone(t: str, line_end: int) -> bool:
    """A heading line that is not the first line of a wrapped sentence: a blank line, a bullet
    or a number follows it."""
    m = re.compile(r"\n([ \t]*\n)?[ \t*]*(\S)").search(t, line_end, line_end + 400)
    if not m:
        return True
    return bool(m.group(1)) or bool(_ITEM.match(t[m.start(2) : m.start(2) + 3]))


def _real_opening(t: str, om: re.Match[str]) -> bool:
    """An item or sentence start, not a line that wraps a paragraph (crawled pages wrap anywhere)."""
    if om.group().strip(" \t*\n.;:"):
        return True  # a bullet or a number
    a = om.start()
    if t[a] != "\n":
        return True  # after ". "
    prev = t[:a].rstrip(" \t*")
    return not prev or prev.endswith(("\n", ".", ":", ";", "!", "?"))


def _coordinators(t: str, start: int, end: int) -> list[FoundAssignee]:
    """Units named after ``phối hợp (với)`` in a task's text (they coordinate) or after ``chỉ đạo
    các …`` (they carry it out)."""
    m = _COORD.search(t, start, min(end, start + 600))
    if not m:
        return []
    role = "coordinate" if m.group("coord") else "execute"
    st = m.end()
    lim = min(end, st + 300)
    vm = _vocab().verb.search(t, st, lim)
    cap = _vocab().verb_cap.search(t, st, lim)  # ") Rà soát …": a capitalised duty after a name
    if cap and (not vm or cap.start() < vm.start()) and cap.start() > st and t[cap.start() - 1] in " )\n":
        vm = cap
    stop = _COORD_STOP.search(t, st, lim)
    cut = min(x.start() for x in (vm, stop) if x) if (vm or stop) else lim
    rel = _RELATED.search(t, st, cut)
    if rel:
        cut = rel.end()  # "… các cơ quan, đơn vị (có) liên quan": the list ends there
    who = _clean_units(t[st:cut])
    if not who or not starts_like_unit(who) or _vocab().not_in_gap.search(who):
        return []
    names = [x for x in _split_units(who, st + t[st:cut].find(who)) if x.name.lower() not in bare_nouns()]
    named = [x for x in names if not _GENERIC_RELATED.fullmatch(x.name)]
    # "… phối hợp với Sở A và các cơ quan liên quan": the formula after named units adds no one;
    # alone ("phối hợp với các đơn vị có liên quan") it is the coordinator
    return [FoundAssignee(x.name, role, x.start, x.end) for x in (named or names)]


_STOP = re.compile(r"[.:]\s|\n\s*\n")
_FULL_STOP = re.compile(r"\.\s|\n\s*\n")


def _first(pattern: re.Pattern[str], t: str, start: int, limit: int) -> int | None:
    """Where ``pattern`` first matches in ``t[start:limit]`` (stops are dense: a short scan)."""
    m = pattern.search(t, start, limit)
    return m.start() if m else None


@cache
def bare_nouns() -> frozenset[str]:
    """Nouns that, alone, refer back to a body named before ("Trung tâm gửi …"): never a unit."""
    return frozenset(table("tasks")["bare_nouns"])


@cache
def generic_addressees() -> frozenset[str]:
    """ "Các đơn vị" in a letter: its addressees (Kính gửi)."""
    return frozenset(table("tasks")["generic_addressees"])


def _verb_role(verb: str, after: str = "") -> str:
    """``chủ trì`` (also ``có trách nhiệm chủ trì``) makes the unit the lead."""
    lead = verb.startswith("chủ") and "trì" in verb
    return "lead" if lead or _LEAD_AFTER.match(after) else "execute"


def _role(t: str, start: int, default: str) -> str:
    """``phối hợp với X`` makes X a coordinating unit."""
    return "coordinate" if _COORDINATES_BEFORE.search(t[max(0, start - 20) : start]) else default


@cache
def _cue_words() -> tuple[str, ...]:
    return tuple(table("tasks")["cue_words"])


def _cues(t: str, start: int, end: int) -> list[re.Match[str]]:
    """Matches of the cue pattern, found from its words with ``str.find`` (faster than a regex scan)."""
    v = _vocab()
    out = []
    for w in _cue_words():
        i = t.find(w, start, end)
        while i >= 0:
            if not (i and t[i - 1].isalnum()):
                m = v.cue.match(t, i, end)
                if m:
                    out.append(m)
            i = t.find(w, i + len(w), end)
    out.sort(key=lambda m: m.start())
    return out


def _sentence_end(t: str, pos: int, limit: int) -> int:
    """The end of the task's paragraph (its deadline often follows in the next sentence)."""
    m = _PARAGRAPH_END.search(t, pos, min(limit, pos + 1500))
    return m.start() if m else min(limit, pos + 1500)


def _deadline(t: str, start: int, end: int, issued: dt.date | None) -> FoundDeadline | None:
    m = _DEADLINE.search(t, start, end) if any(t.find(w, start, end) >= 0 for w in _DEADLINE_WORDS) else None
    if m:
        text = " ".join(m.group().split())
        if m.group("dd"):  # "trước ngày 15/12": the year of issue, or the next if already past
            rec = _recurrence(t, start, end)
            if rec:  # "định kỳ hằng năm (trước ngày 25/12)": a recurring day, no single date
                return FoundDeadline(None, "recurring", text, m.start(), m.end(), rec)
            if not issued:
                return FoundDeadline(None, "absolute", text, m.start(), m.end())
            d = dates.make(issued.year, m.group("mm"), m.group("dd"))
            if d and d < issued:
                d = dates.make(issued.year + 1, m.group("mm"), m.group("dd"))
            return FoundDeadline(d, "absolute", text, m.start(), m.end())
        d = dates.make(
            m.group("y") or m.group("y2"), m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
        )
        rec = _recurrence(t, start, end)
        return FoundDeadline(d, "absolute", text, m.start(), m.end(), rec)
    r = _RELATIVE.search(t, start, end)
    if r:
        text = " ".join(r.group().split())
        d = _add(issued, int(r.group("n")), r.group("unit")) if issued else None
        return FoundDeadline(d, "relative", text, r.start(), r.end())
    rec_m = _vocab().recurrence.search(t, start, end)
    if rec_m:
        return FoundDeadline(
            None, "recurring", " ".join(rec_m.group().split()), rec_m.start(), rec_m.end(), rec_m.lastgroup
        )
    return None


def _recurrence(t: str, start: int, end: int) -> str | None:
    m = _vocab().recurrence.search(t, start, end)
    return m.lastgroup if m else None


def _add(d: dt.date, n: int, unit: str) -> dt.date:
    """``n`` days / working days / weeks / months after ``d``."""
    if unit.startswith("ngày làm"):
        cur = d
        while n > 0:
            cur += dt.timedelta(days=1)
            if cur.weekday() < 5:
                n -= 1
        return cur
    if unit == "tuần":
        return d + dt.timedelta(weeks=n)
    if unit == "tháng":
        y, m = divmod(d.month - 1 + n, 12)
        day = min(d.day, [31, 29 if (d.year + y) % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m])
        return dt.date(d.year + y, m + 1, day)
    return d + dt.timedelta(days=n)


def _report(t: str, start: int, end: int) -> tuple[str | None, str | None]:
    m = _REPORT.search(t, start, end)
    if not m:
        return None, None
    return " ".join(m.group("to").split()), " ".join(m.group("via").split()) if m.group("via") else None


def key_of(name: str) -> str:
    """Canonical key of an assignee."""
    return unit_key(name)


def collective(name: str) -> bool:
    """A group addressee."""
    return is_collective(name)
