"""Words that announce a credential or an account number, in many languages and scripts.

People write to an assistant in their own language and in shorthand ("new pw is …",
"senha: …", "conta 12.345-6", "VPN пароль: …", "wifi密码是…"). These lists are the
words, not the values: a value after one of them still needs a value's shape
(:mod:`mirix_py._memory.secrets`). Each entry is a regular expression fragment,
matched case-insensitively.

Words of scripts written with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew,
Devanagari) are matched between word boundaries. Chinese, Japanese and Thai are
written without spaces, and Korean glues particles to its words ("비번은", "密码是",
"パスワードは"), so the ``UNSPACED_*`` words need no boundary: what may follow them is
one of their particles or copulas, then the value (see ``UNSPACED_SEPARATORS``).
The words of other scripts are kept apart from the Latin-script ones (``OTHER_SCRIPT_*``,
``UNSPACED_*``) so that text in Latin script alone is not searched for them.
:func:`cue_label` names a word's value in plain English for its placeholder ("senha" →
"password", "conta" → "account number").
"""

from __future__ import annotations

import re

__all__ = [
    "ACCOUNT_WORDS",
    "COPULAS",
    "CURRENCY_SIGNS",
    "MONEY_WORDS",
    "NUMBER_WORDS",
    "OTHER_SCRIPT_ACCOUNT_WORDS",
    "OTHER_SCRIPT_PASSWORD_WORDS",
    "OTHER_SCRIPT_WEAK_WORDS",
    "PASSWORD_WORDS",
    "PIN_WORDS",
    "PREPOSITIONS",
    "UNSPACED_ACCOUNT_WORDS",
    "UNSPACED_NUMBER_WORDS",
    "UNSPACED_PASSWORD_WORDS",
    "UNSPACED_SEPARATORS",
    "UNSPACED_UNITS",
    "WEAK_WORDS",
    "cue_label",
]

_INFLECTED_STEMS = (
    r"pass ?word|pass ?code|pass ?phrase|senha|contraseña|contrasena|passwort|kennwort|"
    r"wachtwoord|lösenord|losenord|passord|adgangskode|kodeord|salasan|hasł|hasl|şifre|sifre|"
    r"jelsz|lykilorð|aðgangsorð|leyniorð|aðgangslykil|adgangslykil|parool|salasõna|"
    r"salasona|slaptažod|slaptazod|contrasenya|contrasinal|pasahitz|fjalëkalim|fjalekalim|"
    r"wagwoord|pinkod|pin-kod|pin-kood|pin-koodi|pin-númer"
)
"""Credential words that take endings in their languages; any of them followed by one to
five letters is the same word inflected (checked before the bare words, which need a
word boundary after them)."""

PASSWORD_WORDS = (
    # English shorthand
    r"pw|pwd|passwd|pass ?word|pass ?code|pass ?phrase|pin ?code|pin-code|pin (?:no\.?|nr\.?|#)|"
    # other languages: pt, es, fr, de, nl, it, sv/no/da, fi, pl, tr
    r"senha|contraseña|contrasena|mot de passe|mdp|passwort|kennwort|wachtwoord|"
    r"parola d'ordine|lösenord|losenord|passord|adgangskode|salasana|hasło|haslo|şifre|sifre|"
    r"código pin|codigo pin|code pin|pin-kode|pinkode|"
    # a PIN's name elsewhere: fr-CA "NIP", de "Geheimzahl"/"PIN-Nummer"
    r"nip|geheimzahl|pin-nummer|"
    # vi, id/ms, cs/sk, sl/hr/sr, hu, ro
    r"mật khẩu|mat khau|mã pin|mã otp|mã xác (?:nhận|thực)|kata (?:sandi|laluan)|"
    r"heslo|hesla|geslo|lozink[aeu]|jelszó|jelszo|jelszav(?:am|a|ad)|pin-kód|pinkód|parolă|"
    # is, et, lt, lv (only before its "ir": the English "parole" is no password), ca, gl, eu,
    # cy, ga, sq, af, sw, mt
    r"lykilorð|aðgangsorð|adgangsord|leyniorð|aðgangslykil|adgangslykil|pin-númer|"
    r"parool|salasõna|salasona|pääsukood|slaptažod|slaptazod|parole(?=\s+ir\b|$)|"
    r"contrasenya|contrasinal|pasahitz|cyfrinair|pasfhocal|fjalëkalim|fjalekalim|wagwoord|"
    r"nenosiri|neno la siri|"
    # the same words with an inflection (a case, an article or a possessive glued after
    # them: "lösenordet", "salasanani", "Passwortes", "şifrem", "lykilorðið",
    # "aðgangslykillinn", "slaptažodis"), for the words of five letters or more
    rf"(?:{_INFLECTED_STEMS})\w{{1,5}}"
)
"""Words after which a value with a secret's shape is a password or PIN (Latin script)."""

OTHER_SCRIPT_PASSWORD_WORDS = (
    # Cyrillic: ru/uk/bg/sr/mk ("пароль", "паролата", "пин-код", "код доступа", "лозинка")
    r"парол(?:ь|я|ем|і|а|ата)|лозинк[аеу]|пин(?:-?код)?|пін(?:-?код)?|"
    r"код (?:доступа|доступу|домофона|подъезда|під'їзду|двери|дверей|замка|сейфа|"
    r"сигнализации)|"
    # Greek
    r"κωδικ(?:ός|ος|ό|ο|ού|ου)(?: πρόσβασης| προσβασης)?|συνθηματικό|συνθηματικο|"
    # Arabic and Persian, with a glued "and"/"with"/"for" ("وكلمة السر")
    r"[وبلف]?(?:كلم[ةه] (?:ال)?(?:مرور|سر)|(?:ال)?رمز (?:ال)?(?:مرور|سري|تحقق|دخول)|"
    r"الرقم السري|باسورد|رمز عبور|گذرواژه|کلمه عبور)|"
    # Hebrew, with its glued "the"/"and"/"that" ("הסיסמה", "והסיסמא", "סיסמת")
    r"[והשבלמכ]{0,3}(?:סיסמה|סיסמא|סיסמת|קוד סודי)|"
    # Devanagari (hi, mr, ne)
    r"पासवर्ड|पिन(?: कोड| नंबर)?|गुप्त कोड|"
    # Georgian, Armenian, with their case endings ("პაროლი", "գաղտնաբառը")
    r"პაროლ\w{0,3}|գաղտնաբառ\w{0,3}"
)
"""The same in scripts written with spaces between words: Cyrillic, Greek, Arabic,
Hebrew, Devanagari, Georgian, Armenian."""

PIN_WORDS = (
    r"nip|geheimzahl|пин(?:-?код)?|пін(?:-?код)?|الرقم السري|पिन(?: कोड| नंबर)?|"
    r"핀 ?번호|핀코드|暗証番号|ピン(?:コード|番号)|รหัส ?(?:pin|พิน|atm|เอทีเอ็ม)"
)
"""The credential words (in any script) that name a PIN rather than a password; a word
holding the Latin "pin" ("pin-kód", "mã pin", "PIN番号") is one too."""

WEAK_WORDS = r"mã|kód|kod"
"""Other languages' plain "code": like the English word, it needs a separator and a value
that looks like a code ("kod do drzwi: 4521"), not any word after it."""

OTHER_SCRIPT_WEAK_WORDS = r"код|קוד|رمز|कोड"
"""The same in other scripts ("код от двери: 4521")."""

ACCOUNT_WORDS = (
    r"account|acct|a/c|conta(?: corrente| poupança)?|cuenta(?: corriente)?|compte(?: bancaire)?|"
    r"konto|kontonummer|kontonr|conto(?: corrente)?|rekening(?:nummer)?|rekeningnr|"
    r"bankrekening|tilinumero|numer konta|número de (?:conta|cuenta)|numero de (?:conta|cuenta)|"
    r"numéro de compte|numero di conto|n[º°o]\.? de (?:conta|cuenta|compte)|"
    # ro, cs/sk, hu, vi, id/ms, hr/sr
    r"cont(?:ul)?(?: bancar)?|číslo účtu|účet|účtu|számlaszám(?:om)?|"
    r"bankszámla(?:szám)?|số tài khoản|so tai khoan|tài khoản|nomor rekening|no\.? rek|"
    r"nombor akaun|akaun bank|broj računa|račun"
)
"""Words after which a number with an account number's shape is one (Latin script)."""

OTHER_SCRIPT_ACCOUNT_WORDS = (
    # Cyrillic, Arabic/Persian, Hebrew, Devanagari
    r"(?:номер |лицевой )?сч[её]та?|(?:номер )?рахун(?:ок|ку)|сметка(?:та)?|"
    r"(?:број )?рачуна?|(?:رقم )?(?:ال)?حسابي?(?: البنكي)?|شماره حساب|"
    r"(?:מספר )?[הב]?חשבון(?: הבנק)?|खाता(?: संख्या| नंबर)?"
)
"""The same in Cyrillic, Arabic, Hebrew and Devanagari."""

NUMBER_WORDS = r"number|no\.?|nr\.?|n[º°o]\.?|#|num|nummer|número|numero|numéro|номер|č\.|szám|số"
"""Words that may follow an account word ("account no.", "Konto Nr.")."""

COPULAS = (
    r"is|was|are|é|es|est|ist|è|är|e(?=\s+\S*\d)|este|je(?=\s+\S*\d)|là|"
    r"adalah|ialah|yaitu|yakni|iaitu|это|є|це|е|је|είναι|ειναι|هي|هو|היא|הוא|זה|זו|है|"
    # da/no/is "er", fi/et "on", lv "ir", lt "yra", tl "ay", sw "ni", ca "és", is "var", sq
    # "është", cy "yw"/"ydy", ka "არის", hy "է" (the short ones only before a value with a
    # digit: "er", "on", "ni", "és", "var" are also English, Hungarian or Swedish words;
    # Hindi/Urdu written in Latin letters "hai")
    r"(?:er|on|ir|ay|ni|és|var|hai)(?=\s+\S*\d)|yra|është|eshte|yw|ydy|არის|է|"
    # de "lautet" ("das Passwort lautet …"), nl "luidt"
    r"lautet|lautete|luidt"
)
"""Verbs between a word and its value ("… is", "… é", "… ist", "… là", "… это",
"… είναι", "… هي", "… היא", "… er", "… on", "… ir", "… lautet"); signs apart. An
unaccented "e" (Romanian "is", Portuguese or Italian typed without accents) and Czech "je"
count only before a value holding a digit: in Italian "e" also means "and", in French
"je" means "I"."""

PREPOSITIONS = (
    r"for|to|of|on|at|in|into|de|da|do|du|des|del|della|di|la|al|für|fur|von|vom|van|voor|"
    r"för|pour|para|per|"
    r"от|для|к|на|в|від|до|за|од|na|od|pro|k|za|do|untuk|ke|di|dari|của|cho|pentru|"
    r"για|του|της|στο|στη|από|של|עבור|حق|تبع|على|का|की|के|"
    r"að|til|fyrir|på|ng|sa|kwa|ya|për|dla|prie|uz|ar"
)
"""Words that open a qualifier between a credential word and its value ("the PIN *for
the fuel card* is", "la senha *do portal* é", "pin *la cardul de motorina* e")."""

UNSPACED_PASSWORD_WORDS = (
    # ko: password, its shorthand, "secret number", PIN, one-time codes
    r"비밀 ?번호|비번|암호|패스워드|핀 ?번호|핀코드|pin ?번호|인증 ?번호|인증 ?코드|"
    r"보안 ?코드|otp ?번호|"
    # ja
    r"パスワード|パスコード|暗証番号|暗号|合言葉|ピン(?:コード|番号)|pin(?:コード|番号)|"
    r"認証コード|確認コード|ワンタイムパスワード|"
    # zh (simplified and traditional): password, passphrase, verification/one-time codes
    r"密码|密碼|口令|验证码|驗證碼|校验码|校驗碼|动态码|動態碼|pin码|pin碼|"
    # th: password, PIN/ATM code, door code, wifi code
    r"รหัสผ่าน|พาสเวิร์ด|รหัส ?(?:pin|พิน|atm|เอทีเอ็ม|ประตู|wifi|wi-fi|ไวไฟ|otp)"
)
"""Password, PIN and one-time-code words of scripts written without spaces between words
(Chinese, Japanese, Thai) or with particles glued to them (Korean)."""

UNSPACED_ACCOUNT_WORDS = (
    r"계좌|口座|账号|賬號|帐号|帳號|账户|賬戶|帐户|帳戶|银行卡号|銀行卡號|เลขบัญชี|บัญชี"
)
"""Account words of the same scripts ("계좌번호는 …", "口座番号は…", "账号是…")."""

UNSPACED_NUMBER_WORDS = r"번호|番号|号码|號碼|号|號"
"""Words for "number" glued after an account word ("계좌번호", "口座番号")."""

UNSPACED_SEPARATORS = (
    # ko particles (topic, subject, object, "also"), ja particles, zh "is"/"set to",
    # th "is"
    r"은|는|이|가|을|를|도|は|が|も|を|"
    r"是|为|為|就是|改成|改为|改為|设为|設為|设置为|設置為|换成|換成|"
    r"คือ|เป็น"
)
"""What may stand between an unspaced word and its value besides signs (":", "：",
"=", "—"): Korean and Japanese particles, Chinese "is"/"set to", Thai "is"."""

UNSPACED_UNITS = (
    r"文字|桁|자리|글자|자|位|字|個|个|개|回|次|번|년|월|일|시|분|초|원|만|억|"
    r"年|月|日|天|周|週|号|號|時|时|分|秒|元|円|圓|万|萬|億|亿|人|명|岁|歳|살|"
    r"ตัว|หลัก|ปี|เดือน|วัน|บาท|คน|ครั้ง"
)
"""Counters and units glued after a number ("8文字", "10자리", "2023年", "500元"):
the number is a measure, a date or an amount, not a code."""

MONEY_WORDS = (
    r"(?i:eur|euros?|usd|dollars?|reais|real|pesos?|lire|kr|kronor|kroner|zł|zloty|chf|gbp|"
    r"pounds?|yen|rupees?|rs|руб(?:лей|ля|ль)?|грн|гривен|лв|лева|динара?|đồng|dong|vnđ|vnd|"
    r"rupiah|rp|ringgit|rm|baht|forint|ft|lei|kč|korun|ريال|درهم|جنيه|دينار|ليرة|שקל(?:ים)?|"
    r"रुपये|रुपए)(?!\w)"
)
"""Currency words after a number: an amount ("il conto era 125000 lire"), not an account."""
CURRENCY_SIGNS = r"[%€$£¥₹₩₽₫฿₪₴₺]"
"""Currency signs after a number: an amount."""

_PASSWORD_WORD = re.compile(
    rf"(?i)(?:{PASSWORD_WORDS}|{OTHER_SCRIPT_PASSWORD_WORDS}|{UNSPACED_PASSWORD_WORDS})"
)
_ACCOUNT_WORD = re.compile(
    rf"(?i)(?:{ACCOUNT_WORDS}|{OTHER_SCRIPT_ACCOUNT_WORDS}|{UNSPACED_ACCOUNT_WORDS})"
)
_PIN_WORD = re.compile(rf"(?i)(?:{PIN_WORDS})")
_CODE_WORD = re.compile(rf"(?i)(?:{WEAK_WORDS}|{OTHER_SCRIPT_WEAK_WORDS})")
_PLAIN_LABELS = frozenset({"password", "passcode", "passphrase", "pin code"})


def cue_label(cue: str) -> str:
    """The placeholder's label for a credential word: shorthand and words in other
    languages ("pw", "senha", "conta") are named in plain English, which is also what
    a question about them says ("what is my password?")."""
    word = " ".join(cue.lower().split())
    if word in _PLAIN_LABELS:
        return word
    if _PASSWORD_WORD.fullmatch(word):
        return "pin" if "pin" in word or _PIN_WORD.fullmatch(word) else "password"
    if _ACCOUNT_WORD.fullmatch(word):
        return "account number"
    if _CODE_WORD.fullmatch(word):
        return "code"
    return word
