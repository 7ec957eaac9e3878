"""Knowledge vault: verbatim sensitive items (credentials, numbers, addresses).

``secret_value`` is a :class:`pydantic.SecretStr`: it never appears in ``repr``,
logs, embeddings or rendered prompts; the store encrypts it at rest. Only the
``caption`` is embedded, indexed and rendered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr

from mirix_py.memory.base import MemoryRecord, MemoryType
from mirix_py.memory.extract_common import Turn, clip, norm_key, record_id, short_date

Sensitivity = Literal["low", "medium", "high"]


class KnowledgeVaultMemory(MemoryRecord):
    """A sensitive item; ``caption`` describes it without revealing it."""

    memory_type: ClassVar[MemoryType] = MemoryType.KNOWLEDGE_VAULT

    entry_type: str = Field(default="credential", max_length=64)
    source: str = ""
    sensitivity: Sensitivity = "high"
    secret_value: SecretStr
    caption: str = Field(min_length=1)

    def embed_text(self) -> str:
        """Only the caption and entry type: the secret is never embedded."""
        return f"{self.entry_type}: {self.caption}"

    def render(self, *, reveal: bool = False) -> str:
        """Caption only, unless ``reveal`` (an explicit owner request) or low sensitivity."""
        shown = reveal or self.sensitivity == "low"
        value = self.secret_value.get_secret_value() if shown else "«hidden»"
        return f"[{self.entry_type}, {self.sensitivity}] {self.caption}: {value}"

    def payload(self) -> dict[str, Any]:
        """Type-specific fields with the secret in clear; the store encrypts it."""
        data = super().payload()
        data["secret_value"] = self.secret_value.get_secret_value()
        return data


# --------------------------------------------------------------------------
# Offline rules: finding sensitive values, redacting them, vault entries.
# --------------------------------------------------------------------------


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
    check: str = ""  # "luhn", "iban", "phone", "digits5"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_SEP_VALUE = r"\s*(?:is|was|=|:|->)\s*[\"'“‘`]?"
_RULES: tuple[_Rule, ...] = (
    _Rule(
        _rx(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----"),
        "private_key",
        "private key",
        "high",
    ),
    _Rule(_rx(r"\bsk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{16,}"), "api_key", "API key", "high"),
    _Rule(
        _rx(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})"),
        "api_key",
        "GitHub token",
        "high",
    ),
    _Rule(_rx(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "api_key", "Slack token", "high"),
    _Rule(_rx(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "api_key", "AWS access key", "high"),
    _Rule(_rx(r"\bAIza[0-9A-Za-z_-]{35}"), "api_key", "Google API key", "high"),
    _Rule(_rx(r"\bglpat-[A-Za-z0-9_-]{20,}"), "api_key", "GitLab token", "high"),
    _Rule(_rx(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"), "api_key", "Stripe key", "high"),
    _Rule(
        _rx(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
        "api_key",
        "access token",
        "high",
    ),
    _Rule(
        _rx(
            r"(?i)\b(?:api[ _-]?key|access[ _-]?token|secret[ _-]?key|auth[ _-]?token|"
            r"bearer token|client[ _-]?secret|token)\b"
            + _SEP_VALUE
            + r"(?P<v>[A-Za-z0-9_\-./+=]{12,})"
        ),
        "api_key",
        "API key",
        "high",
    ),
    _Rule(
        _rx(
            r"(?i)\b(?P<cue>password|passcode|passwd|pwd|passphrase|pin(?: code| number)?|"
            r"door code|gate code|alarm code|lock code|security code|cvv|cvc)\b"
            r"(?:\s+(?:for|to|of|on)\s+(?:the\s+|my\s+|our\s+)?[\w' -]{1,30}?)?"
            + _SEP_VALUE
            + r"(?P<v>[^\s\"'”’`,;]{3,64})"
        ),
        "password",
        "password",
        "high",
    ),
    _Rule(
        _rx(r"-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]+?-----END PGP PRIVATE KEY BLOCK-----"),
        "private_key",
        "private key",
        "high",
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
            r"(?i)\b(?:(?:bank |checking |savings )?account|acct|routing|sort code|passport|"
            r"driver'?s licen[cs]e|licen[cs]e plate|social security|ssn|tax id|national id|"
            r"membership|policy|member id)"
            r"(?: number| no\.?| num| #| id)?"
            + _SEP_VALUE
            + r"(?P<v>[A-Z0-9][A-Z0-9 -]{3,24}[A-Z0-9])"
        ),
        "account_number",
        "account number",
        "high",
        check="digits5",
    ),
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
            + _SEP_VALUE
            + r"(?P<v>\+?\d[\d\s().-]{6,18}\d)"
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
            + _SEP_VALUE
            + r"(?P<v>[^.\n;!?]{8,120})"
        ),
        "address",
        "home address",
        "medium",
    ),
)

_QUICK = re.compile(r"\d|@|-----BEGIN|(?i:password|passcode|passphrase|token|key|secret|address)")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def _passes(rule: _Rule, value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    if rule.check == "luhn":
        return 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 1
    if rule.check == "iban":
        return _iban_ok(value)
    if rule.check == "phone":
        return 9 <= len(digits) <= 15 and not _DATE_LIKE.match(value.strip())
    if rule.check == "digits5":
        return len(digits) >= 5
    return True


def find_sensitive(text: str) -> list[SensitiveSpan]:
    """Sensitive values in ``text`` (credentials, keys, card/account numbers, ids,
    phone numbers, emails, addresses), non-overlapping, in text order.

    Conservative: patterns need a recognisable shape (checksums for card and
    IBAN numbers, enough digits for phone numbers) or an explicit cue word
    ("my password is …").
    """
    if not _QUICK.search(text):
        return []
    found: list[SensitiveSpan] = []
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span("v") if "v" in rule.pattern.groupindex else match.span()
            value = text[start:end]
            stripped = value.rstrip(".")
            end -= len(value) - len(stripped)
            if end <= start or not _passes(rule, stripped):
                continue
            label = rule.label
            if "cue" in rule.pattern.groupindex and match.group("cue"):
                label = match.group("cue").lower()
            found.append(SensitiveSpan(start, end, rule.entry_type, label, rule.sensitivity))
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
    """``text`` with every sensitive value replaced by a placeholder."""
    spans = find_sensitive(text)
    for span in reversed(spans):
        mark = placeholder(span, vault_enabled=vault_enabled)
        text = text[: span.start] + mark + text[span.end :]
    return text


def redact_values(text: str, values: Sequence[str]) -> str:
    """``text`` with each of ``values`` (known secrets) and detected secrets redacted."""
    for value in sorted({v for v in values if len(v) >= 4}, key=len, reverse=True):
        text = text.replace(value, "[stored in vault]")
    return redact(text)


def vault_entry_id(user_id: str, entry_type: str, value: str) -> str:
    """Content-keyed id: the same secret mentioned again maps to the same entry."""
    digest = hashlib.sha256(norm_key(value).encode("utf-8", "replace")).hexdigest()[:32]
    return record_id(user_id, MemoryType.KNOWLEDGE_VAULT, kind=f"{entry_type}:{digest}")


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[KnowledgeVaultMemory]:
    """One vault entry per sensitive value in the batch's raw messages.

    The caption names the owner and the redacted sentence it came from, never
    the value itself.
    """
    out: list[KnowledgeVaultMemory] = []
    for turn in turns:
        for span in find_sensitive(turn.content):
            value = span.value(turn.content)
            sentence = _sentence_around(turn.content, span.start, span.end)
            context = clip(redact(sentence), 200)
            out.append(
                KnowledgeVaultMemory(
                    id=vault_entry_id(user_id, span.entry_type, value),
                    user_id=user_id,
                    entry_type=span.entry_type,
                    source=f"conversation with {turn.speaker}, {short_date(turn.timestamp)}",
                    sensitivity=span.sensitivity,
                    secret_value=SecretStr(value),
                    caption=f"{turn.speaker}'s {span.label} (from: {context})",
                    occurred_at=turn.timestamp,
                    source_ids=[turn.id],
                )
            )
    return out


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns the vault (sensitive values found), or None."""
    kinds = sorted({s.label for t in turns for s in find_sensitive(t.content)})
    return f"sensitive values: {', '.join(kinds)}" if kinds else None


def dedupe_key(record: MemoryRecord) -> str | None:
    """Vault entries are content-keyed by id; no similarity merging."""
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()
