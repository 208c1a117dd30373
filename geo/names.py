"""Place names compared the way people write them: without diacritics, case or the unit word in front."""

from __future__ import annotations

import re
import unicodedata

# Unit words that a file may or may not put before a name ("Thôn An Thái" and "An Thái" are the same village).
UNIT_WORDS = ("to dan pho", "khu pho", "thi tran", "dac khu", "phuong", "thon", "xom", "ap", "xa")
_UNIT_PREFIX = re.compile(r"^(?:" + "|".join(UNIT_WORDS) + r")\s+")


def fold(text: object) -> str:
    """`Thôn Đông-Hòa` → `thon dong hoa`: lower case, no diacritics (`đ` as `d`), anything but letters and digits
    as one space. Names and headers of uploaded files are compared the same way."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return re.sub(r"[^0-9a-z]+", " ", plain).strip()


def without_unit(text: str) -> str:
    """The folded name without a leading unit word: `Thôn An Thái` → `an thai`."""
    folded = fold(text)
    stripped = _UNIT_PREFIX.sub("", folded)
    return stripped or folded
