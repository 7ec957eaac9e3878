"""The chat agent's prompts, loaded from agent files through :mod:`mirix_py._agents`.

There is one loader for every agent (write managers, chat, reflection); this
module only binds it to a config. Retrieved memories never go into the system
prompt; they travel in the human message inside ``<memories>`` delimiters (see
:mod:`mirix_py._chat.compose`).
"""

from __future__ import annotations

from mirix_py import _agents as agents
from mirix_py._agents import AgentSpec as AgentPrompt
from mirix_py._agents import parse_agent as parse_agent_file
from mirix_py._config import MirixConfig

__all__ = ["AgentPrompt", "load_agent", "parse_agent_file"]


def load_agent(config: MirixConfig, name: str) -> AgentPrompt:
    """The agent ``name`` from the configured agents folder (cached until the file changes)."""
    return agents.load_agent(config.agents_path(), name)
