"""Codes named by what they open ("door is 4471 btw"), in several languages, and the
numbers near such words that are not codes."""

from __future__ import annotations

import pytest

from mirix_py._memory.access_codes import find_access_codes
from mirix_py._memory.secrets import redact

CODES = [
    ("back door is 5190 btw", "5190", "door code"),
    ("the side gate? 2281#, same as always", "2281#", "gate code"),
    ("lockbox at the chalet -> 6034", "6034", "lockbox code"),
    ("Chalet key box: 6034. Keys are inside.", "6034", "lockbox code"),
    ("my locker at the pool opens with 21-08-33", "21-08-33", "locker code"),
    ("to get in the garage punch 7725 on the pad", "7725", "garage code"),
    ("the alarm is 3-9-6-1, disarm it first", "3-9-6-1", "alarm code"),
    ("the shed code 4410, don't tell anyone", "4410", "code"),
    ("el portón del taller: 8172", "8172", "gate code"),
    ("la clave del candado es 3056", "3056", "code"),
    ("O cadeado do barracão abre com 9021", "9021", "padlock code"),
    ("Le digicode de l'immeuble, c'est 7740", "7740", "keypad code"),
    ("Das Vorhängeschloss am Schuppen: 1957", "1957", "padlock code"),
    ("Kuuri tabaluku kood on 6612.", "6612", "padlock code"),
    ("Varaston riippulukko 2469", "2469", "padlock code"),
    ("kod do drzwi piwnicy 5521", "5521", "code"),
    ("Ο κωδικός για την πόρτα της αποθήκης 8830", "8830", "code"),
    ("код от сейфа 0426", "0426", "code"),
]
"""Codes in English, Spanish, Portuguese, French, German, Estonian, Finnish, Polish, Greek
and Russian, with and without a verb or a sign between the word and the code."""

NOT_CODES = [
    "set the alarm for 0545 tomorrow",
    "we painted the gate in 2019 and again since 2023",
    "the garage cost 12000 in the end",
    "the new door is 2040 mm tall",
    "my zip code 10115 changed when we moved",
    "the router shows error code 4040 again",
    "locker number 1123 is mine this term",
    "the branch code 250655 is on the statement",
    "door to door it took 45 minutes",
    "the gate opens at 0700 and closes at 2200",
    "the lock was 30 euros",
    "a safe 5000 steps a day is fine for your knee",
]
"""Numbers near those words that are times, years, sizes, amounts, public codes or
numberings."""


@pytest.mark.parametrize(("text", "value", "label"), CODES)
def test_access_code_is_found_by_what_it_opens(text: str, value: str, label: str) -> None:
    codes = [(text[c.start : c.end], c.label) for c in find_access_codes(text)]
    assert (value, label) in codes
    assert value not in redact(text)


@pytest.mark.parametrize("text", NOT_CODES)
def test_number_near_a_lock_word_that_is_no_code_stays(text: str) -> None:
    assert find_access_codes(text) == []


def test_redaction_with_access_codes_stays_idempotent() -> None:
    once = redact("front door is 5190, the shed padlock 3-3-8")
    assert "5190" not in once and "3-3-8" not in once
    assert redact(once) == once
