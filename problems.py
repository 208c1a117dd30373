"""What is wrong with an input, worded later in the reader's language through the translation table (`i18n`).

A `Problem` is one error or warning in a file (a report file or a boundary file): the row as the user sees it, the
column's header as written, the key of the sentence and its values (`etl/load.py`'s `message` words it). A `Refused`
is an exception for what the program will not do at all (read a file, back up, make a report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial


@dataclass(frozen=True)
class Problem:
    """One error or warning: where (row as the user sees it, header as written) and what (a translation key)."""

    row: int | None
    column: str | None
    key: str
    values: dict = field(default_factory=dict)


class Refused(ValueError):
    """Something the program will not do: `key` names the sentence that says why, `values` fill it, in the language
    of whoever is told."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __reduce__(self) -> tuple:
        # Kept whole when it comes back from another process (the worker that reads an upload).
        return partial(type(self), self.key, **self.values), ()
