"""Tool and structured-output schemas every provider accepts.

OpenAI's strict mode rejects string length keywords (``minLength``,
``maxLength``), which pydantic emits for ``min_length``/``max_length``. Models
whose schemas go to a provider set ``json_schema_extra=provider_safe``: the
limits move into the field's description (the model still reads them) and
pydantic still enforces them when the arguments are validated.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

_LENGTH_WORDS = (("minLength", "at least {} characters"), ("maxLength", "at most {} characters"))


def provider_safe(schema: dict[str, Any], *_: Any) -> None:
    """Move string length limits of the model's own properties into their descriptions."""
    for prop in (schema.get("properties") or {}).values():
        for node in [prop, *(prop.get("anyOf") or [])]:
            notes = [text.format(node.pop(key)) for key, text in _LENGTH_WORDS if key in node]
            if notes:
                described = prop.get("description", "")
                extra = "; ".join(notes)
                prop["description"] = f"{described} ({extra})" if described else extra


PROVIDER_SAFE = ConfigDict(json_schema_extra=provider_safe)
"""A model config whose JSON schema every provider accepts (see the module docstring)."""
