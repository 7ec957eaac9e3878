"""Secrets found by their structure whatever the wording: inflected credential words and
more languages, a qualifier glued to a word in a script without spaces, short machine-made
tokens with no word before them, and codes named by a compound word ("alarmkoden")."""

from __future__ import annotations

import pytest

from mirix_py._memory import KnowledgeVaultMemory
from mirix_py._memory.secret_shapes import passes
from mirix_py._memory.secrets import find_sensitive, redact
from mirix_py._memory.semantic import SemanticMemory
from mirix_py._redaction import secure_records

FOUND = [
    # credential words with an ending (article, case, possessive) and a local verb
    ("lykilorðið fyrir netið er Lundi7788", "Lundi7788", "password"),
    ("aðgangsorðið að kerfinu er Kx7mPqL9", "Kx7mPqL9", "password"),
    ("lösenordet till routern är Blabar!9", "Blabar!9", "password"),
    ("salasanani on kissa123", "kissa123", "password"),
    ("kodeordet til routeren er Mosegris77", "Mosegris77", "password"),
    ("şifrem: kedi1234", "kedi1234", "password"),
    # more languages: et, lt, lv, ca, eu, cy, sq, sw, tl, ka
    ("salasõna on Kassike55", "Kassike55", "password"),
    ("slaptažodis yra katinas77", "katinas77", "password"),
    ("mājas wifi parole ir suns2024", "suns2024", "password"),
    ("la contrasenya del wifi és gat1234", "gat1234", "password"),
    ("pasahitza: Itsaso2024", "Itsaso2024", "password"),
    ("y cyfrinair yw draig1234", "draig1234", "password"),
    ("fjalëkalimi është Shqiponja9", "Shqiponja9", "password"),
    ("nenosiri ni simba2024", "simba2024", "password"),
    ("ang password ng wifi ay bahay123", "bahay123", "password"),
    ("პაროლი არის Tbilisi2024", "Tbilisi2024", "password"),
    # a qualifier glued to the word in a script without spaces, maybe an aside in brackets
    ("รหัสผ่านเราเตอร์ (the office router) is Gecko_Lamp42 จ้า", "Gecko_Lamp42", "password"),
    ("รหัสผ่านแอปธนาคารคือ 482913 นะ", "482913", "password"),
    ("密码（工作邮箱）是 Qw8!lamp，别忘了", "Qw8!lamp", "password"),
    # a short machine-made token, with no credential word before it
    ("for the NAS admin: Vq7Lm3Xs9Kd2", "Vq7Lm3Xs9Kd2", "password"),
    ("keep this one safe hT4pQ8wZ2nB6 thanks", "hT4pQ8wZ2nB6", "password"),
    ("the greenhouse box takes 7fK2mQ9xW4pL now", "7fK2mQ9xW4pL", "password"),
    # more verbs and signs between the word and its value
    ("Das Passwort lautet Wolke7blau", "Wolke7blau", "password"),
    ("ghar ke wifi ka password hai chai4321", "chai4321", "password"),
    ("pw for the shared drive → lemon-tree-88", "lemon-tree-88", "password"),
    # a key in dashed groups, with or without a word before it
    ("the licence came: ABCDE-12345-FGHIJ-67890", "ABCDE-12345-FGHIJ-67890", "key"),
    ("remember for me Bx83-Lk29-Qm04 please", "Bx83-Lk29-Qm04", "key"),
    # a code named by a compound word
    ("alarmkoden er 5521", "5521", "code"),
    ("hälytyskoodi on 3390", "3390", "code"),
    ("Türcode: 8841, bitte nicht weitersagen", "8841", "code"),
    ("portkoden är 4471 sedan i går", "4471", "code"),
    ("Tresor-Code: 2917", "2917", "code"),
    ("Der Haustürcode lautet 4182", "4182", "code"),
    ("Zugangscode: 7731", "7731", "code"),
]


@pytest.mark.parametrize(("text", "value", "label"), FOUND)
def test_secret_is_found_whatever_its_wording(text: str, value: str, label: str) -> None:
    assert [(s.value(text), s.label) for s in find_sensitive(text)] == [(value, label)]
    clean = redact(text)
    assert value not in clean and f"[stored in vault: {label}]" in clean
    assert redact(clean) == clean  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        # English words that hold a credential word or a copula of another language
        "the parole hearing: 2027-03-01",
        "my brother's parole is 2027",
        "passwordless login is the future",
        "I ran on 12 May and er 3 times",
        # compounds that name a public code, and a number that is a year or a size
        "postcode is 3011 AB",
        "Fehlercode: 4040 again",
        "the barcode is 40012345",
        "my zipcode is 10115",
        "der Türcode seit 2019",
        "Fagkoden er 2201 i timeplanen",  # a subject's code
        "Tilbudskoden er 2024 ut måneden",  # an offer's code
        "Kurskoden er 4410",
        # product and model names, codes in capitals, words with a number
        "Win11Pro2Max is out",
        "the iPhone15ProMax arrives Tuesday with a MacBookPro2024",
        "order ref ABC123XYZ99 for the SKU XPS13-9310-SLV",
        "loved the #Summer2026Vibes2 post, see youtu.be/dQw4w9WgXcQ",
        # a far word in a script without spaces: a length, or a value with no password mix
        "รหัสผ่านต้องมี 8 ตัว",
        "密码学（cryptography）：rsa2048",
        # a name after "lautet", words or a model number in dashed groups
        "mein Name lautet Anna Wolke",
        "we hiked the lemon-tree-fort-loop trail",
        "SKU: XPS13-9310-SLV, state-of-the-art",
        # a question opened after the credential word's sentence, and code reading a key
        "she wore a tiny rocket pin at the gala. Is Apollo-11 her favourite mission?",
        'SECRET_KEY = config.get_secret("app")',
        "token = vault.read(path)",
    ],
)
def test_ordinary_text_with_those_words_or_shapes_stays(text: str) -> None:
    assert [s.value(text) for s in find_sensitive(text)] == []
    assert redact(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5T8kW2qN7xJd", True),
        ("Vq7Lm3Xs9Kd2", True),  # single lower-case letters after capitals
        ("Win11Pro2Max", False),  # capitalised syllables
        ("MacBookPro2024", False),  # words
        ("RTX4090Ti", False),  # too short, capitals
        ("A1B2C3D4E5F6", False),  # no lower case
        ("aZ3kP9xQ", False),  # under ten characters
    ],
)
def test_random_token_shape(value: str, expected: bool) -> None:
    assert passes("random_token", value) is expected


def test_every_write_path_redacts_a_token_and_vaults_it() -> None:
    record = SemanticMemory(
        user_id="u", name="Greenhouse", summary="the climate box login is 7fK2mQ9xW4pL"
    )
    out = secure_records([record], vault_enabled=True, source="update")
    cleaned = out[0]
    assert isinstance(cleaned, SemanticMemory)
    assert "7fK2mQ9xW4pL" not in cleaned.model_dump_json()
    assert "[stored in vault" in cleaned.summary
    vault = [r for r in out if isinstance(r, KnowledgeVaultMemory)]
    assert [v.secret_value.get_secret_value() for v in vault] == ["7fK2mQ9xW4pL"]
    again = secure_records([cleaned], vault_enabled=True, source="update")
    assert again[0].model_dump_json() == cleaned.model_dump_json()  # idempotent
