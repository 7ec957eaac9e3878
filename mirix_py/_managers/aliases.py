"""Short aliases for the ids a model must echo back, mapped to the real ids in code.

Memory ids are long (``m-<16 hex>``) and generated message ids are hashes; a model
asked to copy them mistypes one now and then, which invalidates the whole reply.
The prompt shows existing memories as ``[1]``, ``[2]`` … and input messages as
``[m1]``, ``[m2]`` … (or by their own ids when every one is already short);
:meth:`Aliases.resolve_args` maps the model's arguments back before they are
validated. Real ids are still accepted, so a model that copies them is not punished.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_SHORT_ID = 12
_TURN_KEYS = frozenset({"source_ids"})
_MEMORY_KEYS = frozenset({"memory_id", "old_id"})


def _clean(value: Any) -> str:
    """``"[m1]"``, ``" m1 "`` and ``1`` → ``"m1"`` / ``"1"``."""
    return str(value).strip().strip("[]").strip()


@dataclass(frozen=True)
class Aliases:
    """Alias ↔ id maps for one prompt's input messages and existing memories."""

    turns: dict[str, str] = field(default_factory=dict)
    memories: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, turn_ids: Sequence[str], memory_ids: Sequence[str] = ()) -> Aliases:
        """Aliases for these ids, in order (turn ids are kept when all are short)."""
        unique = list(dict.fromkeys(turn_ids))
        keep = all(len(t) <= _SHORT_ID and not t.isdigit() for t in unique)
        turns = {t: t for t in unique} if keep else {f"m{i}": t for i, t in enumerate(unique, 1)}
        memories = {str(i): m for i, m in enumerate(dict.fromkeys(memory_ids), 1)}
        return cls(turns=turns, memories=memories)

    def turn_alias(self, turn_id: str) -> str:
        """The alias shown for a message id."""
        for alias, real in self.turns.items():
            if real == turn_id:
                return alias
        return turn_id

    def memory_alias(self, memory_id: str) -> str:
        """The alias shown for a memory id."""
        for alias, real in self.memories.items():
            if real == memory_id:
                return alias
        return memory_id

    def turn(self, value: Any) -> str:
        """The real message id for an alias (or a real id); unknown values unchanged."""
        key = _clean(value)
        return self.turns.get(key, key)

    def memory(self, value: Any) -> str:
        """The real memory id for an alias (or a real id); unknown values unchanged."""
        key = _clean(value)
        return self.memories.get(key, key)

    def resolve_args(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Tool arguments with aliases replaced by real ids (nested lists too)."""
        out: dict[str, Any] = {}
        for key, value in args.items():
            if key in _TURN_KEYS and isinstance(value, list):
                out[key] = [self.turn(v) for v in value]
            elif key in _TURN_KEYS and isinstance(value, str | int):
                out[key] = [self.turn(value)]
            elif key in _MEMORY_KEYS and isinstance(value, str | int):
                out[key] = self.memory(value)
            elif isinstance(value, list):
                out[key] = [self.resolve_args(v) if isinstance(v, Mapping) else v for v in value]
            elif isinstance(value, Mapping):
                out[key] = self.resolve_args(value)
            else:
                out[key] = value
        return out


NO_ALIASES = Aliases()
