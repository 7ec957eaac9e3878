"""Words that announce a credential or an account number, in a few languages.

People write to an assistant in their own language and in shorthand ("new pw is …",
"senha: …", "conta 12.345-6"). These lists are the words, not the values: a value
after one of them still needs a value's shape (:mod:`mirix_py._memory.secrets`).
Each entry is a regular expression fragment, matched case-insensitively between
word boundaries.
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_WORDS",
    "COPULAS",
    "NUMBER_WORDS",
    "PASSWORD_WORDS",
    "PREPOSITIONS",
]

PASSWORD_WORDS = (
    # English shorthand
    r"pw|pwd|passwd|pass ?word|pass ?code|pass ?phrase|pin ?code|pin-code|pin (?:no\.?|nr\.?|#)|"
    # other languages: pt, es, fr, de, nl, it, sv/no/da, fi, pl, tr
    r"senha|contraseña|contrasena|mot de passe|mdp|passwort|kennwort|wachtwoord|"
    r"parola d'ordine|lösenord|losenord|passord|adgangskode|salasana|hasło|haslo|şifre|sifre|"
    r"código pin|codigo pin|code pin|pin-kode|pinkode|"
    # a PIN's name elsewhere: fr-CA "NIP", de "Geheimzahl"/"PIN-Nummer"
    r"nip|geheimzahl|pin-nummer"
)
"""Words after which a value with a secret's shape is a password or PIN."""

ACCOUNT_WORDS = (
    r"account|acct|a/c|conta(?: corrente| poupança)?|cuenta(?: corriente)?|compte(?: bancaire)?|"
    r"konto|kontonummer|kontonr|conto(?: corrente)?|rekening(?:nummer)?|rekeningnr|"
    r"bankrekening|tilinumero|numer konta|número de (?:conta|cuenta)|numero de (?:conta|cuenta)|"
    r"numéro de compte|numero di conto|n[º°o]\.? de (?:conta|cuenta|compte)"
)
"""Words after which a number with an account number's shape is one."""

NUMBER_WORDS = r"number|no\.?|nr\.?|n[º°o]\.?|#|num|nummer|número|numero|numéro"
"""Words that may follow an account word ("account no.", "Konto Nr.")."""

COPULAS = r"is|was|are|é|es|est|ist|è|är|e(?=\s+\S*\d)"
"""Verbs between a word and its value ("… is", "… é", "… ist"); signs (":", "=") apart.
An unaccented "e" (Romanian "is", Portuguese or Italian typed without accents) counts
only before a value holding a digit: in Italian it also means "and"."""

PREPOSITIONS = (
    r"for|to|of|on|at|in|into|de|da|do|du|des|del|della|di|la|al|für|fur|von|vom|van|voor|"
    r"för|pour|para|per"
)
"""Words that open a qualifier between a credential word and its value ("the PIN *for
the fuel card* is", "la senha *do portal* é", "pin *la cardul de motorina* e")."""
