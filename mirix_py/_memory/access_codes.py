"""Codes that open something, found by what they open rather than by a credential word.

People give a door, gate, lockbox or alarm code without saying "code": "door is 4471
btw", "lockbox at the cabin -> 2046", "my locker at the station opens with 17-29-04",
"Tabaluku kood on 4417". A number shaped like a code (four to eight digits, or three or
more short groups, maybe ending in ``#``) said in the same clause shortly after a thing
that locks, or after another language's word for "code", is a secret. Languages that
glue words into compounds name the code in one word ("Türcode: 8841", "alarmkoden er
5521", "hälytyskoodi on 3390"): a word ending in "code"/"kode"/"kod"/"kood(i)" is one
when the rest of it names something that locks or an access ("Haustür", "Zugang",
"hälytys") and a verb or a sign stands between it and the number; "Postcode", "Fagkode"
(a subject's code) or "Tilbudskode" (an offer's) stay. What numbers near
such words usually are instead — times ("alarm for 0545"), years ("the gate since 2019"),
amounts and measures ("the garage cost 12000", "door 2040 mm"), dates — are left alone.
"""

from __future__ import annotations

import re

from mirix_py._memory.secret_shapes import is_date

__all__ = ["AccessCode", "find_access_codes", "public_code_before"]

_LOCKS: dict[str, str] = {
    "door": (
        r"doors?|front door|back door|puerta|porta|porte|tür|tuer|deur|drzwi|dveře|ajtó|uks|"
        r"ukse|ovi|oven|dörr|dør|dörren|døren|kapı|kapi|πόρτα|πορτα|дверь|двери|двері|врата"
    ),
    "gate": (
        r"gates?|portón|porton|portão|portao|portail|tor|toren|cancello|poort|brama|värav|"
        r"värava|portti|grind|grinden|porten|καγκελόπορτα|ворота|ворот"
    ),
    "lockbox": (
        r"lock ?box|key ?box|key ?safe|caja de llaves|boîte à clés|schlüsselkasten|"
        r"schlüsselsafe|võtmekast|avainlaatikko|nyckelbox|nøkkelboks|skrytka na klucze"
    ),
    "padlock": (
        r"pad ?lock|candado|cadeado|cadenas|vorhängeschloss|lucchetto|hangslot|kłódka|"
        r"kłódki|kłódkę|tabaluk\w*|riippulukko|riippulukon|hänglås|hengelås|hængelås|λουκέτο|"
        r"λουκετο|замок|замка"
    ),
    "locker": (
        r"lockers?|casillero|taquilla|armário|armario|casier|schließfach|schliessfach|spind|"
        r"armadietto|kluisje|szafka|szafki|kapp|kapi|kaappi|skåp|skap|ντουλάπι|шкафчик"
    ),
    "safe": (
        r"safe|caja fuerte|cofre|coffre(?:-fort)?|tresor|cassaforte|kluis|sejf|seif|"
        r"kassakaappi|kassaskåp|χρηματοκιβώτιο|сейф"
    ),
    "alarm": (
        r"alarm system|alarm panel|burglar alarm|alarma|alarme|alarmanlage|allarme|"
        r"alarm|alarmu|signalisatsioon|hälytin|larm|συναγερμός|συναγερμο|сигнализаци\w*"
    ),
    "keypad": r"keypad|key ?pad|intercom|buzzer|digicode|interphone|домофон\w*",
    "garage": r"garage|garaje|cochera|garagem|garáž|garaż|garaaž|autotalli",
    "lock": r"lock|cerradura|fechadura|serrure|schloss|serratura|zamek|lukk|lukko|lås",
    "code": (
        r"codes?|código|codigo|codice|clave|kood|koodi|koodiga|koodi|kode|koden|zahlencode|"
        r"κωδικός|κωδικος|κωδικό|код|kod|kód|kodu|kodem|kodun"
    ),
}
"""Things that lock, and other languages' word for "code", in English, Spanish,
Portuguese, French, German, Italian, Dutch, Polish, Czech, Hungarian, Estonian, Finnish,
Swedish, Norwegian, Danish, Turkish, Greek and Russian; the key is the placeholder's
label ("gate" → "gate code")."""

_WORD = re.compile(
    "|".join(rf"(?P<{label}>{words})" for label, words in _LOCKS.items()),
    re.IGNORECASE,
)
_BOUNDED = re.compile(rf"(?<!\w)(?:{_WORD.pattern})(?!\w)", re.IGNORECASE)
_CODE = re.compile(
    r"(?<![\w.,/:€$£%+-])(?P<v>\d{4,8}[#*]?|\d{1,3}(?:[-–. ]\d{1,3}){2,5}[#*]?)"
    r"(?![\w%€$£/:]|[.,-]\d)"
)
"""Four to eight digits ("4471", "1379#") or three or more short groups ("17-29-04",
"9-1-4-2"); not part of a longer number, a time, an amount or a word."""
_GAP = 40
"""How far after the word (in characters) the code may stand."""
_CLAUSE_END = re.compile(r"[.!;\n](?=\s|$)|\?(?=\s*[^\d\s])")
"""A clause ends at a full stop, "!", ";" or a line break; a "?" ends it unless the code
comes right after ("the gate? 1379#")."""
_NOT_A_CODE_BEFORE = re.compile(
    r"(?i)(?:\b(?:at|for|by|until|till|around|about|from|since|in|of|to|before|after|"
    r"cost|costs|costed|price|priced|paid|pay|worth|budget|x|per|than|number|no|nr|room|"
    r"flat|apartment|unit|bus|route|line|model|year|years|ca|approx)|[~≈#№])\s*$"
)
"""Words right before a number that make it a time, year, amount, size or numbering
("alarm for 0545", "door since 2019", "garage cost 12000", "locker number 1123")."""
_UNIT_AFTER = re.compile(
    r"(?i)\s*(?:mm|cm|m|km|kg|g|lbs?|ft|inch(?:es)?|sq|m2|m²|€|\$|£|eur|euros?|usd|"
    r"dollars?|pounds?|kr|zł|pesos?|lei|sek|nok|dkk|chf|%|am|pm|h|hrs?|hours?|min|minutes?|"
    r"days?|years?|times?|people|pieces?|pcs|units?|watts?|w|kw|v|volts?|steps?|reps?|"
    r"calories|kcal|words?|pages?|rpm|mph|km/h|litres?|liters?|l)\b"
)
_TWO_DIGIT_GROUPS = re.compile(r"\d{1,2}(?:-\d{1,2}){2,}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CUE_RIGHT_BEFORE = re.compile(r"(?i)(?:\bis|\bare|\bes|\bé|:|=|->|→|—|–|-)\s*$")
_NOT_A_LOCK = re.compile(
    r"(?i)\b(?:zip|postal|post|postcode|area|country|dial(?:ling)?|dress|source|error|status|"
    r"exit|return|http|response|product|tracking|order|reference|ref|booking|confirmation|"
    r"discount|promo|voucher|coupon|course|class|module|flight|airport|station|sort|swift|"
    r"bic|branch|bank|tax|qr|bar|colou?r|pattern|style|tariff|fare|zone|grade)\s+$"
)
"""Words before "code" that make it no secret: "zip code 10115", "error code 4040"."""


def public_code_before(text: str, at: int) -> bool:
    """The word "code" at ``at`` names a public code ("zip code", "error code", "promo
    code"), not a secret."""
    return _NOT_A_LOCK.search(text, max(0, at - 20), at) is not None


_COMPOUND = re.compile(
    r"(?i)(?<![\w-])(?P<stem>[^\W\d_]{2,24}?)-?"
    r"(?:code[ns]?|kode[nr]?|kod(?:en|u)?|kood(?:i|in|ia)?)(?!\w)"
)
"""A word glued to "code" in the languages that build compounds ("Türcode", "alarmkoden",
"hälytyskoodi", "portkoden", "Tresor-Code", "Zugangscode")."""
_ACCESS_STEMS = (
    r"zugangs?|adgangs?|tilgangs?|åtkomst|pääsy|toegangs?|sicherheits|sikkerhets|"
    r"säkerhets|sikkerheds|turva|veiligheids|geheim|hemmelig|hemlig|salainen|"
    r"entsperr|freischalt|eingangs?|inngangs?|ingangs?|hälytys|hälytin|portti|port|tür|"
    r"wlan|wifi|router|haus|hus|wohnungs?|leiligheds?|lägenhets|zahlen|tall|siffer|"
    r"pin|schloss|lås|lukko|lukon|tresor|safe|kluis|boks|box|skap|kaappi"
)
_LOCK_STEM = re.compile(
    rf"(?i)(?:{_ACCESS_STEMS}|{'|'.join(_LOCKS[k] for k in _LOCKS if k != 'code')})[se]?$"
)
"""The compound names something that locks or an access ("Haustür", "Zugang",
"hälytys", "Tresor"); "Fagkode", "Tilbudskode", "Postcode" name public codes."""
_SAID_BEFORE = re.compile(
    r"(?i)^\s*(?:(?:is|are|es|é|est|c'est|ist|lautet|luidt|er|on|är|ir|yra|var|je|e|"
    r":|=|->|→|—|–|-)\s*)+[\"'“‘«„]?$"
)
"""A verb or a sign between the compound and its code, nothing else ("Türcode: 8841",
"alarmkoden er 5521", "hälytyskoodi on 3390")."""


def _compound_codes(text: str) -> list[AccessCode]:
    """Codes after a word glued to "code" that names what it opens, with a verb or a sign
    between."""
    found: list[AccessCode] = []
    for word in _COMPOUND.finditer(text):
        if not _LOCK_STEM.search(word.group("stem")):
            continue
        window = text[word.end() : word.end() + _GAP]
        m = _CODE.search(window)
        if m is None or not _SAID_BEFORE.match(window[: m.start()]):
            continue
        value = m.group("v")
        if _UNIT_AFTER.match(window, m.end()) or is_date(value.rstrip("#*")):
            continue
        start = word.end() + m.start("v")
        found.append(AccessCode(start, start + len(value), "code"))
    return found


class AccessCode:
    """A code found by what it opens: its character span and the placeholder's label."""

    __slots__ = ("end", "label", "start")

    def __init__(self, start: int, end: int, label: str) -> None:
        self.start = start
        self.end = end
        self.label = label


def find_access_codes(text: str) -> list[AccessCode]:
    """Codes said shortly after a thing that locks (or a word for "code") in the same
    clause; the first code after each such word, at most."""
    found: list[AccessCode] = []
    taken_until = -1
    for word in _BOUNDED.finditer(text):
        if word.start() < taken_until:
            continue
        label = next(k for k, v in word.groupdict().items() if v is not None)
        if label == "code" and public_code_before(text, word.start()):
            continue
        window = text[word.end() : word.end() + _GAP]
        end = _CLAUSE_END.search(window)
        window = window[: end.start()] if end else window
        for m in _CODE.finditer(window):
            value = m.group("v")
            before = window[: m.start()]
            if _NOT_A_CODE_BEFORE.search(before) or _UNIT_AFTER.match(window, m.end()):
                break  # the first number after the word is not a code: look no further
            if is_date(value.rstrip("#*")) and not _TWO_DIGIT_GROUPS.fullmatch(value):
                break  # "the gate since 12/03/2024"; "21-08-33" after a lock is a combination
            if _YEAR.fullmatch(value) and not (label == "code" or _CUE_RIGHT_BEFORE.search(before)):
                break  # "the gate since 2019", "the door in 2021": a year unless marked
            start = word.end() + m.start("v")
            found.append(AccessCode(start, start + len(value), _label(label)))
            taken_until = start + len(value)
            break
    taken = {(c.start, c.end) for c in found}
    found += [c for c in _compound_codes(text) if (c.start, c.end) not in taken]
    return sorted(found, key=lambda c: c.start)


def _label(kind: str) -> str:
    return "code" if kind == "code" else f"{kind} code"
