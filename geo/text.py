"""Attribute text of boundary files: DBF bytes decoded as UTF-8, Windows-1258 or TCVN3, normalised to NFC, and
text that still looks garbled recognised.

Shapefile attributes are read as raw bytes (GDAL's own Windows-1258 conversion drops the last character of every
value) and decoded here: UTF-8 when every value is valid UTF-8, TCVN3 when `viparse` recognises it by content,
otherwise Windows-1258 (the `.cpg` is only a hint: offices often ship a wrong one).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

import pandas as pd
import viparse

UTF8, CP1258, TCVN3 = "UTF-8", "Windows-1258", "TCVN3"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
# Every letter Vietnamese writes, in NFC: the plain Latin ones, đ, and each vowel with each tone mark.
VIETNAMESE_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzđ"
    + _VOWELS
    + "".join(unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES)
)
_ETH_AS_D = str.maketrans("Ðð", "Đđ")
_ALLOWED_MARKS = frozenset(" 0123456789.,;:-–_/()'’\"&+#")


def normalised(text: str) -> str:
    """NFC, with the eth (Ð, ð) some converters write for Đ, đ replaced by them."""
    return unicodedata.normalize("NFC", text).translate(_ETH_AS_D)


def _tone_marks(word: str) -> int:
    return sum(any(mark in _TONES for mark in unicodedata.normalize("NFD", char)) for char in word)


def looks_garbled(text: str) -> bool:
    """Whether a name is not Vietnamese as written: a character no Vietnamese name has (`Th«n`, `ThÃ´n`, `�`),
    a capital inside a syllable (`CâÒm`) or a syllable with two tone marks."""
    text = normalised(text)
    if any(char.lower() not in VIETNAMESE_LETTERS and char not in _ALLOWED_MARKS for char in text):
        return True
    for word in re.findall(r"[^\W\d_]+", text):
        if _tone_marks(word) > 1 or any(a.islower() and b.isupper() for a, b in pairwise(word)):
            return True
    return False


def decode_bytes(values: list[bytes]) -> tuple[list[str], str]:
    """The values decoded with the one encoding that fits them all, and that encoding's name."""
    try:
        return [normalised(value.decode("utf-8")) for value in values], UTF8
    except UnicodeDecodeError:
        pass
    # TCVN3 bytes read one to one (Latin-1) are the characters viparse's TCVN3 table converts.
    surface = [value.decode("latin-1") for value in values]
    if viparse.detect_text_encoding("\n".join(surface)) == "tcvn3":
        return [normalised(viparse.fix(text, encoding="tcvn3")) for text in surface], TCVN3
    return [normalised(value.decode("cp1258", errors="replace")) for value in values], CP1258


def _text_columns(frame: pd.DataFrame) -> list:
    return [column for column in frame.columns
            if column != "geometry" and frame[column].map(lambda value: isinstance(value, str)).any()]


def decode_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A frame read with its bytes kept (as Latin-1 text), with its column names and text decoded together."""
    columns = _text_columns(frame)
    names = [str(column) for column in frame.columns if column != "geometry"]
    values = list(dict.fromkeys(value for column in columns for value in frame[column] if isinstance(value, str)))
    decoded, encoding = decode_bytes([text.encode("latin-1") for text in names + values])
    as_read = dict(zip(names + values, decoded, strict=True))
    result = frame.copy()
    for column in columns:
        result[column] = frame[column].map(lambda value: as_read[value] if isinstance(value, str) else value)
    return result.rename(columns=lambda name: as_read.get(str(name), name)), encoding


def fix_legacy_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Unicode text (GeoJSON, GeoPackage, KML) in NFC; TCVN3 text a converter left as Latin letters converted."""
    result = frame.copy()
    text_columns = _text_columns(frame)
    joined = "\n".join(value for column in text_columns for value in frame[column] if isinstance(value, str))
    legacy = viparse.detect_text_encoding(joined) == "tcvn3"
    for column in text_columns:
        result[column] = frame[column].map(
            lambda value: normalised(viparse.fix(value, encoding="tcvn3") if legacy else value)
            if isinstance(value, str) else value)
    return result.rename(columns=lambda name: normalised(str(name))), TCVN3 if legacy else None
