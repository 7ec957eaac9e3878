"""The shapes a sensitive value must have: checksums (Luhn, IBAN mod 97), a password's
own shape, what a value after a credential word must look like, and what is a date, a
time, an amount or an ordinary word instead (:mod:`mirix_py._memory.secrets`)."""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["is_common_word", "is_date", "passes"]

_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_TIME_LIKE = re.compile(r"^\d{1,2}(?::\d{2})?(?:am|pm)?$|^\d{1,2}(?:st|nd|rd|th)$", re.I)
_COMMON_VALUE = re.compile(
    r"^(?:the|a|an|my|your|our|his|her|their|this|that|it|not|still|now|also|just|here|there|"
    r"same|different|new|old|simple|easy|hard|long|short|changed|written|saved|stored|set|"
    r"secret|private|safe|hidden|somewhere|on|in|at|under|behind|for|to|of|and|or|but|so|"
    r"what|which|who|how|when|where|why|please|thanks|ok|okay|yes|no|none|null|unknown|"
    r"below|above|attached|enclosed|required|needed|important|expired|invalid|correct|wrong|"
    r"working|broken|fine|good|great|strong|weak|something|anything|everything|nothing)$",
    re.I,
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        number = "".join(str(int(c, 36)) for c in moved)
    except ValueError:
        return False
    return int(number) % 97 == 1


def _entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_date(value: str) -> bool:
    """A plausible calendar date written with digits (``3/12/2024``, ``2024-03-12``)."""
    if not _DATE_LIKE.match(value):
        return False
    parts = [int(p) for p in re.split(r"[-./]", value)]
    if parts[0] > 31:  # year first
        parts = parts[1:]
    return min(parts[0], parts[1]) <= 12 and max(parts[0], parts[1]) <= 31


_GROUPED_AMOUNT = re.compile(r"^\d{1,3}(?:[. ]\d{3})+$")
"""A number written with thousands separators ("1.250.000"): an amount, not an account."""
_SHAPE_SYMBOLS = frozenset("!#$%&*?@^~")
_NUMBERING = re.compile(r"^[A-Za-z]+#\d+[A-Za-z]?$")
"""A number sign before a number ("Suite#200B", "Gate#12A"): numbering, not a password."""
_EMAIL_LIKE = re.compile(r"@[\w-]+\.[A-Za-z]")


def _password_shaped(value: str) -> bool:
    """A token that can only be a password: 8–64 characters with lower- and upper-case
    letters, a digit and a symbol such as ``#`` or ``!`` inside it, and none of the marks
    of a path, URL, e-mail, hashtag, mention, key combination or numbering."""
    if not 8 <= len(value) <= 64 or value[0] in "#@$" or _NUMBERING.match(value):
        return False
    if any(c in value for c in "/\\:=+") or _EMAIL_LIKE.search(value):
        return False
    return (
        any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
        and any(c in _SHAPE_SYMBOLS for c in value[1:-1])
    )


_ALNUM_TOKEN = re.compile(r"^[A-Za-z0-9]{10,64}$")
_CLASS_RUN = re.compile(r"[A-Z]+|[a-z]+|[0-9]+")
_WORD_CHUNK = re.compile(r"[A-Z]?[a-z]{3,}")
_CASE_BREAK = re.compile(r"[A-Z](?![a-z])|[a-z][A-Z]")
"""A capital not starting a lower-case run, or a capital right after a lower-case letter:
case mixed at random ("5T8kW2qN7xJd"), not capitalised syllables ("Win11Pro2Max"); single
lower-case letters after capitals ("Vq7Lm3Xs9Kd2") are random too."""


def _random_token(value: str) -> bool:
    """A short machine-made key or password: 10–64 letters and digits, with at least two
    upper-case letters, two lower-case letters and digits in two places or more, whose
    letters do not spell words ("5T8kW2qN7xJd", "aZ3kP9xQ2mR7"). A product or model name
    ("iPhone15ProMax", "MacBookPro2024"), a code in capitals ("XPS13-9310") or a word with
    a number after it ("Summer2026Vibes") is none: its letters form words of three or
    more, or its digits stand in one place."""
    if not _ALNUM_TOKEN.match(value):
        return False
    runs = _CLASS_RUN.findall(value)
    upper = sum(len(r) for r in runs if r[0].isupper())
    lower = sum(len(r) for r in runs if r[0].islower())
    digit_runs = sum(1 for r in runs if r[0].isdigit())
    if upper < 2 or lower < 2 or digit_runs < 2:
        return False
    lower_runs = sum(1 for r in runs if r[0].islower())
    if not _CASE_BREAK.search(value) and lower >= 2 * lower_runs:
        return False  # capitalised syllables of two letters or more: "Win11Pro2Max"
    wordy = sum(len(m) for m in _WORD_CHUNK.findall(value))
    return 2 * wordy < upper + lower and len(set(value)) * 5 >= len(value) * 3


def _grouped_key(value: str) -> bool:
    """A licence key or a generated password in dashed groups: three or more groups of four
    to six letters and digits, letters and digits both in it, every group holding a digit or
    written in capitals ("ABCDE-12345-FGHIJ-67890", "Bx83-Lk29-Qm04"); words joined by
    dashes ("lemon-tree-fort"), numbers alone and dates are none."""
    groups = value.split("-")
    return (
        len(groups) >= 3
        and any(c.isalpha() for c in value)
        and any(c.isdigit() for c in value)
        and all(any(c.isdigit() for c in g) or g.isupper() for g in groups)
        and not is_date(value)
    )


_PASSPHRASE_WORD = re.compile(r"[A-Z]?[a-z]{3,}")


def _passphrase(value: str) -> bool:
    """A generated passphrase: two or more words of three letters or more (at least two of
    four or more), all capitalised or all lower case, joined by one dash or underscore each
    and ending in a number of one to four digits that is not a year ("Tidepool-Shutter-41",
    "velvet_otter_88"). "Covid-19" (one word), "claude-3-opus" (the number inside),
    "back-to-back-3" (a short word) and "Spring-Summer-2024" (a year) are none."""
    sep = "-" if "-" in value else "_"
    *words, number = value.split(sep)
    if len(words) < 2 or not number.isdigit() or not 1 <= len(number) <= 4:
        return False
    if len(number) == 4 and number[:2] in ("19", "20"):
        return False
    if not all(_PASSPHRASE_WORD.fullmatch(w) for w in words):
        return False
    titled = all(w[0].isupper() for w in words)
    lowered = all(w.islower() for w in words)
    return (titled or lowered) and sum(len(w) >= 4 for w in words) >= 2


def _spaced_digits(value: str) -> bool:
    """A code typed with spaces, dots or dashes between its digits ("4 4 7 1",
    "0-4-1-9", "31 07 19"): four digits or more in three groups or more, not a date."""
    groups = re.split(r"[ .-]", value)
    digits = sum(len(g) for g in groups)
    return (
        len(groups) >= 3
        and digits >= 4
        and all(g.isdigit() for g in groups)
        and not (is_date(value))
    )


def _looks_like_secret(value: str) -> bool:
    """A value after a weak cue word: digits, or letters mixed with digits/symbols/case."""
    if _TIME_LIKE.match(value) or is_date(value):
        return False
    if any(c.isdigit() for c in value):
        return len([c for c in value if c.isalnum()]) >= 3
    has_symbol = any(not c.isalnum() for c in value.strip(".-"))
    mixed_case = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return len(value) >= 6 and (has_symbol or mixed_case)


def passes(check: str, value: str) -> bool:
    """Whether ``value`` has the shape the named check asks for: ``"luhn"``, ``"iban"``,
    ``"phone"``, ``"digits5"``, ``"account"``, ``"account_digits"``, ``"password_shape"``,
    ``"hasdigit"``, ``"weak"``, ``"strong"``, ``"strong_undated"``, ``"entropy"``,
    ``"random_token"``, ``"grouped_key"``, ``"far"``, ``"passphrase"``,
    ``"spaced_digits"``, ``"quoted"``; any other check passes."""
    digits = "".join(c for c in value if c.isdigit())
    if check == "luhn":
        return 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 1
    if check == "iban":
        return _iban_ok(value)
    if check == "phone":
        return 9 <= len(digits) <= 15 and not is_date(value.strip())
    if check == "digits5":
        return len(digits) >= 5
    if check == "account":  # every word of it carries a digit or is a short code ("GB", "XP")
        groups = value.split()
        return len(digits) >= 5 and all(
            any(c.isdigit() for c in g) or (g.isupper() and len(g) <= 4) for g in groups
        )
    if check == "account_digits":
        return 6 <= len(digits) <= 34 and not (
            is_date(value) or _GROUPED_AMOUNT.match(value) or _TIME_LIKE.match(value)
        )
    if check == "password_shape":
        return _password_shaped(value)
    if check == "hasdigit":
        return bool(digits)
    if check == "weak":
        return not _COMMON_VALUE.match(value) and _looks_like_secret(value)
    if check == "strong":
        if _COMMON_VALUE.match(value) or _TIME_LIKE.match(value):
            return False
        return (
            bool(digits) or (len(value) >= 4 and not value.isalpha()) or _looks_like_secret(value)
        )
    if check == "strong_undated":  # a value a few words away: not a date either
        return passes("strong", value) and not is_date(value)
    if check == "passphrase":
        return _passphrase(value)
    if check == "spaced_digits":
        return _spaced_digits(value)
    if check == "quoted":  # a quoted phrase after a strong word: a passphrase of words
        return len(value.split()) >= 2 and not _COMMON_VALUE.match(value)
    if check == "grouped_key":
        return _grouped_key(value)
    if check == "random_token":
        return _random_token(value)
    if check == "far":  # a value several words from its credential word: a password's mix
        return passes("strong_undated", value) and _classes(value) >= 3
    if check == "entropy":
        letters = any(c.isalpha() for c in value)
        if not (letters and digits) or re.fullmatch(r"[0-9a-f]+", value):
            return False  # words, numbers and lower-case hex digests (commit ids) are not keys
        return _entropy(value) >= 3.5
    return True


def _classes(value: str) -> int:
    """How many of lower case, upper case, digits and other signs ``value`` mixes."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


def is_common_word(value: str) -> bool:
    """An ordinary word that cannot be a secret's value ("the", "changed", "nothing")."""
    return bool(_COMMON_VALUE.match(value))
