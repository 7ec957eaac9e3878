"""Chat-model resolution: ``provider:model`` strings resolved lazily via ``init_chat_model``."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel

from mirix_py._config import LLMConfig
from mirix_py.errors import ConfigError


def resolve_chat_model(config: LLMConfig) -> BaseChatModel | None:
    """The configured chat model, or None for offline mode.

    Provider packages are optional extras (``mirix-py[openai]`` …); a missing
    one is a :class:`ConfigError` saying which extra to install. ``llm.base_url``
    points the provider at another endpoint (an OpenAI-compatible server for
    ``openai:…``); without it the provider's own variables apply
    (``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` …).
    """
    if config.model is None:
        return None
    try:
        from langchain.chat_models import (  # type: ignore[import-not-found,unused-ignore]
            init_chat_model,
        )
    except ImportError as exc:
        raise ConfigError(
            f"llm.model {config.model!r} needs the 'langchain' package: "
            "pip install 'mirix-py[openai]' (or [anthropic], [ollama])"
        ) from exc
    extra: dict[str, Any] = {}
    if config.base_url:
        extra["base_url"] = config.base_url
    if config.max_tokens:
        extra["max_tokens"] = config.max_tokens
    try:
        # the SDK's own retries are off: mirix-py retries provider faults itself
        # (bounded, with backoff, every attempt counted) before going offline
        model: BaseChatModel = init_chat_model(
            config.model,
            temperature=config.temperature,
            timeout=config.timeout_seconds,
            max_retries=0,
            **extra,
        )
    except ImportError as exc:
        provider = config.model.split(":", 1)[0]
        raise ConfigError(
            f"llm.model {config.model!r}: the {provider} integration is not installed; "
            f"pip install 'mirix-py[{provider}]'"
        ) from exc
    return model
