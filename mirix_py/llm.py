"""Chat-model resolution: ``provider:model`` strings resolved lazily via ``init_chat_model``."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from mirix_py.config import LLMConfig
from mirix_py.errors import ConfigError


def resolve_chat_model(config: LLMConfig) -> BaseChatModel | None:
    """The configured chat model, or None for offline mode.

    Provider packages are optional extras (``mirix-py[openai]`` …); a missing
    one is a :class:`ConfigError` saying which extra to install.
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
    try:
        model: BaseChatModel = init_chat_model(
            config.model,
            temperature=config.temperature,
            timeout=config.timeout_seconds,
            max_retries=config.max_retries,
        )
    except ImportError as exc:
        provider = config.model.split(":", 1)[0]
        raise ConfigError(
            f"llm.model {config.model!r}: the {provider} integration is not installed; "
            f"pip install 'mirix-py[{provider}]'"
        ) from exc
    return model
