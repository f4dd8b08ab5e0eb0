"""The CLI speaks Vietnamese only: every command's help and usage errors, Typer's and Click's own words included.

The commands are discovered from the app, so a new command is covered without touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

import vanban.cli
from vanban.cli import app

# Click's and Typer's own words, and English words that a help text would hold.
ENGLISH = re.compile(
    r"Usage|Options|Arguments|Commands|Show this message|Missing|Invalid value|Error|default:|"
    r"required|Try '|for help|No such|Did you mean|does not|unexpected|Aborted|<bool>|<str>|<int|"
    r"<path>|<Path|list\[|\b(?:the|of|and|for|with|from|this|each|one|files?|into|when|by|is|are|not|only)\b",
)
# Option names and command names are the program's vocabulary, not prose.
_NAMES = re.compile(r"(?<![\w-])-{1,2}[A-Za-z][\w-]*")


def _commands() -> list[tuple[list[str], typer.core.click.Command]]:  # type: ignore[name-defined]
    out = []

    def walk(path: list[str], command) -> None:  # type: ignore[no-untyped-def]
        out.append((path, command))
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk([*path, name], sub)

    walk([], typer.main.get_command(app))
    return out


COMMANDS = _commands()
LEAVES = [(p, c) for p, c in COMMANDS if not isinstance(c, TyperGroup)]


def _prose(text: str) -> str:
    text = _NAMES.sub(" ", text)
    for path, _ in COMMANDS:
        for name in path:
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return text


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VANBAN_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")  # no phrase is cut across lines
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        r = runner.invoke(app, list(args))
        return r.exit_code, r.output

    return invoke


def test_every_command_is_discovered() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"", "parse", "check", "show", "users add", "tasks confirm", "units load"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "vanban" for p, _ in COMMANDS])
def test_help_is_vietnamese(cli, path: list[str], command) -> None:  # type: ignore[no-untyped-def]
    code, out = cli(*path, "--help")
    assert code == 0, out
    assert "Cách dùng:" in out and "Tùy chọn" in out
    assert not ENGLISH.search(_prose(out)), ENGLISH.search(_prose(out))


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_usage_errors_are_vietnamese(cli, path: list[str], command) -> None:  # type: ignore[no-untyped-def]
    errors = [cli(*path, "--khong-co-tuy-chon")]
    if any(p.required for p in command.params):  # nothing runs: parsing stops at the missing value
        errors.append(cli(*path))
    numeric = [
        p
        for p in command.params
        if isinstance(p, TyperOption) and "số nguyên" in str(p.display_type_rich(None))
    ]
    if numeric:
        errors.append(cli(*path, numeric[0].opts[0], "x"))
    for code, out in errors:
        assert code == 2, out
        assert "Lỗi" in out and "Cách dùng:" in out
        assert not ENGLISH.search(_prose(out)), ENGLISH.search(_prose(out))


def test_missing_argument_and_bad_value_say_what_is_wrong(cli) -> None:  # type: ignore[no-untyped-def]
    code, out = cli("show")
    assert code == 2 and "Thiếu đối số 'VĂN_BẢN'." in out
    code, out = cli("ocr", "--jobs", "x", "a.pdf")
    assert code == 2 and "Giá trị không hợp lệ cho '--jobs' / '-j': 'x' không phải số nguyên." in out
    code, out = cli("serch")
    assert code == 2 and "Không có lệnh 'serch'." in out and "'search'" in out
    code, out = cli("search", "--jsn")
    assert code == 2 and "Không có tùy chọn --jsn." in out
    code, out = cli("show", "a", "b")
    assert code == 2 and "Thừa đối số: b." in out


def test_vanban_own_bad_parameter_message_is_kept(cli) -> None:  # type: ignore[no-untyped-def]
    code, out = cli("export", "--format", "xml")
    assert code == 2 and "--format là jsonl hoặc csv" in out


def test_arguments_are_named_in_vietnamese() -> None:
    unnamed = [
        (" ".join(p), a.name)
        for p, c in LEAVES
        for a in c.params
        if isinstance(a, TyperArgument) and a.metavar in (None, a.name)
    ]
    assert not unnamed, f"add these to cli.click.names: {unnamed}"


def test_option_help_comes_from_the_catalogue() -> None:
    """No help text is written in a command module: each is ``msg(…)`` of ``messages/vi/cli.toml``."""
    folder = Path(vanban.cli.__file__).parent
    literal = re.compile(r"\bhelp=[rbuf]?[\"']")
    found = [
        f"{p.name}:{n}"
        for p in sorted(folder.glob("*.py"))
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert not found, found
