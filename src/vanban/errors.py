"""Errors vanban raises: one base class, each with a message a clerk can act on."""


class VanbanError(Exception):
    """Base of every error vanban reports to its user."""


class ReadError(VanbanError):
    """The input could not be turned into text (corrupt, encrypted, unsupported, empty…)."""


class EmptyInputError(ReadError):
    """The input holds no text at all (0 bytes, or white space only)."""


class MissingToolError(ReadError):
    """An external program (tesseract, LibreOffice) or its language pack is not installed."""


class RecordError(VanbanError):
    """A stored record is not one ``Document.to_dict`` wrote (a key missing, a value of the wrong kind)."""
