"""The days of holidays a conversation names by name: "on Christmas Eve", "at Easter".

Only holidays kept on the same day wherever English is spoken are read — Christmas Eve,
Christmas (Day), Boxing Day, New Year's Eve, New Year's Day, Valentine's Day, Halloween —
and Easter (Sunday), reckoned by the Gregorian computus, with Good Friday and Easter
Monday. Holidays whose day differs by country (Thanksgiving, Mother's Day, Labour Day) are
left unresolved: a wrong date is worse than none. :mod:`mirix_py._temporal` decides the
year the way it does for a day and month said without one.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter  # type: ignore[import-untyped, unused-ignore]

__all__ = ["ALWAYS_DATES", "HOLIDAY_PATTERN", "holiday_day", "holiday_key"]

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
_EASTER = {"easter": 0, "easter sunday": 0, "easter day": 0, "good friday": -2, "easter monday": 1}
ALWAYS_DATES = frozenset(set(_FIXED) - {"christmas", "halloween"} | set(_EASTER) - {"easter"})
"""Names that are a day whatever comes before them ("Good Friday", not "Christmas" in
"Christmas tree")."""

HOLIDAY_PATTERN = (
    r"(?P<hol>christmas(?:\s+(?:eve|day))?|boxing\s+day|new\s+year[’']?s\s+(?:eve|day)|"
    r"valentine[’']?s\s+day|hallowe[’']?en|good\s+friday|"
    r"easter(?:\s+(?:sunday|monday|day))?)"
)
"""The holiday names :func:`holiday_day` reads, as a regular expression (group ``hol``)."""


def holiday_key(name: str) -> str:
    """``name`` lower-cased, with straight apostrophes and single spaces."""
    return " ".join(name.lower().replace("’", "'").replace("hallowe'en", "halloween").split())


def holiday_day(name: str, year: int) -> date:
    """The day of holiday ``name`` (as matched by :data:`HOLIDAY_PATTERN`) in ``year``."""
    key = holiday_key(name)
    if key in _EASTER:
        sunday: date = easter(year)
        return sunday + timedelta(days=_EASTER[key])
    month, day = _FIXED[key]
    return date(year, month, day)
