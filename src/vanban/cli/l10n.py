"""Typer's and Click's own words in Vietnamese, from the message catalogue (``cli.click.*``).

Recent Typer releases carry their own copy of Click (``typer._click``) whose words are plain
string literals, not ``gettext`` calls, so no translation object can reach them (Click itself
reads them through ``gettext``; the words below replace those as well). No private module is
imported: the error classes are told by name, Typer's words are its ``rich_utils`` constants.
``localise(app)`` runs once, when the CLI package is imported, after every command module has
registered, and does three things:

- sets the words of ``typer.rich_utils`` — panel titles (Đối số, Tùy chọn, Lệnh, Lỗi),
  ``[mặc định: …]``, ``[bắt buộc]``, the help hint — the module constants Typer's help and
  error panels read at each use;
- builds every command and group of the app with ``VanbanCommand``/``VanbanGroup`` (the ``cls``
  of each registered command and group), which write the usage line (``Cách dùng:``,
  ``[TÙY CHỌN]``, ``LỆNH [THAM SỐ]...``), the help option's text, argument names
  (``cli.click.names``) and type labels (``cli.click.types``) in Vietnamese;
- wraps Typer's error printer so that a usage error is worded from its type and fields
  (parameter, option, possibilities; the failed check of a bad value) by ``error_text`` —
  never from Click's English sentence. vanban's own ``BadParameter`` messages come from the
  catalogue and are shown as they are.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import typer
import typer.rich_utils as rich_utils
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ..messages import msg

__all__ = ["VanbanCommand", "VanbanGroup", "error_text", "localise"]

_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

# Typer's sentences for a path that fails its checks, by their ending (no regex needed).
_PATH_ENDINGS = (
    (" does not exist.", "cli.click.path_missing"),
    (" is a file.", "cli.click.path_is_file"),
    (" is a directory.", "cli.click.path_is_dir"),
    (" is not readable.", "cli.click.path_unreadable"),
    (" is not writable.", "cli.click.path_unwritable"),
)
# pydantic's error types (Typer ≥ 0.25 checks values with pydantic), by prefix.
_VALUE_ERRORS = (
    ("int_", "cli.click.not_int"),
    ("float_", "cli.click.not_number"),
    ("decimal_", "cli.click.not_number"),
    ("bool_", "cli.click.not_bool"),
    ("enum", "cli.click.not_choice"),
    ("literal_error", "cli.click.not_choice"),
    ("date", "cli.click.not_date"),
    ("datetime", "cli.click.not_date"),
    ("greater_than", "cli.click.too_small"),
    ("less_than", "cli.click.too_large"),
)


def _optional(key: str) -> str | None:
    """The message ``key``, or None when the catalogue has none."""
    try:
        return msg(key)
    except KeyError:
        return None


def _name(param: Any) -> str:
    """How a parameter is named in an error: ``'VĂN_BẢN'`` for an argument, ``'--json'`` for an option."""
    if param is None:
        return ""
    if isinstance(param, TyperArgument) or getattr(param, "param_type_name", "") == "argument":
        return f"'{param.metavar or param.name}'"
    return " / ".join(f"'{o}'" for o in param.opts)


def _value_detail(exc: Any) -> str | None:
    """What was wrong with a value, from the check that failed; None if it cannot be told."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        first = errors()[0]
        value = repr(first.get("input"))
        ctx = first.get("ctx") or {}
        for prefix, key in _VALUE_ERRORS:
            if first.get("type", "").startswith(prefix):
                return msg(key, value=value, choices=ctx.get("expected", ""))
        return msg("cli.click.invalid", value=value)
    text = getattr(exc, "message", "")
    for ending, key in _PATH_ENDINGS:
        if text.endswith(ending):
            return msg(key, name=text.removesuffix(ending).partition(" ")[2])
    return None


def _option(ctx: Any, name: str) -> Any:
    for param in getattr(getattr(ctx, "command", None), "params", ()):
        if name in getattr(param, "opts", ()) or name in getattr(param, "secondary_opts", ()):
            return param
    return None


def error_text(exc: Exception) -> str | None:
    """The Vietnamese sentence for a Click usage error; None keeps the error's own message."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    message = str(getattr(exc, "message", ""))
    if kind == "MissingParameter":
        key = "cli.click.missing_option" if isinstance(param, TyperOption) else "cli.click.missing_argument"
        return msg(key, name=_name(param))
    if kind == "NoSuchOption":
        text = msg("cli.click.no_such_option", name=exc.option_name)  # type: ignore[attr-defined]
        if exc.possibilities:  # type: ignore[attr-defined]
            text += " " + msg("cli.click.did_you_mean", names=", ".join(exc.possibilities))  # type: ignore[attr-defined]
        return text
    if kind == "BadOptionUsage":
        name = exc.option_name  # type: ignore[attr-defined]
        option = _option(ctx, name)
        if option is None:  # Click gave no context: its sentence tells which of the two it is
            flag = message.endswith("does not take a value.")
        else:
            flag = getattr(option, "is_flag", False) or option.nargs == 0
        return msg("cli.click.option_no_value" if flag else "cli.click.option_needs_value", name=name)
    if kind == "BadArgumentUsage":
        return msg("cli.click.bad_argument", name=message.split(" ", 2)[1] if " " in message else "")
    if kind == "BadParameter":
        detail = _value_detail(exc)
        if detail is None and (message.startswith("Value ") or isinstance(exc.__cause__, OSError)):
            detail = msg("cli.click.unusable")  # Typer's other checks of a value
        if detail is None:  # vanban's own message, from the catalogue
            detail = message
        name = _name(param)
        return (
            msg("cli.click.bad_value", name=name, detail=detail)
            if name
            else msg("cli.click.bad_value_plain", detail=detail)
        )
    if kind == "FileError":
        return msg("cli.click.file_error", name=repr(getattr(exc, "ui_filename", "")))
    if kind == "UsageError":
        if message.startswith("No such command "):
            name = message.removeprefix("No such command ").split(". Did you mean", 1)[0].rstrip(".")
            text = msg("cli.click.no_such_command", name=name)
            commands = list(getattr(getattr(ctx, "command", None), "commands", {}))
            close = difflib.get_close_matches(name.strip("'\""), commands)
            if close:
                text += " " + msg("cli.click.did_you_mean", names=", ".join(f"'{c}'" for c in close))
            return text
        if message.startswith("Missing command"):
            return msg("cli.click.missing_command")
        if message.startswith("Got unexpected extra argument"):
            return msg("cli.click.extra_arguments", args=message.rpartition(" (")[2].removesuffix(")"))
    return None


def _type_label(show: Callable[..., str | None]) -> Callable[..., str | None]:
    """A parameter's ``display_type_rich`` with the type named in Vietnamese (``<số nguyên>``)."""

    def label(ctx: Any) -> str | None:
        shown = show(ctx=ctx)
        if not shown or not shown.startswith("<"):
            return shown
        inner, _, rest = shown[1:].partition(">")
        many = inner.startswith("list[")
        name = _optional(
            "cli.click.types." + inner.removeprefix("list[").removesuffix("]").removesuffix(" range").lower()
        )
        if name is None:
            return shown
        return f"<{name}{'...' if many else ''}>{rest}" if name else None

    return label


class _Vietnamese:
    """What ``VanbanCommand`` and ``VanbanGroup`` share: usage line, help option, names and types."""

    params: list[Any]
    options_metavar: str | None

    def _localise(self) -> None:
        self.options_metavar = msg("cli.click.options_metavar")
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar is None:
                param.metavar = _optional(f"cli.click.names.{param.name}")
            if isinstance(param, (TyperArgument, TyperOption)):
                param.display_type_rich = _type_label(param.display_type_rich)  # type: ignore[method-assign]

    def get_usage(self, ctx: Any) -> str:
        """The usage line, ``Cách dùng: vanban show [TÙY CHỌN] VĂN_BẢN``."""
        formatter = ctx.make_formatter()
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=msg("cli.click.usage") + " ")
        return formatter.getvalue().rstrip("\n")

    def get_help_option(self, ctx: Any) -> Any:
        """The ``--help`` option, its text in Vietnamese."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.help != msg("cli.click.help_option"):
            option.help = msg("cli.click.help_option")
            option.display_type_rich = _type_label(option.display_type_rich)
        return option


class VanbanCommand(_Vietnamese, TyperCommand):
    """A Typer command whose own words are Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._localise()


class VanbanGroup(_Vietnamese, TyperGroup):
    """A Typer group whose own words are Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = msg("cli.click.subcommand_metavar")
        self._localise()


def _print_error(show: Callable[[Any], None]) -> Callable[[Any], None]:
    def print_error(exc: Any) -> None:
        text = error_text(exc)
        if text is not None:
            worded = _UsageError(text, ctx=getattr(exc, "ctx", None))
            worded.exit_code = exc.exit_code  # type: ignore[attr-defined]
            exc = worded
        show(exc)

    print_error.localised = True  # type: ignore[attr-defined]
    return print_error


def _commands(app: typer.Typer) -> None:
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = VanbanCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            group.typer_instance.info.cls = VanbanGroup
            _commands(group.typer_instance)


def localise(app: typer.Typer) -> None:
    """Build ``app``'s commands in Vietnamese and set Typer's own words from the catalogue (once)."""
    for constant, key in (
        ("ARGUMENTS_PANEL_TITLE", "arguments"),
        ("OPTIONS_PANEL_TITLE", "options"),
        ("COMMANDS_PANEL_TITLE", "commands"),
        ("ERRORS_PANEL_TITLE", "error"),
        ("ABORTED_TEXT", "aborted"),
        ("RICH_HELP", "try_help"),
        ("DEFAULT_STRING", "default"),
        ("REQUIRED_LONG_STRING", "required"),
        ("ENVVAR_STRING", "envvar"),
        ("DEPRECATED_STRING", "deprecated"),
    ):
        setattr(rich_utils, constant, msg(f"cli.click.{key}"))
    if not getattr(rich_utils.rich_format_error, "localised", False):
        rich_utils.rich_format_error = _print_error(rich_utils.rich_format_error)
    app.info.cls = VanbanGroup
    _commands(app)
