"""A scripted tool-calling chat model for the reflection agent (see :mod:`mirix_py.testing`)."""

from __future__ import annotations

from mirix_py.testing import ToolScript
from mirix_py.testing import tool_call as call
from mirix_py.testing import tool_reply as reply

__all__ = ["ToolScript", "call", "reply"]
