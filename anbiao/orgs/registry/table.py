"""What a registry file reads into: a table of cells, and the error that refuses a whole file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class RegistryFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header…); the message is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows of one sheet: ``rows[i]`` is Excel row ``i + 1`` (a list of values, may be short)."""

    rows: list[list[Any]]
    sheet_name: str = ""
    kind: str = "xlsx"  # or "csv"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
