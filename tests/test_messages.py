"""The message catalogue: keys from every area file, formatting, unknown keys."""

import pytest

from vanban.messages import catalogue, msg


def test_area_files_are_merged_by_dotted_key() -> None:
    assert catalogue()["common.yes"] == "Có"


def test_placeholders_are_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue.cache_clear()
    monkeypatch.setitem(catalogue("vi"), "common.test_fmt", "Tệp {name}")
    assert msg("common.test_fmt", name="a.pdf") == "Tệp a.pdf"


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        msg("common.no_such_key")
