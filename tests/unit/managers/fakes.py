"""Test doubles for the LLM mode (they live in :mod:`mirix_py.testing`)."""

from __future__ import annotations

from mirix_py.testing import ScriptedToolModel, ToolScript
from mirix_py.testing import tool_call as call
from mirix_py.testing import tool_reply as reply

__all__ = ["ScriptedToolModel", "ToolScript", "call", "reply"]
