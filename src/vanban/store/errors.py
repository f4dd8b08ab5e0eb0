"""Errors of the archive."""

from ..errors import VanbanError


class ArchiveError(VanbanError):
    """The archive cannot do what was asked (unwritable or full data directory, unknown document…)."""
