"""Place names compared the way people write them: exactly (tone marks count), or folded without diacritics and case,
with or without the unit word in front ("Thôn An Thái" and "An Thái" are the same village)."""

from __future__ import annotations

import re
import unicodedata

# Every unit word a file may or may not put before a name, as written (the one list for uploads and boundaries).
UNIT_WORDS = (
    "khu dân cư", "tổ dân phố", "khu phố", "thị trấn", "đặc khu", "phường", "thôn", "xóm", "làng", "bản", "ấp",
    "khu", "kdc", "tdp", "tổ", "xã",
)


def _prefix_pattern(words: list[str]) -> str:
    # Longest first, so that "khu dân cư" is taken whole before "khu".
    return r"^(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")\s+"


def fold(text: object) -> str:
    """`Thôn Đông-Hòa` → `thon dong hoa`: lower case, no diacritics (`đ` as `d`), anything but letters and digits
    as one space. Names and headers of uploaded files are compared the same way."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return re.sub(r"[^0-9a-z]+", " ", plain).strip()


def exact(text: object) -> str:
    """`Thôn  Đông-Hòa` → `thôn đông hòa`: NFC, lower case, punctuation as one space; diacritics and tone marks kept."""
    normalised = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"[\W_]+", " ", normalised).strip()


# Applied to folded text (`fold`), and to exact text (`exact`): tone marks keep "Tô Hiệu" apart from "Tổ …" there.
FOLDED_UNIT_PREFIX = _prefix_pattern(sorted({fold(word) for word in UNIT_WORDS}))
_FOLDED_UNIT = re.compile(FOLDED_UNIT_PREFIX)
_EXACT_UNIT = re.compile(_prefix_pattern([exact(word) for word in UNIT_WORDS]))


def without_unit(text: str) -> str:
    """The folded name without a leading unit word: `Thôn An Thái` → `an thai`."""
    folded = fold(text)
    return _FOLDED_UNIT.sub("", folded) or folded


def exact_without_unit(text: str) -> str:
    """The exact name without a leading unit word: `Khu dân cư Cẩm Giàng` → `cẩm giàng`."""
    kept = exact(text)
    return _EXACT_UNIT.sub("", kept) or kept


# From the strictest to the loosest; a looser form is only used when it names a single registry entry.
NAME_FORMS = (exact, exact_without_unit, fold, without_unit)
