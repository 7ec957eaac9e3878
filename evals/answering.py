"""The harness's answering step with an answer model (``--answer-model``).

Every system — mirix-py and each baseline alike — hands this answerer the context
it rendered for the question, so differences in answers come from what each
system put in its context, not from different prompts. Without an answer model
each system answers offline with mirix-py's extractive composer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from mirix_py._config import LLMConfig
from mirix_py._llm import resolve_chat_model

ANSWER_PROMPT_PATH = Path(__file__).parent / "prompts" / "answer.md"


@dataclass(frozen=True)
class ModelAnswer:
    """An answer model's reply and what it cost."""

    text: str
    tokens: int


def resolve_model(spec: str, option: str) -> BaseChatModel:
    """A chat model from a ``provider:model`` string given to ``option``."""
    model = resolve_chat_model(LLMConfig(model=spec, temperature=0.0))
    if model is None:
        raise SystemExit(f"{option} needs a provider:model string, got {spec!r}")
    return model


class ContextAnswerer:
    """Answers a question from a rendered context with one model call (temperature 0)."""

    def __init__(self, model: BaseChatModel, prompt: str | None = None) -> None:
        self._model = model
        self._prompt = prompt or ANSWER_PROMPT_PATH.read_text(encoding="utf-8")

    @classmethod
    def from_spec(cls, spec: str) -> ContextAnswerer:
        """An answerer from a ``provider:model`` string."""
        return cls(resolve_model(spec, "--answer-model"))

    def answer(self, question: str, context: str, asked_at: datetime | None) -> ModelAnswer:
        """Ask the model; the context goes inside ``<context>`` tags as data."""
        when = f"The question is asked on {asked_at:%d %B %Y}.\n\n" if asked_at else ""
        reply = self._model.invoke(
            [
                SystemMessage(self._prompt),
                HumanMessage(f"<context>\n{context}\n</context>\n\n{when}Question: {question}"),
            ]
        )
        usage = getattr(reply, "usage_metadata", None) or {}
        return ModelAnswer(
            text=str(reply.content).strip(), tokens=int(usage.get("total_tokens", 0))
        )
