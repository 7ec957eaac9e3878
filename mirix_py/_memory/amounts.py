"""Offline rules for amounts that change inside turns: prices, rents, rates, salaries, fees,
savings, budgets and counts the speaker states as their current value.

"My rent went up to 1,450", "I raised the ticket price to $95", "the jar is now 8.50",
"carafes are 85 now", "now I have 6 hives" → ``rent is 1,450``, ``ticket price is $95``,
``jar is 8.50``, ``carafe is 85``, ``has 6 hives``. A statement keyed by the thing it
prices (slot ``amount:<noun>``; counts share the ``count:<noun>`` slot of
:data:`~mirix_py._memory.facts.SLOT_PATTERNS`) so that the next value for the same thing
supersedes the stored one with history, and a "now" question reads the newest value while
"before" and ``as_of`` read the older ones.

Guards: only the speaker's own sentences (an assistant's suggestion states no value); no
question, hypothetical or wish ("if I raised the price to 90…", "should I charge 40?");
a noun outside the money words (price, rent, rate, fee …) counts only when the sentence
marks the value as the current one ("now", "went up to", "raised … to"); dates, clock
times, ages and durations are no amounts ("the meeting is now 3pm", "she is now 4 months").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Statement = tuple[str, str, str]

_MONEY_NOUN = (
    r"(?:price|prices|rent|rate|rates|hourly\s+rate|day\s+rate|salary|pay|wage|wages|fee|fees|"
    r"budget|savings|ticket|tickets|cost|costs|mortgage|deposit|allowance|tuition|commission|"
    r"charge|premium|bill|subscription|fare|retainer|stipend|income)"
)
"""Nouns whose value is an amount of money whether or not the sentence says "now"."""
_CURRENCY = r"(?:[A-Z]{0,3}[£$€¥₹₵₩฿₺]|R(?=\s?\d))"
_AMOUNT = (
    rf"(?P<amt>{_CURRENCY}?\s?\d[\d,.' ]*\d(?!\d)|{_CURRENCY}?\s?\d)"
    r"(?P<unit>\s*(?:k\b|%|€|euros?\b|dollars?\b|bucks\b|pounds?\b|quid\b|pesos\b|yen\b|"
    r"won\b|baht\b|dirhams?\b|soles\b|lira\b|krónur\b|kronor\b|kroner\b|kr\b|cedis\b|reais\b|"
    r"rupees\b|francs?\b|z[lł]\b|lei\b|[A-Z]{3}\b))?"
)
_NOT_AMOUNT = re.compile(
    r"^\s*(?:[:./]\s?\d|/\s?[a-z]|(?:am|pm|a\.m|p\.m|st|nd|rd|th|h\b|hrs?\b|hours?|minutes?|mins?|seconds?|"
    r"days?|weeks?|months?|years?|yrs?|km|kms|miles?|kg|kgs|g\b|lbs?|cm|mm|m\b|ml|l\b|"
    r"litres?|liters?|degrees?|°|people|persons?|guests?|students?|points?|of\s+\d|over\s+\d|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|to\s+\d|-\s*\d|–\s*\d))",
    re.I,
)
"""What right after a number makes it a time, a date, a length or a range, not a price."""
_SUBJECT = r"(?:[Mm]y|[Oo]ur|[Tt]he)"
_BOUNDARY = r"(?:^|[,:;]\s*|[-*•–]\s+|\b(?:and|so|now|but|also)\s+)"
_ADVERB = r"(?:\s+(?:finally|just|already|also|again|officially))?"
_IS = rf"{_ADVERB}\s+(?:is|are|'s|costs?)\s+"
_WORD = r"(?!(?:is|are|was|were|costs?|now|so|and|but|also|the|my|our)\b)[a-z][a-z-]*"
_NOW_HEAD = rf"(?:\b{_SUBJECT}\s+|{_BOUNDARY}(?:{_SUBJECT}\s+)?)(?P<noun>(?:{_WORD}\s+)?{_WORD})"
_NOW_VALUE = re.compile(rf"{_NOW_HEAD}(?:{_IS}|\s+)now\s+(?:at\s+)?{_AMOUNT}")
_VALUE_NOW = re.compile(rf"{_NOW_HEAD}(?:{_IS}|\s+)(?:at\s+)?{_AMOUNT}(?:\s+an?\s+[a-z]+)?\s+now\b")
"""Any noun told with "now" ("the jar is now 8.50", "carafes are 85 now", "savings now
3,650", "the cider is $72 a carton now")."""
_NOW_FIRST = re.compile(
    rf"\bnow\s+{_SUBJECT}\s+(?P<noun>(?:{_WORD}\s+)?{_WORD}){_IS}(?:at\s+)?{_AMOUNT}"
)
"""Any noun after "now" ("now the course is 52.000")."""
_MONEY_IS = re.compile(
    rf"\b{_SUBJECT}\s+(?:new\s+|current\s+)?(?P<noun>(?:[a-z-]+\s+){{0,2}}?{_MONEY_NOUN}){_IS}"
    rf"(?:now\s+)?(?:(?:up|down|back)\s+to\s+|at\s+)?{_AMOUNT}"
)
"""A money noun's value ("my rent is 1,200", "our budget is now 5,200")."""
_WENT_TO = re.compile(
    rf"(?:\b{_SUBJECT}\s+|{_BOUNDARY}(?:{_SUBJECT}\s+)?)(?P<noun>(?:{_WORD}\s+){{0,2}}?{_WORD})"
    rf"{_ADVERB}\s+"
    rf"(?:went|goes|going|has\s+gone|is\s+going|'s\s+going|got\s+raised|was\s+raised|"
    rf"got\s+bumped|was\s+bumped|rose|jumped|climbed|increased|dropped|fell|was\s+cut|got\s+cut|"
    rf"(?:is|are)\s+(?:up|down|back))\s+(?:(?:up|down|back)\s+)?"
    rf"(?:from\s+{_CURRENCY}?\s?\d[\d,.]*\s+)?to\s+{_AMOUNT}"
)
"""A value moved to a new one ("the rent went up to 1,450", "my savings are back up to
2,400", "the carafes finally went to 95", "salary goes up from 4200 to 5100")."""
_RAISED = re.compile(
    r"\b(?:raised|increased|lowered|reduced|cut|bumped|put|moved|set|changed|upped)\s+"
    rf"(?:my|our|the|his|her|their|its)\s+(?P<noun>(?:[a-z-]+\s+){{0,2}}?[a-z-]+?)\s+"
    rf"(?:(?:up|down)\s+)?(?:to|at)\s+{_AMOUNT}"
)
"""Someone moved a value ("I raised the bouzouki to 3.200 €", "she raised our rate to €42",
"the creamery put the price up to R8.10")."""
_RAISED_ME = re.compile(
    r"\b(?:raised|increased|bumped|moved|put)\s+me\s+(?:up\s+)?to\s+"
    + _AMOUNT
    + r"\s+(?:an|per|a|/)\s*(?:hour|hr|h)\b"
)
"""A pay rise told of the speaker ("Derwent bumped me to $82 an hour") → ``hourly rate``."""
_HAVE_NOW = re.compile(
    r"\b(?:[Nn]ow|[Ss]o\s+now)\s+(?:I|we)\s+(?:have|own|keep|run)\s+(?P<n>\d{1,2}|two|three|four|five|"
    r"six|seven|eight|nine|ten)\s+(?P<noun>[a-z]+s)\b"
)
"""A count told as the new one ("now I have 6 hives")."""
_SKIP = re.compile(
    r"^(?:if|would|could|should|maybe|perhaps|imagine|suppose|what\s+if|hoping)\b|"
    r"\b(?:if\s+(?:I|we)|would|could|might|should\s+I|wish|hope|thinking\s+(?:of|about)|"
    r"considering|planning\s+to|wants?\s+to|wanted\s+to|going\s+to\s+(?:ask|try))\b",
    re.I,
)
_STOP_NOUNS = frozenset(
    "it that this one thing things time date day week month year age baby kid son daughter "
    "score total number size weight height temperature meeting appointment class flight train "
    "bus deadline plan exam test line room shift list hour hours "
    # a code is a secret, never a fact's value
    "code pin password passcode combo combination gate door padlock lock key login alarm wifi "
    "pw".split()
)
"""Nouns whose number is no price or count of the speaker's (a score, a date, a child's age,
a door code)."""
_FUNCTION = frozenset(
    "i we you he she they it is are was were be been am the a an to of in on at for with from "
    "by only need have has had do does did get got just also so and but or not no what that "
    "this there here which who my our your his her their its me us them".split()
)


def _noun(raw: str) -> str | None:
    words = [w for w in raw.lower().split() if w not in ("new", "current", "monthly")]
    if not words or words[-1] in _STOP_NOUNS or any(w in _FUNCTION for w in words):
        return None
    return " ".join(words)


def _key(noun: str) -> str:
    """The slot's noun: singular, so "carafes are 90 now" supersedes "the carafe is 85"."""
    last = noun.split()[-1]
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and last != "savings":
        last = last[:-1]
    return " ".join([*noun.split()[:-1], last])


def _amount(m: re.Match[str], sentence: str) -> str | None:
    if _NOT_AMOUNT.match(sentence[m.end("amt") :]) and not m.group("unit"):
        return None
    amt = m.group("amt").strip().rstrip(".,' ")
    return f"{amt}{m.group('unit') or ''}".strip()


_HAS_NUMBER = re.compile(r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten)\b")


def amount_statements(sentences: Sequence[str], me: str | None) -> list[Statement]:
    """``(speaker, "<thing> is <amount>", "amount")`` for each amount ``sentences`` state as
    the speaker's current value, and ``has <n> <things>`` for a count told as the new one."""
    if not me:
        return []
    out: list[Statement] = []
    for sentence in sentences:
        if not _HAS_NUMBER.search(sentence) or sentence.rstrip().endswith("?"):
            continue  # most sentences hold no number: one cheap search and done
        if _SKIP.search(sentence):
            continue
        seen: set[str] = set()
        for m in _RAISED_ME.finditer(sentence):
            amount = _amount(m, sentence)
            if amount and "hourly rate" not in seen:
                seen.add("hourly rate")
                out.append((me, f"hourly rate is {amount}", "amount"))
        for pattern in (_WENT_TO, _RAISED, _MONEY_IS, _NOW_FIRST, _NOW_VALUE, _VALUE_NOW):
            for m in pattern.finditer(sentence):
                noun, amount = _noun(m.group("noun")), _amount(m, sentence)
                if noun and amount and _key(noun) not in seen:
                    seen.add(_key(noun))
                    out.append((me, f"{_key(noun)} is {amount}", "amount"))
        for m in _HAVE_NOW.finditer(sentence):
            if m.group("noun") not in _STOP_NOUNS:
                out.append((me, f"has {m.group('n')} {m.group('noun')}", "count"))
    return out


_AMOUNT_SLOT = re.compile(rf"^(?P<noun>[a-z][a-z -]{{0,40}}?) is {_CURRENCY}?\s?\d")


def amount_slot(summary: str) -> str | None:
    """``amount:<noun>`` for a summary :func:`amount_statements` writes, else None."""
    m = _AMOUNT_SLOT.match(summary)
    return f"amount:{m.group('noun')}" if m else None
