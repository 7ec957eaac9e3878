"""A demanding user's secrets, in many wordings and layouts (issue #17 item 4), and the
ordinary text around them that must stay in clear. All text is invented."""

from __future__ import annotations

import pytest

from mirix_py._memory.secret_shapes import passes
from mirix_py._memory.secrets import find_sensitive, redact

FOUND = [
    # other languages
    ("el código de la puerta es 4471", "4471"),
    ("das WLAN-Passwort ist Hafen2024blau", "Hafen2024blau"),
    ("le mot de passe du routeur est tortue-88", "tortue-88"),
    ("il codice del cancello è 5530", "5530"),
    ("a senha do wifi é abacaxi2020", "abacaxi2020"),
    ("Kennwort für das NAS lautet Falke_991", "Falke_991"),
    # casual English, shorthand, contractions
    ("my PIN is 5521", "5521"),
    ("pw: bluefin77", "bluefin77"),
    ("the key is Zorb-4411-kk", "Zorb-4411-kk"),
    ("my passcode's 9090", "9090"),
    ("the lockbox combo's 0-4-2-6", "0-4-2-6"),
    ("the gate opens with 1-9-7-3", "1-9-7-3"),
    ("keypad at the studio takes 2580#", "2580#"),
    ("wifi at the cabin is pinecone!88", "pinecone!88"),
    # digits typed with spaces or dashes
    ("pin is 4 4 7 1", "4 4 7 1"),
    ("PIN: 0 4 1 9", "0 4 1 9"),
    ("door code 4-4-7-1", "4-4-7-1"),
    ("my bank card PIN, in case I forget: 2 8 1 9", "2 8 1 9"),
    # a quoted passphrase of words
    ('the password is "copper kettle winter lane"', "copper kettle winter lane"),
    # inside lists, after an account's label (maybe an aside in brackets), no credential word
    ("Saving these:\n- photo admin (Lumenly): Harbor-Lantern-52\n- tea at 4", "Harbor-Lantern-52"),
    ("router admin: Copper-Finch-19", "Copper-Finch-19"),
    ("Things to remember:\n- bank login: Marmot!Ridge9\n- dentist on Friday", "Marmot!Ridge9"),
    ("streaming account — user: kim.l, pass: Orchid-Moon-31", "Orchid-Moon-31"),
    ("1. wifi: MapleLeaf_2020\n2. alarm: 4411", "MapleLeaf_2020"),
    # a generated passphrase by its shape alone
    ("netflix: Velvet-Otter-88", "Velvet-Otter-88"),
    ("the new one is quartz_meadow_17", "quartz_meadow_17"),
    # an assistant echoing the user's secret
    ("Got it — I'll remember that your wifi password is lemonade42.", "lemonade42"),
    ("Sure! Your garage code 6021 is saved.", "6021"),
    # formats
    ("card 4111 1111 1111 1111 exp 09/27", "4111 1111 1111 1111"),
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("routing number 021000021 and account 123456789", "021000021"),
    ("routing number 021000021 and account 123456789", "123456789"),
    ("my account no. is 0012-3456-78", "0012-3456-78"),
    ("sort code 20-00-00, account 31926819", "31926819"),
    ("api key sk-proj-abcDEF1234567890xyz", "sk-proj-abcDEF1234567890xyz"),
    ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
    ("AKIAIOSFODNN7EXAMPLE is the aws key", "AKIAIOSFODNN7EXAMPLE"),
    ("my CVV is 123", "123"),
]


@pytest.mark.parametrize(("text", "value"), FOUND)
def test_the_value_leaves_the_text(text: str, value: str) -> None:
    redacted = redact(text)
    assert value not in redacted
    assert "[stored in vault: " in redacted
    assert redact(redacted) == redacted  # idempotent


STAYS = [
    "we did a code review on Tuesday",
    "key points from the meeting: budget, hiring",
    "the password reset email never arrived",
    "my PIN-up calendar is from 1955",
    "my flight is UA 2041 on March 3",
    "dinner at 7:30 pm, table for 4",
    "the order number is 112-4455",
    "the meeting is on 2024-05-03",
    "the key is to stay consistent",
    "the code was 300 lines long",
    "my zip code is 94110",
    "the error code 4040 came back",
    "the combination of rice and beans is great",
    "admin: Sarah Johnson",
    "project lead (Orion): Maria Gomez",
    "my favourite team: Manchester-United",
    "we watched Covid-19 coverage, then claude-3-opus answered",
    "the Spring-Summer-2024 collection and a back-to-back-3 schedule",
    "the boarding pass: Gate B12",
    "order #A12345 shipped and the card ending 4242 was charged",
    "Gate B22 boarding at 1145",
]


@pytest.mark.parametrize("text", STAYS)
def test_ordinary_text_stays_in_clear(text: str) -> None:
    assert find_sensitive(text) == []
    assert redact(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tidepool-Shutter-41", True),
        ("velvet_otter_88", True),
        ("Covid-19", False),
        ("claude-3-opus", False),
        ("Spring-Summer-2024", False),
        ("back-to-back-3", False),
        ("Mixed-words-12", False),
    ],
)
def test_a_passphrase_shape(value: str, expected: bool) -> None:
    assert passes("passphrase", value) is expected
