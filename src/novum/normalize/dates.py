"""Dates in the offices' spellings (``20211019``, ``2021-10-19``, ``2021.10.19``) to ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = re.compile(r"\D")


def iso_date(value: str | None) -> str | None:
    """Return the ISO date, or ``None`` when the value is missing or not a real calendar date.

    Offices write unknown days or months as ``00`` (``19990000``); such partial dates are kept at the precision
    known, falling back to the first day, because a cut-off needs a comparable date, never an invented later one.
    """
    if not value:
        return None
    digits = _DIGITS.sub("", value.strip())
    if len(digits) != 8:
        return None
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not 1000 <= year <= 2999:
        return None
    month = month or 1
    day = day or 1
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
