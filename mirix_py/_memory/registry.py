"""The memory-type registry: every per-type fact in one spec, one spec per type module.

Each memory type is one module (``mirix_py/_memory/<type>.py`` for the built-in
six, any importable module for a custom one) that defines its record model and
declares a :class:`MemoryTypeSpec` named ``SPEC``. Everything that treats types
alike (managers, tools, routing, chat context, answer scoring, store selection,
retention, clean-up, REST, UI, agent prompts) iterates :func:`specs` or asks
:func:`spec_of` instead of listing types itself.

A custom type is added by naming its module in the config
(``memory.type_modules``) and its name in ``memory.enabled``; importing the
module registers it (:func:`load_type_module`). Its manager prompt is the file
its spec names (``prompt``) or ``<type>_memory_manager.md`` in the agents folder.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirix_py._memory.base import (
    MemoryRecord,
    MemoryType,
    extend_memory_types,
    retract_memory_type,
)
from mirix_py._memory.people import known_stored_people, stored_people
from mirix_py._text import clip
from mirix_py.errors import ConfigError

if TYPE_CHECKING:
    from mirix_py._memory.extract_common import Turn

KeyFn = Callable[[MemoryRecord], str | None]
Summarise = Callable[[Sequence[MemoryRecord], dict[str, Any], int, str], MemoryRecord]
"""``(members in time order, common fields, chars per member line, date span) -> summary``."""


def summary_line_kept(record: MemoryRecord, per: int) -> bool:
    """Whether an archive summary's line of ``record`` (its ``summary`` clipped to
    ``per`` characters) keeps it whole."""
    text = str(getattr(record, "summary", ""))
    return clip(text, per) == clip(text, len(text) + 1)


def rendering_kept(record: MemoryRecord, per: int) -> bool:
    """Whether an archive summary's line of ``record`` (its rendering clipped to at
    least 200 characters) keeps it whole."""
    text = record.render()
    return clip(text, max(per, 200)) == clip(text, len(text) + 1)


def never_kept(record: MemoryRecord, per: int) -> bool:
    """For types whose archive summaries keep only titles: no member is kept whole."""
    return False


def no_key(record: MemoryRecord) -> str | None:
    """The key function of a type without near-duplicate or slot keys."""
    return None


def no_twins(record: MemoryRecord) -> list[str]:
    """The twins function of a type whose records state nothing from two sides."""
    return []


def never_detected(turns: Sequence[Turn]) -> str | None:
    """The detector of a type the offline router never chooses by itself."""
    return None


def nothing_extracted(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    """The offline extractor of a type written only by models (or by its own merge path)."""
    return []


def no_cue(cues: Any) -> bool:
    """The question cue of a type never forced into store selection."""
    return False


def record_text(record: Mapping[str, Any], fields: Sequence[str]) -> str:
    """The named fields of a stored record's JSON, joined (missing ones skipped)."""
    return " ".join(str(record[f]) for f in fields if record.get(f)).strip()


@dataclass(frozen=True, kw_only=True)
class MemoryTypeSpec:
    """Everything the rest of the system needs to know about one memory type."""

    name: str
    """The type's name: config, API, CLI and table name."""
    record: type[MemoryRecord]
    """The pydantic record model (its ``embed_text`` and ``render`` say what is indexed/shown)."""
    id_prefix: str
    """Two or three letters starting its deterministic record ids (``se-…``); unique."""
    title: str
    """Human title (UI, docs), e.g. ``"Semantic"``."""
    blurb: str
    """One line saying what it holds (UI)."""
    describe: str
    """What it holds, for the routing and store-selection prompts."""
    extract_hint: str
    """What to write for it, for the single-pass extraction prompt."""
    main_field: str
    """The field that holds its main text (UI snippets, ``update(id, "new text")``)."""
    evidence: Callable[[Mapping[str, Any]], str] | None = None
    """The text of a stored record (its JSON) answers are scored against (default:
    its ``main_field``)."""
    section: str | None = None
    """Title of its section in the chat context (``None``: its ``title``)."""
    in_context: bool = True
    """Whether its hits are shown in ``<memories>`` (core is shown apart, always)."""
    section_order: int = 100
    """Position of that section (lower first)."""
    detect: Callable[[Sequence[Turn]], str | None] = never_detected
    """Offline routing: why a batch concerns this type, or ``None`` (used when
    ``route_reason`` is not set)."""
    route_reason: Callable[[Sequence[MemoryRecord]], str | None] | None = None
    """Offline routing from the batch's extraction: why these records concern this
    type, or ``None``. With it the router reuses the one extraction of the batch
    (:func:`extract_batch`) instead of detecting separately."""
    extract: Callable[..., Sequence[MemoryRecord]] = nothing_extracted
    """Offline extraction: ``extract(turns, user_id=...)``."""
    dedupe_key: KeyFn = no_key
    """Near-duplicate key (merge on write, clean-up)."""
    slot_key: KeyFn = no_key
    """Single-valued slot key: a new value supersedes the old one."""
    twins: Callable[[MemoryRecord], Sequence[str]] = no_twins
    """The ids of records that state a record from its other side ("Rosa: is the user's
    nanny" for "User: nanny is Rosa"): retired with it when its slot gets a new value."""
    combine: Callable[[MemoryRecord, MemoryRecord], MemoryRecord | None] | None = None
    """How a new version of a stored record with the same id folds into it (a profile
    gathering items over time): ``combine(stored, new)``, the combined record or
    ``None`` when the pair does not combine (then the usual merge or update applies)."""
    always: bool = False
    """Route this type for every non-empty batch (the episodic turn log)."""
    cleaned: bool = False
    """Whether consolidation's clean-up merges its near-duplicates."""
    hidden_fields: frozenset[str] = frozenset()
    """Record fields the model tools never show or accept (set by the system)."""
    cue: Callable[[Any], bool] = no_cue
    """Offline store selection: force this store for a question's cues (``QuestionCues``)."""
    retention_cap: int | None = None
    """Default per-user cap on active records (``retention.caps.<name>`` overrides)."""
    fades: bool = True
    """Whether retention may archive it (core and the vault never fade)."""
    summarise: Summarise | None = None
    """How retention writes an archive summary of some of its records."""
    summary_cites: Callable[[MemoryRecord, int], bool] = rendering_kept
    """Whether an archive summary with ``per`` characters per member line keeps a
    member whole, so that it may cite the member's sources (default: its rendering)."""
    prompt: Path | None = None
    """Its manager agent file; ``None``: ``<name>_memory_manager.md`` in the agents folder."""
    derives: tuple[str, ...] = ()
    """Types consolidation may derive records of from this one (reflection)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Free-form notes for custom tooling; never read by the library."""

    @property
    def memory_type(self) -> MemoryType:
        """The type's :class:`MemoryType` member."""
        return MemoryType(self.name)

    def evidence_text(self, record: Mapping[str, Any]) -> str:
        """The text of a stored record (its JSON) that answers are scored against."""
        if self.evidence is not None:
            return self.evidence(record)
        return str(record.get(self.main_field, ""))


_SPECS: dict[str, MemoryTypeSpec] = {}


def register(spec: MemoryTypeSpec) -> MemoryTypeSpec:
    """Add ``spec`` to the registry (idempotent for the same spec); returns it."""
    if spec.record.memory_type.value != spec.name:
        raise ConfigError(
            f"memory type {spec.name!r}: its record model {spec.record.__name__} declares "
            f"memory_type {spec.record.memory_type.value!r}; make them the same"
        )
    clash = [n for n, s in _SPECS.items() if s.id_prefix == spec.id_prefix and n != spec.name]
    if clash:
        raise ConfigError(
            f"memory type {spec.name!r}: id_prefix {spec.id_prefix!r} is taken by {clash[0]!r}"
        )
    known = _SPECS.get(spec.name)
    if known is not None and known is not spec and known.record is not spec.record:
        raise ConfigError(f"memory type {spec.name!r} is already registered by another module")
    extend_memory_types(spec.name)
    _SPECS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Remove a custom type from the registry (for tests; built-in types stay)."""
    retract_memory_type(name)
    _SPECS.pop(name, None)
    _extracted.cache_clear()


def spec_of(memory_type: MemoryType | str) -> MemoryTypeSpec:
    """The spec of a registered type; :class:`ConfigError` naming the fix otherwise."""
    name = memory_type.value if isinstance(memory_type, MemoryType) else str(memory_type)
    try:
        return _SPECS[name]
    except KeyError:
        valid = ", ".join(_SPECS)
        raise ConfigError(
            f"unknown memory type {name!r}; registered: {valid} "
            "(a custom type's module must be listed in memory.type_modules)"
        ) from None


def specs(types: Sequence[MemoryType | str] | None = None) -> tuple[MemoryTypeSpec, ...]:
    """The specs of ``types`` (all registered types when ``None``), in registration order."""
    if types is None:
        return tuple(_SPECS.values())
    return tuple(spec_of(t) for t in types)


def registered_types() -> tuple[MemoryType, ...]:
    """Every registered type, in registration order."""
    return tuple(s.memory_type for s in _SPECS.values())


class RecordTypes(Mapping[MemoryType, type[MemoryRecord]]):
    """A live, read-only view ``memory type -> record model`` over the registry."""

    def __getitem__(self, key: MemoryType) -> type[MemoryRecord]:
        name = key.value if isinstance(key, MemoryType) else str(key)
        spec = _SPECS.get(name)
        if spec is None:
            raise KeyError(key)
        return spec.record

    def __iter__(self) -> Iterator[MemoryType]:
        return iter(registered_types())

    def __len__(self) -> int:
        return len(_SPECS)


_RUN: ContextVar[str | None] = ContextVar("mirix_write_run", default=None)


@contextmanager
def write_run(run_id: str, people: Sequence[str] = ()) -> Iterator[None]:
    """Within this block (one graph node of write run ``run_id``), offline extraction
    of the same batch is computed once and shared (:func:`extract_batch`), with
    ``people`` (names from the user's stored facts) known to its rules
    (:mod:`mirix_py._memory.people`)."""
    token = _RUN.set(run_id)
    try:
        with stored_people(people):
            yield
    finally:
        _RUN.reset(token)


@lru_cache(maxsize=64)
def _extracted(
    run_id: str, name: str, user_id: str, turns: tuple[Turn, ...], people: frozenset[str]
) -> tuple[MemoryRecord, ...]:
    return tuple(_SPECS[name].extract(turns, user_id=user_id))


def extract_batch(
    memory_type: MemoryType | str, turns: Sequence[Turn], *, user_id: str
) -> list[MemoryRecord]:
    """The type's offline extraction of one batch. Inside :func:`write_run` it is
    computed once per run and batch (the meta manager's early lookups, the type's
    manager and the core manager all ask) and handed out as copies, so no caller sees
    another's changes; outside, it is computed afresh."""
    spec = spec_of(memory_type)
    run_id = _RUN.get()
    if run_id is None:
        return list(spec.extract(turns, user_id=user_id))
    found = _extracted(run_id, spec.name, user_id, tuple(turns), known_stored_people())
    return [r.model_copy(deep=True) for r in found]


def detect_batch(
    memory_type: MemoryType | str, turns: Sequence[Turn], *, user_id: str
) -> str | None:
    """Why the batch concerns the type (offline routing), or ``None``. A type that
    routes from its extraction (``route_reason``) reuses the batch's one extraction."""
    spec = spec_of(memory_type)
    if spec.route_reason is None:
        return spec.detect(turns)
    return spec.route_reason(extract_batch(spec.name, turns, user_id=user_id))


def context_types() -> list[MemoryType]:
    """The types chat retrieves and shows in ``<memories>`` (all but core), in order."""
    return [s.memory_type for s in _SPECS.values() if s.in_context]


def load_type_module(path: str) -> MemoryTypeSpec:
    """Import the module ``path`` (dotted) and register the ``SPEC`` it declares."""
    try:
        module = importlib.import_module(path)
    except ImportError as exc:
        raise ConfigError(
            f"memory.type_modules: cannot import {path!r} ({exc}); give a dotted module path "
            "importable from the running process"
        ) from None
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, MemoryTypeSpec):
        raise ConfigError(f"memory.type_modules: module {path!r} declares no SPEC = MemoryTypeSpec")
    return register(spec)


def prompt_lines(types: Sequence[MemoryType | str], *, hint: str = "describe") -> str:
    """``- <name>: <describe>`` lines for agent prompts (``hint="extract_hint"`` for
    the single-pass extractor); prompts get them at render time as ``{memory_type_guide}``."""
    return "\n".join(f"- {s.name}: {getattr(s, hint)}" for s in specs(types))


__all__ = [
    "KeyFn",
    "MemoryTypeSpec",
    "RecordTypes",
    "Summarise",
    "context_types",
    "detect_batch",
    "extract_batch",
    "load_type_module",
    "no_cue",
    "no_key",
    "no_twins",
    "prompt_lines",
    "record_text",
    "register",
    "registered_types",
    "spec_of",
    "specs",
    "unregister",
    "write_run",
]
