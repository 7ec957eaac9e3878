"""The pinned LLM judge: one call per answer, prompt in ``evals/prompts/judge.md``."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from mirix_py._config import LLMConfig
from mirix_py._llm import resolve_chat_model

JUDGE_PROMPT = (Path(__file__).parent / "prompts" / "judge.md").read_text(encoding="utf-8")


class Judge:
    """Grades answers CORRECT (1.0) or WRONG (0.0) with a chat model at temperature 0."""

    def __init__(self, model: BaseChatModel) -> None:
        self._model = model

    @classmethod
    def from_model(cls, spec: str) -> Judge:
        """A judge from a ``provider:model`` string."""
        model = resolve_chat_model(LLMConfig(model=spec, temperature=0.0))
        if model is None:
            raise ValueError("--judge-model needs a provider:model string")
        return cls(model)

    def grade(self, question: str, gold: str, answer: str) -> float:
        """1.0 if the judge says CORRECT, else 0.0."""
        reply = self._model.invoke(
            [
                SystemMessage(JUDGE_PROMPT),
                HumanMessage(
                    f"Question: {question}\nGold answer: {gold}\nAnswer to grade: {answer}"
                ),
            ]
        )
        verdict = str(reply.content).strip().upper()
        return 1.0 if verdict.startswith("CORRECT") else 0.0
