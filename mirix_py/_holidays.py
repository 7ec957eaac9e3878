"""The days of holidays a conversation names by name: "on Christmas Eve", "at Easter".

Only holidays kept on the same day wherever English is spoken are read — Christmas Eve,
Christmas (Day), Boxing Day, New Year's Eve, New Year's Day, Valentine's Day, Halloween —
and Easter (Sunday), reckoned by the Gregorian computus. Holidays whose day differs by
country (Thanksgiving, Mother's Day, Labour Day) are left unresolved: a wrong date is worse
than none. :mod:`mirix_py._temporal` decides the year the way it does for a day and month
said without one.
"""

from __future__ import annotations

from datetime import date

from dateutil.easter import easter  # type: ignore[import-untyped, unused-ignore]

__all__ = ["HOLIDAY_PATTERN", "holiday_day"]

_FIXED = {
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "halloween": (10, 31),
}
_EASTER = ("easter", "easter sunday", "easter day")

HOLIDAY_PATTERN = (
    r"(?P<hol>christmas(?:\s+(?:eve|day))?|boxing\s+day|new\s+year[’']?s\s+(?:eve|day)|"
    r"valentine[’']?s\s+day|hallowe[’']?en|easter(?:\s+(?:sunday|day))?)"
)
"""The holiday names :func:`holiday_day` reads, as a regular expression (group ``hol``)."""


def _key(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").replace("hallowe'en", "halloween").split())


def holiday_day(name: str, year: int) -> date:
    """The day of holiday ``name`` (as matched by :data:`HOLIDAY_PATTERN`) in ``year``."""
    key = _key(name)
    if key in _EASTER:
        result: date = easter(year)
        return result
    month, day = _FIXED[key]
    return date(year, month, day)
