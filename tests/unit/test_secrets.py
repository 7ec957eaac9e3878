"""Finding secrets by structure (formats, checksums, entropy, credential words) and
redacting them idempotently."""

from __future__ import annotations

import pytest

from mirix_py._memory.secrets import find_sensitive, redact, redact_values

SECRET_CASES = [
    ("my staging API key for the billing console: sk-test-7b31e0c9fa", "sk-test-7b31e0c9fa"),
    ("token ghp_Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9", "ghp_Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9"),
    ("slack bot xoxb-2231-99812-AbCdEfGh1234", "xoxb-2231-99812-AbCdEfGh1234"),
    ("aws id AKIAZ7Q2M4N6P8R0T2V4 for the lab", "AKIAZ7Q2M4N6P8R0T2V4"),
    ("the gym locker combination is 31-07-88", "31-07-88"),
    ("the combo to the shed lock is 4-8-15", "4-8-15"),
    ("Our alarm passcode is 5521#", "5521#"),
    ("the wifi password for the cottage is Br4mble-Hill!", "Br4mble-Hill"),
    ("wifi at the studio is HeronBlue_77", "HeronBlue_77"),
    ("my PIN 8290 please don't share", "8290"),
    ("the garage code: 60613", "60613"),
    ("pay with 4539 1488 0343 6467 please", "4539 1488 0343 6467"),
    ("transfer to GB82 WEST 1234 5698 7654 32 today", "GB82 WEST 1234 5698 7654 32"),
    ("my checking account number is 004417392", "004417392"),
    (
        "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyNDIifQ.Zx8f0kQ2LmN4pR6sT8vW0yA2",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyNDIifQ.Zx8f0kQ2LmN4pR6sT8vW0yA2",
    ),
    ("backup secret kJ8s2Lq9Xv4Tz7Wm1Np5Rb3Yc6Hd0Fg", "kJ8s2Lq9Xv4Tz7Wm1Np5Rb3Yc6Hd0Fg"),
    # the value a few words after the credential word, in other phrasings
    ("could you hold on to my bike lock combo for me, it's 22-08-61", "22-08-61"),
    ("store the PIN for the climbing gym near work, it's 7306", "7306"),
    ("Can you keep the studio alarm code? The new one is 9-4-4-1-2. Thanks", "9-4-4-1-2"),
    ("keep my passport number handy, the visa form wants it: XP8812034", "XP8812034"),
    ('tell the porter the password, which is "lighthouse", at the door', "lighthouse"),
]


@pytest.mark.parametrize(("text", "value"), SECRET_CASES)
def test_secrets_are_found_and_redacted(text: str, value: str) -> None:
    assert value in [s.value(text) for s in find_sensitive(text)]
    clean = redact(text)
    assert value not in clean and "[stored in vault" in clean
    assert redact(clean) == clean  # idempotent
    assert redact_values(clean, [value]) == clean


@pytest.mark.parametrize(
    "text",
    [
        "the key is to stay calm",
        "the code is on GitHub",
        "I ran 5 km in 32 minutes on May 3",
        "the combination of flavours is great",
        "my password changed at 5pm",
        "commit 3f9a0c2b7e8d1f4a5b6c7d8e9f0a1b2c3d4e5f6a is merged",
        "see https://example.com/docs/AbCdEf1234567890GhIjKlMn for details",
        "the code I wrote for the parser is 300 lines long",
        "My password? I forgot it. The weather is 25 degrees",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


# Shorthand and other languages' credential words, account numbers after a non-English
# account word, and a password found by its shape alone (no credential word before it).
SHORTHAND_AND_MULTILINGUAL_CASES = [
    ("the printer admin pwd: Ostrich!Lamp42", "Ostrich!Lamp42", "password"),
    ("changed my pw to velvetmoon81 yesterday", "velvetmoon81", "password"),
    ("pin no. 6620 for the new debit card", "6620", "pin"),
    ("mi contraseña es gatito_99x", "gatito_99x", "password"),
    ("le mot de passe : soleil2024", "soleil2024", "password"),
    ("das Passwort ist wolke7blau", "wolke7blau", "password"),
    ("wachtwoord van de router: fiets123", "fiets123", "password"),
    ("a senha do portal é jabuti77", "jabuti77", "password"),
    # a PIN by another name, and a qualifier and a verb in another language
    ("the new card came, NIP is 4417, I'll forget it", "4417", "pin"),
    ("die Geheimzahl: 9021", "9021", "pin"),
    ("ok, pin la cardul de benzina e 3385 ca sa nu uit", "3385", "pin"),
    ("Konto Nr. 1234 5678 90 bei der Sparkasse", "1234 5678 90", "account number"),
    ("o aluguel cai na conta 12.345.678-9 todo mês", "12.345.678-9", "account number"),
    ("paga a la cuenta 0049-1500-0512-3457, gracias", "0049-1500-0512-3457", "account number"),
    ("zet het op rekening 12.34.56.789 aub", "12.34.56.789", "account number"),
    ("il conto corrente è 000012345678", "000012345678", "account number"),
    ("kept it as Tr0ub4dor&3 in my notes", "Tr0ub4dor&3", "password"),
    ("logged in with Quokka$Dune77 finally", "Quokka$Dune77", "password"),
    # "is" inside a word ("Parisbank") is no verb: the value is the number, whole
    ("salary goes to the account at Parisbank 55512345", "55512345", "account number"),
]


def _assert_found_once_and_redacted(text: str, value: str, label: str) -> str:
    """``value`` is the one secret found in ``text``, under ``label``; redaction replaces it
    with its placeholder, idempotently. Returns the redacted text."""
    assert [(s.value(text), s.label) for s in find_sensitive(text)] == [(value, label)]
    clean = redact(text)
    assert value not in clean and f"[stored in vault: {label}]" in clean
    assert redact(clean) == clean  # idempotent
    return clean


@pytest.mark.parametrize(("text", "value", "label"), SHORTHAND_AND_MULTILINGUAL_CASES)
def test_shorthand_foreign_words_and_password_shapes_are_redacted(
    text: str, value: str, label: str
) -> None:
    _assert_found_once_and_redacted(text, value, label)


@pytest.mark.parametrize(
    "text",
    [
        "upgraded to Python 3.12 and Django-5.1 on the build box",
        "the laptop has an i7-12700K and an RTX4090, model XPS-15 9530",
        "booked flight BA2490 on 2026-03-12 at 10:30am, seat 14C",
        "the jacket was £76,500? no, £76.50, and the shoes €1.299,00",
        "postcode SW1A 1AA, or 3011 AB in Rotterdam",
        "loved the #Summer2026Vibes post by @JaneDoe99",
        "Covid-19 hit us in March, the Ctrl+Shift+F12 shortcut reloads",
        "deliver to Suite#200B, gate#12A",
        "mail Ana.Lopez99@Example.com",
        "the wifi name is Heron5G",
        "my account balance is 12500 dollars",
        "o saldo da conta é 1.250.000",
        "a conta de luz deu 1.250,75 este mês",
        "il conto 125000 lire, la cuenta: 480000 pesos",
        "the pwd command prints the folder",
        "speed=Time.deltaTime*4f in Update()",
        "il PIN e la password sono nel cassetto",
        "the NIP tuck jacket and the pin for the badge",
    ],
)
def test_ordinary_tokens_are_not_taken_for_secrets(text: str) -> None:
    spans = [(s.label, s.value(text)) for s in find_sensitive(text)]
    assert not [span for span in spans if span[0] != "email address"], spans


def test_a_wifi_name_stays_and_its_password_is_redacted() -> None:
    text = "the wifi name is Heron5G and the password is tr33frog77"
    expected = "the wifi name is Heron5G and the password is [stored in vault: password]"
    assert redact(text) == expected


def test_a_redacted_value_is_not_followed_by_a_second_one() -> None:
    # once "key is …" holds a placeholder, the next phrase is not the key's value
    text = "The staging key is sk_live_4fQ9zLm2Xw7Rt8Pa — it's hard-coded in main.go for now."
    once = redact(text)
    assert "hard-coded" in once and redact(once) == once


def test_redacting_placeholders_again_changes_nothing() -> None:
    text = "password: [stored in vault: password] and pin is [stored in vault: pin]"
    assert redact(text) == text
    assert "in vault: password] in vault" not in redact(redact("password: hunter22"))


# Credential and account words in non-Latin scripts (and Latin-script languages written
# with their own diacritics), with the value after the language's own separator: a
# copula ("это", "είναι", "هي", "היא", "là", "adalah"), a sign, or a particle glued to the
# word in scripts without spaces ("비번은", "パスワードは", "密码是", "รหัสผ่านคือ").
NON_LATIN_CASES = [
    ("VPN пароль: Kx92mzq7", "Kx92mzq7", "password"),
    ("мой пароль от почты — qwerty2024", "qwerty2024", "password"),
    ("паролата за wifi е kotka123", "kotka123", "password"),
    ("пин-код 4471 от новой карты", "4471", "pin"),
    ("код от двери: 4521", "4521", "code"),
    ("номер счёта 40817 810 0 9999 1234567", "40817 810 0 9999 1234567", "account number"),
    ("Ο κωδικός του wifi είναι thalassa88", "thalassa88", "password"),
    ("도어락 비번 4821", "4821", "password"),
    ("현관 비번은 4821이야", "4821", "password"),
    ("비밀번호를 abc123으로 바꿨어", "abc123", "password"),
    ("계좌번호는 110-123-456789 입니다", "110-123-456789", "account number"),
    ("パスワードはabc123です", "abc123", "password"),
    ("暗証番号は4417です", "4417", "pin"),
    ("口座番号は1234567です", "1234567", "account number"),
    ("wifi密码是abc12345，别忘了", "abc12345", "password"),
    ("我的银行卡密码：880123", "880123", "password"),
    ("验证码是482913", "482913", "password"),
    ("كلمة السر هي zaytoun77", "zaytoun77", "password"),
    ("وكلمة المرور: Qamar2024", "Qamar2024", "password"),
    ("הסיסמה של הוויפי היא tapuz123", "tapuz123", "password"),
    ("मेरा पासवर्ड abc123 है", "abc123", "password"),
    ("รหัสผ่านคือ mango2024 ครับ", "mango2024", "password"),
    ("mật khẩu email là conmeo123", "conmeo123", "password"),
    ("kata sandi email saya adalah kucing88", "kucing88", "password"),
    ("heslo je pivo1234", "pivo1234", "password"),
    ("a jelszavam: Alma1234", "Alma1234", "password"),
    ("parolă: soare2024", "soare2024", "password"),
    # a sign a few characters after the word: an aside in brackets, one short word
    ("wifi密码（客厅那个）：abc12345", "abc12345", "password"),
    ("パスワード（会社用）：Tokyo2024です", "Tokyo2024", "password"),
    ("비번 알려줄게: 4821", "4821", "password"),
    ("密码是abc123，备注：hello123", "abc123", "password"),
    # no digit in the value: the word alone lets the text be searched at all
    ("heslo do banky: pivo-a-rum", "pivo-a-rum", "password"),
    ("mật khẩu: con-meo-vang", "con-meo-vang", "password"),
    ("пароль: кот-и-пёс", "кот-и-пёс", "password"),
    # a sentence that switches language after the word: an English copula
    ("fyi the gate 비번 is 583016, don't share it", "583016", "password"),
    ("office wifi 密码 is qz81-lamp", "qz81-lamp", "password"),
]


@pytest.mark.parametrize(("text", "value", "label"), NON_LATIN_CASES)
def test_credential_words_in_other_scripts_are_followed_to_their_values(
    text: str, value: str, label: str
) -> None:
    clean = _assert_found_once_and_redacted(text, value, label)
    assert redact_values(clean, [value]) == clean


@pytest.mark.parametrize(
    "text",
    [
        # the word without a value: a question, a rule about it, a forgotten one
        "пароль я забыл, напомни завтра",
        "пароль должен быть длиннее",
        "パスワードを忘れました",
        "密码是什么？",
        "كلمة السر نسيتها",
        "הסיסמה שלי ארוכה",
        "mật khẩu là gì?",
        # a number after the word is a length, a year, a count or an amount
        "비밀번호는 10자리 이상이어야 해",
        "비번 2026년부터 바뀌었어",
        "パスワードは8文字以上です",
        "密码是2023年改的",
        "口座に50000円振り込んだ",
        "账户余额是500000元",
        "счёт за свет 1500 рублей",
        "перевёл на счёт 2500000 рублей",
        "계좌번호는 3000000원이 아니야",
        "Я сменил пароль 3 раза за неделю",
        "Код ошибки 404 на сайте",
        "口座残高は1,250,000円です",
        "2023年に口座を開設しました",
        "на счёт пришло 45 000 рублей",
        # a sign after another clause or word names something else; a date is no code
        "密码忘了，用户名：zhang123",
        "비번 까먹었어 아이디: kim123",
        "密码修改时间：2024-05-01",
        "密码有效期：180天",
        "密码学（cryptography）：rsa2048",
        # the word inside a longer word: cryptography, crypto assets, cryptocurrency
        "密码学101课程很难",
        "暗号資産を100万円分買った",
        "암호화폐 3000만원",
        # an English copula after the word, then no value
        "the 비번 is 8 chars max",
        "my 密码 is something I keep forgetting",
    ],
)
def test_other_scripts_words_without_a_secret_value_are_left_alone(text: str) -> None:
    assert find_sensitive(text) == []
    assert redact(text) == text
