"""The chat agent's prompts, loaded from agent files (``agents/<name>.md``).

An agent file is Markdown with a YAML front matter (``name``, ``description``,
``tools``, ``memory_types``) followed by the system-prompt template. Templates
are filled at call time with :meth:`AgentPrompt.render`: only ``{placeholders}``
in the template are substituted, so braces inside user data are harmless.
Retrieved memories never go into the system prompt; they travel in the human
message inside ``<memories>`` delimiters (see :mod:`mirix_py.chat.compose`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mirix_py.config import MirixConfig
from mirix_py.errors import ConfigError

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class AgentPrompt:
    """One agent definition: its metadata and its system-prompt template."""

    name: str
    template: str
    description: str = ""
    tools: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def render(self, **values: str) -> str:
        """Fill ``{name}`` placeholders; unknown placeholders are left as they are."""
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.template)


def parse_agent_file(text: str, *, source: str = "<agent>") -> AgentPrompt:
    """Parse an agent file's front matter and body."""
    match = _FRONT.match(text)
    if not match:
        raise ConfigError(f"{source}: an agent file starts with a '---' YAML front matter block")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: the front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict) or not meta.get("name"):
        raise ConfigError(f"{source}: the front matter needs at least a 'name'")
    return AgentPrompt(
        name=str(meta["name"]),
        template=match.group(2).strip(),
        description=str(meta.get("description", "")),
        tools=tuple(str(t) for t in meta.get("tools") or ()),
        meta=meta,
    )


@lru_cache(maxsize=32)
def _load(path: Path, mtime_ns: int) -> AgentPrompt:
    return parse_agent_file(path.read_text(encoding="utf-8"), source=str(path))


def load_agent(config: MirixConfig, name: str) -> AgentPrompt:
    """The agent ``name`` from the configured agents folder (cached until the file changes)."""
    path = config.agents_path() / f"{name}.md"
    if not path.is_file():
        raise ConfigError(
            f"agent file {path} not found; memory.agents_dir must hold {name}.md "
            "(copy it from the shipped agents/ folder)"
        )
    return _load(path, path.stat().st_mtime_ns)
