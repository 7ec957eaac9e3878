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


def test_redacting_placeholders_again_changes_nothing() -> None:
    text = "password: [stored in vault: password] and pin is [stored in vault: pin]"
    assert redact(text) == text
    assert "in vault: password] in vault" not in redact(redact("password: hunter22"))
