"""Every tool and structured-output schema, converted as the provider packages convert it,
checked against the providers' published rules (OpenAI strict mode included).

OpenAI strict mode (Structured Outputs): the root is an object; every object sets
``additionalProperties: false`` and lists all its properties in ``required``
(optional values are nullable); only a subset of keywords is supported (strings:
``pattern``, ``format``; numbers: bounds and ``multipleOf``; arrays: ``minItems``,
``maxItems``); ``$ref`` stands alone; at most 10 levels of nesting and 5,000
properties. Function names match ``^[a-zA-Z0-9_-]{1,64}$`` for OpenAI and Anthropic;
Anthropic wants an object ``input_schema``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from mirix_py._chat.models import ComposedAnswer, TargetPlan
from mirix_py._consolidation.reflection import TOOLS as REFLECTION_TOOLS
from mirix_py._managers.tools import manager_tools, route_tool, single_pass_tool
from mirix_py._memory import MemoryType

convert_openai = pytest.importorskip("langchain_openai.chat_models.base").convert_to_openai_tool
convert_anthropic = pytest.importorskip("langchain_anthropic.chat_models").convert_to_anthropic_tool

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
STRICT_KEYWORDS = {
    # structure
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum",
    "const", "$ref", "$defs", "definitions",
    # annotations
    "title", "description", "default",
    # strings, numbers, arrays
    "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minItems", "maxItems",
}  # fmt: skip
STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6"}
STRICT_FORMATS |= {"uuid"}


def _all_tools() -> dict[str, type[BaseModel]]:
    everything = tuple(MemoryType)
    tools: dict[str, type[BaseModel]] = {}
    for mtype in MemoryType:
        tools.update(manager_tools(mtype))
    tools["route_memory"] = route_tool(everything)
    tools["record_memories"] = single_pass_tool(everything)
    tools.update({"TargetPlan": TargetPlan, "ComposedAnswer": ComposedAnswer})
    tools.update(REFLECTION_TOOLS)
    return tools


TOOLS = _all_tools()


def _nodes(schema: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], int]]:
    """Every schema node with its object-nesting depth."""
    if isinstance(schema, dict):
        yield schema, depth
        nested = depth + (1 if schema.get("type") == "object" else 0)
        for key, value in schema.items():
            if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
                for sub in value.values():
                    yield from _nodes(sub, nested)
            elif key in ("items", "additionalProperties"):
                yield from _nodes(value, nested)
            elif key == "anyOf":
                for sub in value:
                    yield from _nodes(sub, nested)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_openai_strict_mode_accepts_the_schema(name: str) -> None:
    tool = convert_openai(TOOLS[name], strict=True)
    function = tool["function"]
    assert NAME.match(function["name"]) and function.get("description")
    params = function["parameters"]
    assert params["type"] == "object" and "anyOf" not in params
    properties = 0
    for node, depth in _nodes(params):
        assert depth <= 10, f"{name}: nested deeper than 10 levels"
        unsupported = set(node) - STRICT_KEYWORDS
        assert not unsupported, f"{name}: strict mode does not support {sorted(unsupported)}"
        if "$ref" in node:
            assert set(node) == {"$ref"}, f"{name}: $ref with siblings {sorted(node)}"
        if "format" in node:
            assert node["format"] in STRICT_FORMATS, f"{name}: format {node['format']}"
        if node.get("type") == "object" or "properties" in node:
            props = node.get("properties", {})
            properties += len(props)
            assert node.get("additionalProperties") is False, f"{name}: extra keys allowed"
            assert set(node.get("required", [])) == set(props), f"{name}: optional keys"
        if node.get("type") == "array":
            assert "maxItems" in node, f"{name}: list without max_length (small models loop)"
    assert properties <= 5000


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_openai_default_mode_and_anthropic_accept_the_schema(name: str) -> None:
    openai_tool = convert_openai(TOOLS[name])
    assert openai_tool["type"] == "function"
    assert NAME.match(openai_tool["function"]["name"])
    anthropic_tool = convert_anthropic(TOOLS[name])
    assert NAME.match(anthropic_tool["name"]) and anthropic_tool.get("description")
    assert anthropic_tool["input_schema"]["type"] == "object"
    assert "anyOf" not in anthropic_tool["input_schema"]
