"""Text helpers for Vietnamese names: a folded form for diacritic-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ is a letter of its own, not d plus a combining mark, so NFD leaves it alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lowercase, strip Vietnamese diacritics (đ→d) and collapse whitespace.

    "Vải thiều  Lục Ngạn" → "vai thieu luc ngan". Both spellings of a tone ("Hoà"/"Hòa") fold to
    the same text, so the sources' differing conventions do not matter for search.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.lower()).strip()
