"""Finding sensitive values by their structure, and redacting them idempotently.

Five kinds of evidence, none of them tied to one way of phrasing things:

* **known formats** — provider key prefixes (``sk-…``, ``ghp_…``, ``xox…-``,
  ``AKIA…``, ``AIza…``, ``glpat-…``), JWTs, PEM/PGP private-key blocks;
* **checksums and shapes** — payment cards (Luhn), IBANs (mod 97), US social
  security numbers, phone numbers, e-mail and street addresses, and a password's own
  shape (8+ characters mixing lower and upper case, digits and a symbol such as
  ``#``/``!`` inside, with none of the marks of a path, URL, e-mail, hashtag or
  numbering: "Quokka$Dune77", whatever word comes before it);
* **a credential word before a value** in any phrasing — "password", "passcode",
  "PIN", "code", "combination", "key", "token", "secret", "wifi … is", shorthand
  ("pw", "pwd", "pin no.") and the same words in other languages and scripts ("senha",
  "contraseña", "Passwort", "пароль", "κωδικός", "كلمة السر", "סיסמה", "पासवर्ड",
  "mật khẩu", "lykilorð", "salasõna", "პაროლი", and, glued to their particles, "비번은",
  "パスワードは", "密码是", "รหัสผ่านคือ" …; :mod:`mirix_py._memory.secret_words`), inflected
  ("lösenordet", "salasanani", "aðgangslykillinn", "şifrem") — with an optional qualifier
  ("the wifi password *for the cabin* is …", "my staging API key *for the dashboard*: …",
  in scripts without spaces glued to the word, maybe with an aside in brackets:
  "รหัสผ่าน*แอปเครื่องคั่ว (the roaster app)* is …"; a value that far needs a verb, or with
  a sign a password's mix of letters, digits and symbols);
  weak words ("code", "key", "combination") need a value that looks like one
  (digits or a mix of letters and symbols); a wifi *name* is not a secret;
* **an account word before an account number's shape** — "account", "conta",
  "cuenta", "compte", "Konto", "счёт", "계좌", "口座", "账号" … followed by 6+ digits in groups
  (``.``, ``-``, ``/`` or space between them, a check digit after a dash), not a
  date or an amount ("conta 12.345.678-9", "Konto Nr. 1234 5678 90");
* **a passphrase's shape** — words joined by dashes or underscores ending in a number
  ("Tidepool-Shutter-41"), and an account's label before a password's mix ("gallery admin
  (Glassbox): …", "user: kim.l, pass: …"), with no credential word;
* **machine-made tokens** — long high-entropy ones (24+ characters mixing letters and
  digits), and short ones (10+ letters and digits) whose case and digits are mixed at
  random ("5T8kW2qN7xJd"), unlike a product name ("iPhone15ProMax") whose letters spell
  syllables (:func:`mirix_py._memory.secret_shapes.passes`, ``"random_token"``), and
  keys in dashed groups ("ABCDE-12345-FGHIJ-67890", "Bx83-Lk29-Qm04").

:func:`redact` replaces each value with ``[stored in vault: label]`` and is
idempotent: text that already carries placeholders is left as it is around them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mirix_py._memory.access_codes import find_access_codes, public_code_before
from mirix_py._memory.secret_shapes import is_common_word, passes
from mirix_py._memory.secret_words import (
    ACCOUNT_WORDS,
    COPULAS,
    CURRENCY_SIGNS,
    MONEY_WORDS,
    NUMBER_WORDS,
    OTHER_SCRIPT_ACCOUNT_WORDS,
    OTHER_SCRIPT_PASSWORD_WORDS,
    OTHER_SCRIPT_WEAK_WORDS,
    PASSWORD_WORDS,
    PREPOSITIONS,
    UNSPACED_ACCOUNT_WORDS,
    UNSPACED_NUMBER_WORDS,
    UNSPACED_PASSWORD_WORDS,
    UNSPACED_SEPARATORS,
    UNSPACED_UNITS,
    WEAK_WORDS,
    cue_label,
)

Sensitivity = Literal["low", "medium", "high"]

__all__ = [
    "SensitiveSpan",
    "Sensitivity",
    "find_sensitive",
    "placeholder",
    "redact",
    "redact_values",
]


@dataclass(frozen=True)
class SensitiveSpan:
    """A sensitive value found in text: where it is, what it is, how sensitive."""

    start: int
    end: int
    entry_type: str
    label: str
    sensitivity: Sensitivity

    def value(self, text: str) -> str:
        """The sensitive value itself."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    entry_type: str
    label: str
    sensitivity: Sensitivity
    check: str = ""  # "luhn", "iban", "phone", "digits5", "weak", "strong", "entropy"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_PLACEHOLDER = re.compile(r"\[(?:stored in vault|redacted)(?::[^\]\n]{0,80})?\]")
_UNSPACED_SCRIPTS = (
    "\u0e00-\u0e7f"  # Thai
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Hangul
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK punctuation, kana, ideographs
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f"  # full-width punctuation
)
"""Letters and punctuation of scripts written without spaces: they end a value."""
_NOT_VALUE = r"\s\"'”’`,;\[\]()«»„“" + "\u060c\u061b" + _UNSPACED_SCRIPTS  # Arabic , and ;
"""What ends a value: space, quotes and brackets, and the letters and punctuation of
scripts written without spaces ("密码是abc123，别忘了", "パスワードはabc123です")."""
_OPEN_QUOTE = r"[\"'“‘`「『«„]?"
_SEP = rf"\s*(?:\b(?:{COPULAS})(?!\w)|=>|→|⇒|=|:|：|＝|->|-|—|–)\s*{_OPEN_QUOTE}"
_QUALIFIER = (
    rf"(?:\s+(?:{PREPOSITIONS})\s+(?:the\s+|my\s+|our\s+|his\s+|her\s+|their\s+)?"
    r"(?:[\w'’ -]|\.(?!\s)){1,40}?)?"
)
_SET_TO = r"\s+to\s+[\"'“‘`]?"
"""A password changed or set *to* a value ("changed my pw to …")."""
_VALUE = rf"(?P<v>[^{_NOT_VALUE}]{{3,128}})"
_STRONG_CUE = (
    r"password|passcode|passwd|pwd|passphrase|pin(?: code| number)?|cvv|cvc|"
    r"(?:door|gate|alarm|lock|garage|safe|security|access|entry|building|locker|unlock)\s+code|"
    r"wi-?fi(?: network)?(?: password| key| code)?|combination|combo|" + PASSWORD_WORDS
)
_WEAK_CUE = (
    r"code|key|token|secret|api[ _-]?key|access[ _-]?token|secret[ _-]?key|"
    r"auth[ _-]?token|bearer token|client[ _-]?secret|license key|licence key|product key|"
    r"recovery (?:code|key|phrase)|backup codes?|seed phrase|login"
)
_UNSPACED_SEP = (
    rf"\s*(?:(?:{UNSPACED_SEPARATORS})\s*|(?<=\s)(?:{COPULAS})\s+)?(?:=>|→|⇒|[:=：＝]|->|-|—)?\s*"
    rf"{_OPEN_QUOTE}"
)
"""A particle or copula glued to the word ("비번은", "密码是"), a Latin-script copula after a
space when the sentence switches language ("our 도어락 비번 is …"), a sign, or nothing."""
_NOT_A_MEASURE = rf"(?!\s*(?:{UNSPACED_UNITS}))"
_UNSPACED_PASSWORD_RULE = (
    _Rule(  # "비번은 4821", "パスワードはabc123です", "wifi密码是abc12345，", "รหัสผ่านคือ abc123"
        _rx(
            rf"(?i)(?P<cue>{UNSPACED_PASSWORD_WORDS}){_UNSPACED_SEP}"
            rf"(?P<v>[^{_NOT_VALUE}]{{3,128}}+){_NOT_A_MEASURE}"
        ),
        "password",
        "password",
        "high",
        check="strong",
    ),
)
_UNSPACED_GAP = (
    r"(?:\s*[（(][^）)\[\]\n]{1,20}[）)]|\s?[^\sA-Za-z0-9,，、。.！？!?;；:：=＝\[\]\n]{1,8}?)"
)
"""What may stand between a word and a sign: an aside in brackets ("wifi密码（客厅）：…")
or one short word ("비번 알려줄게: …"), never a value, a clause, a second word of Korean
or a sentence end ("密码忘了，用户名：…", "비번 까먹었어 아이디: …")."""
_UNSPACED_AHEAD_RULE = (
    _Rule(  # "wifi密码（客厅那个）：abc12345", "비번 알려줄게: 4821"
        _rx(
            rf"(?i)(?P<cue>{UNSPACED_PASSWORD_WORDS}){_UNSPACED_GAP}\s*[:：=＝]\s*{_OPEN_QUOTE}"
            rf"(?P<v>[^{_NOT_VALUE}]{{3,128}}+){_NOT_A_MEASURE}"
        ),
        "password",
        "password",
        "high",
        check="strong_undated",
    ),
)
_GLUED_QUALIFIER = (
    r"[^\sA-Za-z0-9,，、。.！？!?;；:：=＝\[\]()（）\n]{0,24}?"
    r"(?:\s*[（(][^）)\[\]\n]{1,40}[）)])?"
)
"""What a word written without spaces may have glued after it before its verb: the rest of
a compound in its own script ("รหัสผ่าน*แอปเครื่องคั่ว*", "密码*邮箱的*"), then maybe an
aside in brackets in any language ("(the roaster app)")."""
_UNSPACED_FAR_RULES = (
    _Rule(  # "รหัสผ่านแอปเครื่องคั่ว (the roaster app) is K…", "รหัสผ่านแอปธนาคารคือ 4821…"
        _rx(
            rf"(?i)(?P<cue>{UNSPACED_PASSWORD_WORDS}){_GLUED_QUALIFIER}"
            rf"(?:\s+(?:{COPULAS})\s+|(?:{UNSPACED_SEPARATORS})\s*){_OPEN_QUOTE}"
            rf"(?P<v>[^{_NOT_VALUE}]{{3,128}}+){_NOT_A_MEASURE}"
        ),
        "password",
        "password",
        "high",
        check="strong_undated",
    ),
    _Rule(  # with a sign, only a value with a password's mix ("密码学（…）：rsa2048" is none)
        _rx(
            rf"(?i)(?P<cue>{UNSPACED_PASSWORD_WORDS}){_GLUED_QUALIFIER}\s*[:：=＝]\s*"
            rf"{_OPEN_QUOTE}(?P<v>[^{_NOT_VALUE}]{{3,128}}+){_NOT_A_MEASURE}"
        ),
        "password",
        "password",
        "high",
        check="far",
    ),
)
_UNSPACED_ACCOUNT_RULE = (
    _Rule(  # "계좌번호는 110-123-456789", "口座番号は1234567です", "账号：6222 0212 3456 7890"
        _rx(
            rf"(?i)(?P<cue>{UNSPACED_ACCOUNT_WORDS})(?:{UNSPACED_NUMBER_WORDS})?{_UNSPACED_SEP}#?"
            r"(?P<v>\d(?:\d|[ ./-](?=\d)){4,40}+)(?![A-Za-z0-9_]|,\d)"
            rf"(?!\s*(?:{CURRENCY_SIGNS}|{MONEY_WORDS}|{UNSPACED_UNITS}))"
        ),
        "account_number",
        "account number",
        "high",
        check="account_digits",
    ),
)


def _rules(*, other_scripts: bool) -> tuple[_Rule, ...]:
    """The rules, in the order their spans win ties; with ``other_scripts`` they also
    look for the credential and account words of scripts other than Latin."""
    strong = _STRONG_CUE + (f"|{OTHER_SCRIPT_PASSWORD_WORDS}" if other_scripts else "")
    weak = f"{_WEAK_CUE}|{WEAK_WORDS}" + (f"|{OTHER_SCRIPT_WEAK_WORDS}" if other_scripts else "")
    account = ACCOUNT_WORDS + (f"|{OTHER_SCRIPT_ACCOUNT_WORDS}" if other_scripts else "")
    return (
        _Rule(
            _rx(
                r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY"
                r"(?: BLOCK)?-----"
            ),
            "private_key",
            "private key",
            "high",
        ),
        _Rule(
            _rx(r"\bsk-(?:proj-|ant-[a-z0-9]+-|live-|test-)?[A-Za-z0-9_-]{8,}"),
            "api_key",
            "API key",
            "high",
            check="hasdigit",
        ),
        _Rule(
            _rx(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
            "api_key",
            "GitHub token",
            "high",
        ),
        _Rule(_rx(r"\bxox[abprse]-[A-Za-z0-9-]{10,}"), "api_key", "Slack token", "high"),
        _Rule(_rx(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "api_key", "AWS access key", "high"),
        _Rule(_rx(r"\bAIza[0-9A-Za-z_-]{30,}"), "api_key", "Google API key", "high"),
        _Rule(_rx(r"\bglpat-[A-Za-z0-9_-]{20,}"), "api_key", "GitLab token", "high"),
        _Rule(
            _rx(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{12,}"), "api_key", "Stripe key", "high"
        ),
        _Rule(
            _rx(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
            "api_key",
            "access token",
            "high",
        ),
        _Rule(
            _rx(
                rf"(?i)\b(?P<cue>{strong})(?!\w)"
                rf"(?:['’]s\s+(?=[^{_NOT_VALUE}]*\d)|{_QUALIFIER}(?:{_SEP}|{_SET_TO})){_VALUE}"
            ),  # "the PIN for the van is …", "my passcode's 9090" (a digit after "'s")
            "password",
            "password",
            "high",
            check="strong",
        ),
        _Rule(  # "PIN 4471", "passcode 8812#": no verb, the value follows the word
            _rx(
                rf"(?i)\b(?P<cue>{strong})(?!\w)\s+{_OPEN_QUOTE}"
                rf"(?P<v>[^{_NOT_VALUE}]*\d[^{_NOT_VALUE}]*)"
            ),
            "password",
            "password",
            "high",
            check="strong",
        ),
        _Rule(  # "PIN: 0 4 1 9", "the passcode is 31 07 19": a code typed in groups
            _rx(
                rf"(?i)\b(?P<cue>{strong})(?!\w){_QUALIFIER}(?:{_SEP}|\s+)"
                r"(?P<v>\d{1,3}(?:[ .-]\d{1,3}){2,7})(?![\w-]|[ .]\d)"
            ),
            "password",
            "password",
            "high",
            check="spaced_digits",
        ),
        _Rule(  # 'the password is "correct horse battery staple"': quoted words
            _rx(
                rf"(?i)\b(?P<cue>{strong})(?!\w){_QUALIFIER}\s*(?:\b(?:{COPULAS})(?!\w)|:|=)"
                r"\s*[\"“](?P<v>[^\"”\n\[\]]{4,64})[\"”]"
            ),
            "password",
            "password",
            "high",
            check="quoted",
        ),
        _Rule(  # "router admin: Copper-Finch-19", "gallery admin (Glassbox): …": an account's
            _rx(  # label, maybe an aside in brackets, a sign, then a password's mix
                r"(?i)\b(?:admin|administrator|root|log-?in|sign-?in|credentials?|creds)"
                r"(?:\s*\([^()\n]{1,40}\))?\s*[:=]\s*" + _OPEN_QUOTE + _VALUE
            ),
            "password",
            "password",
            "high",
            check="far",
        ),
        _Rule(  # "user: kim.l, pass: Orchid-Moon-31": "pass" after a user name or login
            _rx(
                r"(?i)\b(?:user(?:name)?|login|e-?mail|id)\b[^\n]{1,60}?\bpass\s*[:=]\s*"
                + _OPEN_QUOTE
                + _VALUE
            ),
            "password",
            "password",
            "high",
            check="far",
        ),
        *(
            _UNSPACED_PASSWORD_RULE + _UNSPACED_AHEAD_RULE + _UNSPACED_FAR_RULES
            if other_scripts
            else ()
        ),
        _Rule(
            _rx(rf"(?i)\b(?P<cue>{weak})\b{_QUALIFIER}{_SEP}{_VALUE}"),
            "password",
            "credential",
            "high",
            check="weak",
        ),
        _Rule(
            _rx(  # "the wifi is …", "wifi at the cabin: …", but not "the wifi name is …"
                r"(?i)\b(?P<cue>wi-?fi)\b(?:(?!\b(?:name|named|called|ssid)\b)[^.!?\n\[\]]){0,40}?"
                r"\b(?:is|:|=)\s*[\"'“‘`]?" + _VALUE
            ),
            "password",
            "wifi password",
            "high",
            check="weak",
        ),
        _Rule(
            _rx(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"),
            "national_id",
            "social security number",
            "high",
        ),
        _Rule(
            _rx(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])"),
            "card_number",
            "card number",
            "high",
            check="luhn",
        ),
        _Rule(
            _rx(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"),
            "account_number",
            "bank account number (IBAN)",
            "high",
            check="iban",
        ),
        _Rule(
            _rx(
                r"(?i)\b(?:(?:bank |checking |savings |brokerage )?account|acct|routing|sort code|"
                r"passport|driver'?s licen[cs]e|licen[cs]e plate|social security|ssn|tax id|"
                r"national id|membership|policy|member id|customer id|iban)"
                r"(?: number| no\.?| num| #| id)?"
                + _QUALIFIER
                + r"(?:\s*(?:\b(?:is|was)\b|=|:|->)\s*|\s+)[\"'“‘`#]?"
                + r"(?P<v>[A-Z0-9][A-Z0-9 -]{3,30}[A-Z0-9])"
            ),
            "account_number",
            "account number",
            "high",
            check="account",
        ),
        _Rule(  # "conta 35.204.118-6", "Konto Nr. 1234 5678 90", "rekening: 12-3456-789"
            _rx(
                rf"(?i)\b(?P<cue>{account})(?:\s*(?:{NUMBER_WORDS}))?"
                rf"(?:\s*(?:\b(?:{COPULAS})(?!\w)|=|:|：|->)\s*|\s+)[#\"'“‘`«„]?"
                rf"(?P<v>\d(?:\d|[ ./-](?=\d)){{4,40}}+)(?!\w|,\d)"
                rf"(?!\s*(?:{CURRENCY_SIGNS}|{MONEY_WORDS}))"
            ),
            "account_number",
            "account number",
            "high",
            check="account_digits",
        ),
        *(_UNSPACED_ACCOUNT_RULE if other_scripts else ()),
        _Rule(
            _rx(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
            "email",
            "email address",
            "medium",
        ),
        _Rule(
            _rx(
                r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])"
                r"\d{3,4}[\s.-]\d{3,5}(?![\w-])"
            ),
            "phone_number",
            "phone number",
            "medium",
            check="phone",
        ),
        _Rule(
            _rx(
                r"(?i)\b(?:phone|cell|mobile|telephone|tel|whatsapp)(?: number| no\.?| #)?"
                r"(?:\s*(?:is|was|=|:|->)\s*|\s+)[\"'“‘`]?"
                r"(?P<v>\+?\d[\d\s().-]{6,18}\d)"
            ),
            "phone_number",
            "phone number",
            "medium",
            check="phone",
        ),
        _Rule(
            _rx(
                r"\b\d{1,6}\s+(?:[A-Z][A-Za-z'-]*\.?\s+){1,4}"
                r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
                r"Place|Pl|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent)\b\.?"
                r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|#)\.?\s*[\w-]+)?"
                r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?(?:,?\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?"
            ),
            "address",
            "home address",
            "medium",
        ),
        _Rule(
            _rx(
                r"(?i)\b(?:my|our|the|his|her|their) (?:home |new |mailing |postal )?address"
                r"\s*(?:is|was|=|:|->)\s*[\"'“‘`]?"
                r"(?P<v>[^.\n;!?\[\]]{8,120})"
            ),
            "address",
            "home address",
            "medium",
        ),
        _Rule(  # a generated passphrase by its shape alone: "Tidepool-Shutter-41"
            _rx(
                r"(?<![\w/.@#-])(?P<v>[A-Za-z]{3,24}(?:[-_][A-Za-z]{3,24}){1,4}[-_]\d{1,4})"
                r"(?![\w/@-]|\.\w)"
            ),
            "password",
            "password",
            "high",
            check="passphrase",
        ),
        _Rule(  # a password by its shape alone: "Kest#r3lWing", "m4Ple!Syrup-9"
            _rx(
                rf"(?<![^\s\"'“‘(])(?P<v>[^\s\"'”’`,;()\[\]{{}}<>{_UNSPACED_SCRIPTS}]{{8,64}})"
                rf"(?![^\s\"'”’`,;){_UNSPACED_SCRIPTS}])"
            ),
            "password",
            "password",
            "high",
            check="password_shape",
        ),
        _Rule(
            _rx(r"(?<![\w/.=?&%:@-])(?P<v>[A-Za-z0-9][A-Za-z0-9_+/=-]{23,})(?![\w/-])"),
            "api_key",
            "secret token",
            "high",
            check="entropy",
        ),
        _Rule(  # a key in dashed groups: "ABCDE-12345-FGHIJ-67890", "Bx83-Lk29-Qm04"
            _rx(r"(?<![\w-])(?P<v>[A-Za-z0-9]{4,6}(?:-[A-Za-z0-9]{4,6}){2,7})(?![\w-])"),
            "api_key",
            "key",
            "high",
            check="grouped_key",
        ),
        _Rule(  # a short machine-made key by its shape alone: "5T8kW2qN7xJd"
            _rx(r"(?<![\w/.=?&%:@#$+-])(?P<v>[A-Za-z0-9]{10,64})(?![\w/@=+-]|[.:]\w)"),
            "password",
            "password",
            "high",
            check="random_token",
        ),
    )


_LATIN_RULES = _rules(other_scripts=False)
_ALL_RULES = _rules(other_scripts=True)
_OTHER_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u06ff\u0750-\u077f\u0900-\u097f"
    "\u0e00-\u0e7f\u10a0-\u10ff"
    "\u1100-\u11ff\u1f00-\u1fff\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff\uff00-\uffef]"
)
"""A letter of a script other than Latin: only then are the other scripts' words looked for."""

_QUICK = re.compile(
    r"\d|@|-----BEGIN|[A-Za-z0-9_+/=-]{24}|(?i:password|passcode|passphrase|pass|token|key|secret|"
    r"address|code|combo|combination|pin|wi-?fi|login|pw|senha|contrase|mot de passe|mdp|"
    r"passwort|kennwort|wachtwoord|parola|l[öo]senord|passord|adgangskode|salasana|has[łl]o|"
    r"[şs]ifre|m[ậa]t kh|sandi|laluan|hesl|gesl|lozink|jelsz|parol|kod|kód|mã|nip|geheimzahl|"
    r"lykilor|a[ðd]gangs|leynior|salas|slapta[žz]|contras|pasahitz|cyfrinair|pasfhocal|"
    r"fjal[ëe]kalim|wagwoord|nenosiri|neno la siri)"
)
"""What text in Latin script needs before the rules are run on it at all."""
_AHEAD_WORDS = (
    rf"{_WEAK_CUE}|passport(?: number| no\.?)?|"
    r"(?:bank |checking |savings )?account(?: number| no\.?)|routing number|"
    r"(?:driver'?s )?licen[cs]e number|member(?:ship)? (?:number|id)"
)
_CUE_AHEAD = re.compile(rf"(?i)\b(?P<cue>{_STRONG_CUE}|{_AHEAD_WORDS})\b")
_CUE_AHEAD_ALL = re.compile(
    rf"(?i)\b(?P<cue>{_STRONG_CUE}|{OTHER_SCRIPT_PASSWORD_WORDS}|{_AHEAD_WORDS})\b"
)
_VALUE_AHEAD = re.compile(
    rf"(?i)(?:\b(?:{COPULAS})(?!\w)|\bit'?s|\bit is|=>|→|⇒|:|：|=)\s*(?P<q>[\"'“‘`«„「『])?"
    rf"(?P<v>\d{{1,3}}(?:[ .-]\d{{1,3}}){{2,7}}(?![\w-]|[ .]\d)|[^{_NOT_VALUE}]{{3,128}})"
)
"""A value after a verb or a sign: a code typed in groups ("2 8 1 9"), or one token."""
_STRONG_AHEAD = re.compile(rf"(?i)^(?:{_STRONG_CUE}|{OTHER_SCRIPT_PASSWORD_WORDS})$")
_WEAK_GAP = 60
_ACCOUNT_WORDS = (
    "passport", "account", "bank", "checking", "savings", "routing", "driver", "licen", "member"
)  # fmt: skip
_UNIT_AFTER = re.compile(
    r"(?i)\s+(?:%|percent|lines?|minutes?|mins?|hours?|days?|weeks?|months?|years?|times?|"
    r"people|persons?|dollars?|euros?|pounds?|km|miles?|kg|lbs?|degrees?|pages?|words?|steps?|"
    r"items?|points?|rows?|ms|seconds?|am|pm)\b"
)
_STRONG_GAP = 160
_NAME_WORD = re.compile(r"(?i)\b(?:name|named|called|ssid)\b")
_OPENS_QUESTION = re.compile(r"[.!?]\s+$")
"""A verb right after a sentence end opens a question ("… on your purse. Is it …?"): it
ties nothing said before to what follows."""
_VERB = re.compile(rf"(?i)(?:{COPULAS})(?!\w)")
_CALL_AFTER = re.compile(r"[(\[]")
"""A value followed at once by a bracket is a call or a subscript in code."""


def _ahead(text: str, cues: re.Pattern[str]) -> list[SensitiveSpan]:
    """Values a few words after a credential word: "my gym locker combo for me, it's
    31-07-19", "the PIN for the office locker, it's 0614", "can you store the alarm code?
    The new one is 7-2-5-9-0", "the password — it's "marmalade"". Weak words look only
    within their sentence; strong words and account numbers may cross one sentence end."""
    out: list[SensitiveSpan] = []
    held_at = _protected(text)
    for cue in cues.finditer(text):
        if any(lo <= cue.start() < hi for lo, hi in held_at):
            continue  # the label inside a placeholder ("[stored in vault: key]")
        word = " ".join(cue.group("cue").lower().split())
        if word == "code" and public_code_before(text, cue.start()):
            continue  # "my zip code is 94110": a public code
        strong = bool(_STRONG_AHEAD.match(word))
        account = word.startswith(_ACCOUNT_WORDS)
        wide = strong or account  # may look past one sentence end
        window = text[cue.end() : cue.end() + (_STRONG_GAP if wide else _WEAK_GAP)]
        ends = [
            i
            for i, c in enumerate(window)
            if c in ".!?\n" and window[i + 1 : i + 2] in (" ", "\n", "")
        ]
        limit = ends[int(wide)] if len(ends) > int(wide) else len(window)
        held = None if wide else _PLACEHOLDER.search(window, 0, limit)
        if held is not None:  # "the key is [stored …] — it's hard-coded": the key is stored
            limit = held.start()  # (a strong word may still have a second value: "the new one")
        check = "digits5" if account else "strong" if strong else "weak"
        for m in _VALUE_AHEAD.finditer(window, 0, limit):
            value = m.group("v").rstrip(".!?:")
            if _UNIT_AFTER.match(window, m.end("v")):
                continue  # "… is 300 lines long": a measure, not a code
            if _NAME_WORD.search(window, 0, m.start("v")):
                break  # "the wifi name is …", "the network called …": a name, not a secret
            if _OPENS_QUESTION.search(window, 0, m.start()) and _VERB.match(m.group(0)):
                continue  # "… a pin on your bag. Is Spider-Man your hero?": a new question
            if _CALL_AFTER.match(window, m.end("v")):
                continue  # "key = os.environ[…]": an expression in code, not a value
            quoted = strong and m.group("q") and len(value) >= 4  # a quoted password
            ok = passes(check, value) or bool(quoted and not is_common_word(value))
            if " " in value:  # digits in groups: four or more, not a date
                ok = passes("spaced_digits", value)
            if ok:
                start = cue.end() + m.start("v")
                kind = "account_number" if account else "password"
                out.append(SensitiveSpan(start, start + len(value), kind, cue_label(word), "high"))
                break
    return out


def _account_prefix(value: str) -> str:
    """The longest run of ``value``'s first words that passes the account check (a
    number followed by other words: "021000021 and account")."""
    words = value.split(" ")
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n])
        if passes("account", head):
            return head
    return ""


def _protected(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PLACEHOLDER.finditer(text)]


def find_sensitive(text: str) -> list[SensitiveSpan]:
    """Sensitive values in ``text`` (credentials, keys, card/account numbers, ids,
    phone numbers, emails, addresses), non-overlapping, in text order.

    Conservative: patterns need a recognisable shape (a provider prefix, a
    checksum, enough digits, high entropy) or a credential word before a value
    that looks like one. Placeholders left by an earlier redaction are never
    matched again.
    """
    if not text:
        return []
    other_scripts = bool(_OTHER_SCRIPT.search(text))
    if not other_scripts and not _QUICK.search(text):
        return []
    rules = _ALL_RULES if other_scripts else _LATIN_RULES
    protected = _protected(text)
    found: list[SensitiveSpan] = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            start, end = match.span("v") if "v" in rule.pattern.groupindex else match.span()
            value = text[start:end]
            stripped = value.rstrip(".!?:")
            end -= len(value) - len(stripped)
            if rule.check == "account" and not passes(rule.check, stripped):
                stripped = _account_prefix(stripped)  # "021000021 and account …": the number
                end = start + len(stripped)
            if end <= start or not passes(rule.check, stripped):
                continue
            cued = "cue" in rule.pattern.groupindex and bool(match.group("cue"))
            if cued and _CALL_AFTER.match(text, end):
                continue  # "API_KEY = os.environ[…]", "password = getpass()": code
            if cued and _UNIT_AFTER.match(text, end):
                continue  # "the code was 300 lines long": a measure, not a code
            if (
                cued
                and match.group("cue").lower() == "code"
                and public_code_before(text, match.start("cue"))
            ):
                continue  # "my zip code is 94110", "error code 4040": public codes
            if any(start < p_end and p_start < end for p_start, p_end in protected):
                continue
            label = rule.label
            if "cue" in rule.pattern.groupindex and match.group("cue"):
                label = cue_label(match.group("cue"))
            found.append(SensitiveSpan(start, end, rule.entry_type, label, rule.sensitivity))
    for span in _ahead(text, _CUE_AHEAD_ALL if other_scripts else _CUE_AHEAD):
        if not any(span.start < p_end and p_start < span.end for p_start, p_end in protected):
            found.append(span)
    for code in find_access_codes(text):  # "door is 4471 btw": named by what it opens
        if not any(code.start < p_end and p_start < code.end for p_start, p_end in protected):
            found.append(SensitiveSpan(code.start, code.end, "password", code.label, "high"))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[SensitiveSpan] = []
    for span in found:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def placeholder(span: SensitiveSpan, *, vault_enabled: bool = True) -> str:
    """What replaces a sensitive value outside the vault."""
    return f"[stored in vault: {span.label}]" if vault_enabled else f"[redacted: {span.label}]"


def redact(text: str, *, vault_enabled: bool = True) -> str:
    """``text`` with every sensitive value replaced by a placeholder (idempotent)."""
    spans = find_sensitive(text)
    for span in reversed(spans):
        mark = placeholder(span, vault_enabled=vault_enabled)
        text = text[: span.start] + mark + text[span.end :]
    return text


def redact_values(text: str, values: Sequence[str]) -> str:
    """``text`` with each of ``values`` (known secrets) and detected secrets redacted."""
    for value in sorted({v for v in values if len(v) >= 4}, key=len, reverse=True):
        if value in text:
            parts = _PLACEHOLDER.split(text)
            marks = _PLACEHOLDER.findall(text)
            parts = [p.replace(value, "[stored in vault]") for p in parts]
            text = "".join(p + (marks[i] if i < len(marks) else "") for i, p in enumerate(parts))
    return redact(text)
