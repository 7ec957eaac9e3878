"""Agent definitions as data: one Markdown file per agent in ``agents/``.

A file starts with a YAML front matter block and continues with the system-prompt
template::

    ---
    name: semantic_memory_manager
    memory_type: semantic
    tools: [insert, update, supersede, delete, no_op]
    description: Keeps facts about people, places and things.
    task: Update semantic memory for the input above by calling your tools.
    retry: "Some tool calls were invalid: {errors}. Send the corrected calls again."
    ---
    You manage semantic memory. Today is {date}. ...

Templates are filled at call time by :meth:`AgentSpec.render`: only
``{lowercase_names}`` are substituted, in one pass, so braces inside user data
are never interpreted. The folder is ``memory.agents_dir`` in the config (the
shipped ``agents/`` folder by default), so users can supply their own prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mirix_py._memory.base import MemoryType
from mirix_py._memory.registry import spec_of
from mirix_py.errors import ConfigError

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
MANAGER_TOOLS = ("insert", "update", "supersede", "delete", "no_op")
META_MANAGER = "meta_memory_manager"
SINGLE_PASS_MANAGER = "single_pass_memory_manager"


@dataclass(frozen=True)
class AgentSpec:
    """One agent: its name, role, tools, memory type and system-prompt template."""

    name: str
    description: str
    template: str
    memory_type: MemoryType | None = None
    tools: tuple[str, ...] = ()
    task: str = ""
    retry: str = ""
    source: str = "<agent>"
    meta: dict[str, Any] = field(default_factory=dict)

    def render(self, **values: str) -> str:
        """Fill ``{name}`` placeholders in the template; unknown ones are left as they are."""
        return _fill(self.template, values)

    def render_task(self, **values: str) -> str:
        """The human-turn instruction from the front matter's ``task``."""
        return _fill(self.task, values)

    def render_retry(self, **values: str) -> str:
        """The retry instruction from the front matter's ``retry``."""
        return _fill(self.retry, values)

    def placeholders(self) -> set[str]:
        """The placeholder names the template uses."""
        return set(_PLACEHOLDER.findall(self.template))


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def parse_agent(text: str, *, source: str = "<agent>") -> AgentSpec:
    """Parse one agent file; raises :class:`ConfigError` naming the file and the problem."""
    match = _FRONT.match(text)
    if not match:
        raise ConfigError(f"{source}: an agent file starts with a '---' YAML front matter block")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: the front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ConfigError(f"{source}: the front matter must be a mapping of keys")
    for key in ("name", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ConfigError(f"{source}: the front matter needs a non-empty '{key}'")
    memory_type: MemoryType | None = None
    if meta.get("memory_type") is not None:
        try:
            memory_type = MemoryType(meta["memory_type"])
        except ValueError:
            valid = ", ".join(t.value for t in MemoryType)
            raise ConfigError(
                f"{source}: memory_type {meta['memory_type']!r} is not one of: {valid}"
            ) from None
    tools = meta.get("tools") or []
    if not isinstance(tools, list) or not all(isinstance(t, str) for t in tools):
        raise ConfigError(f"{source}: 'tools' must be a list of tool names")
    if memory_type is not None:
        unknown = [t for t in tools if t not in MANAGER_TOOLS]
        if unknown:
            raise ConfigError(
                f"{source}: unknown manager tools {unknown}; choose from {list(MANAGER_TOOLS)}"
            )
    return AgentSpec(
        name=meta["name"].strip(),
        description=" ".join(meta["description"].split()),
        template=match.group(2).strip(),
        memory_type=memory_type,
        tools=tuple(tools),
        task=str(meta.get("task") or "").strip(),
        retry=str(meta.get("retry") or "").strip(),
        source=source,
        meta=meta,
    )


@lru_cache(maxsize=64)
def _load_file(path: Path, mtime_ns: int) -> AgentSpec:
    return parse_agent(path.read_text(encoding="utf-8"), source=str(path))


def load_agent(directory: Path, name: str) -> AgentSpec:
    """The agent ``name`` from ``directory`` (cached until the file changes)."""
    path = directory / f"{name}.md"
    if not path.is_file():
        raise ConfigError(
            f"agent file {path} not found; memory.agents_dir must hold {name}.md "
            "(copy it from the shipped agents/ folder)"
        )
    return _load_file(path, path.stat().st_mtime_ns)


def manager_agent_name(memory_type: MemoryType) -> str:
    """The file name (without ``.md``) of a memory type's manager agent."""
    return f"{memory_type.value}_memory_manager"


def load_write_agents(
    directory: Path, memory_types: tuple[MemoryType, ...]
) -> dict[str, AgentSpec]:
    """The meta manager, single-pass manager and one manager per enabled type.

    A type's manager file is the one its spec names (``prompt``), else
    ``<type>_memory_manager.md`` in ``directory``.

    Checks each manager names its memory type and carries ``task`` and ``retry``
    instructions, so a broken custom prompt folder fails at build time.
    """
    agents = {name: load_agent(directory, name) for name in (META_MANAGER, SINGLE_PASS_MANAGER)}
    for memory_type in memory_types:
        name = manager_agent_name(memory_type)
        prompt = spec_of(memory_type).prompt
        agents[name] = (
            load_agent(directory, name)
            if prompt is None
            else load_agent(prompt.parent, prompt.name.removesuffix(".md"))
        )
    for memory_type in memory_types:
        spec = agents[manager_agent_name(memory_type)]
        if spec.memory_type is not memory_type:
            raise ConfigError(f"{spec.source}: memory_type must be {memory_type.value!r}")
    for spec in agents.values():
        for key in ("task", "retry"):
            if not getattr(spec, key):
                raise ConfigError(f"{spec.source}: the front matter needs a '{key}' instruction")
    return agents
