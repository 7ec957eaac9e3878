"""LLM-mode cost: model calls and prompt tokens per 20-turn batch and per question.

Run: ``python -m benchmarks.llm_cost [--data PATH] [--routed 2] [--questions 5]``

A token-counting fake chat model stands in for the provider: it counts every
call and the prompt a provider would bill (all messages plus the bound tool
definitions as JSON; tokens ≈ characters / 4, the project's estimate) and
answers with a valid, minimal tool call (the router picks ``--routed`` managers;
managers call ``no_op``; single-pass records nothing; the chat agent plans one
store and answers citing [1]). Earlier sessions are ingested offline first, so
the measured batch sees existing memories as it would in production.

Aims (issue #13): single-pass ≤ 1 call and ≤ 6k prompt tokens per 20-turn batch;
routed ≤ 1 + routed managers; chat ≤ 2 calls per question.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from evals.datasets import Conversation, load_locomo
from mirix_py._config import LoggingConfig, load_config
from mirix_py._logging import configure_logging
from mirix_py._system import MemorySystem
from mirix_py.testing import ToolScript

DEFAULT_DATA = "/work/shared/data/locomo/locomo_dev.json"
SLICE = Path(__file__).resolve().parents[1] / "tests/data/locomo_slice.json"
BATCH = 20


@dataclass(frozen=True)
class Call:
    """One model call as the fake saw it."""

    tools: tuple[str, ...]
    prompt_tokens: int


class CountingModel(ToolScript):
    """A fake provider that counts calls and billed prompt tokens (see module docstring)."""

    routed: list[str] = Field(default_factory=lambda: ["core", "semantic"])
    log: list[Call] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "counting-fake"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, Any]:  # type: ignore[override]
        """Bind the tools as a provider would send them (OpenAI function format)."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def answer(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | None,
        **kwargs: Any,
    ) -> ChatResult:
        """A valid, minimal tool call for whichever agent is calling, counted."""
        self.prompts.clear()  # only the counts are kept
        tools = kwargs.get("tools") or []
        chars = sum(len(m.text) for m in messages) + len(json.dumps(tools))
        prompt = -(-chars // 4)
        names = tuple(t["function"]["name"] for t in tools)
        self.log.append(Call(names, prompt))
        name, args = self._answer(names)
        message = AIMessage(
            content="",
            tool_calls=[{"name": name, "args": args, "id": f"c{len(self.log)}"}],
            usage_metadata={
                "input_tokens": prompt,
                "output_tokens": 20,
                "total_tokens": prompt + 20,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _answer(self, names: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
        if "route_memory" in names:
            return "route_memory", {"memory_types": self.routed, "reason": "bench"}
        if "record_memories" in names:
            return "record_memories", {"reason": "bench"}
        if "TargetPlan" in names:
            return "TargetPlan", {"targets": [{"memory_type": "episodic", "query": "q"}]}
        if "ComposedAnswer" in names:
            return "ComposedAnswer", {"answer": "bench", "citations": [1]}
        return "no_op", {"reason": "bench"}


def _messages(conversation: Conversation, index: int) -> list[dict[str, Any]]:
    session = conversation.sessions[index]
    return [
        {
            "role": "user",
            "content": turn.text,
            "id": turn.id,
            "name": turn.speaker,
            **({"timestamp": session.timestamp} if session.timestamp else {}),
        }
        for turn in session.turns
        if turn.text.strip()
    ]


def _batch(conversation: Conversation, earlier: int) -> list[dict[str, Any]]:
    """The first 20 turns after ``earlier`` sessions (spilling into the next sessions)."""
    turns: list[dict[str, Any]] = []
    for index in range(earlier, len(conversation.sessions)):
        turns += _messages(conversation, index)
        if len(turns) >= BATCH:
            break
    return turns[:BATCH]


def measure(
    conversation: Conversation, *, mode: str, routed: list[str], questions: int, earlier: int
) -> dict[str, Any]:
    """Calls and prompt tokens of one 20-turn batch and of ``questions`` questions."""
    with tempfile.TemporaryDirectory(prefix="mirix-llm-cost-") as home:
        config = load_config("default", environ={}, home=home)
        offline = MemorySystem(config)
        for index in range(earlier):
            offline.add(_messages(conversation, index), user_id="bench")
        offline.close()
        model = CountingModel(routed=routed)
        llm = {"model": "fake:counting", "single_pass": mode == "single_pass"}
        config = load_config("default", environ={}, home=home, llm=llm)
        system = MemorySystem(config, chat_model=model)
        receipt = system.add(_batch(conversation, earlier), user_id="bench")
        batch = list(model.log)
        model.log.clear()
        answers = [
            system.chat(q.question, user_id="bench") for q in conversation.questions[:questions]
        ]
        asked = list(model.log)
        system.close()
    return {
        "mode": mode,
        "batch_calls": len(batch),
        "receipt_calls": receipt.llm_calls,
        "batch_prompt_tokens": sum(c.prompt_tokens for c in batch),
        "largest_prompt_tokens": max((c.prompt_tokens for c in batch), default=0),
        "questions": len(answers),
        "calls_per_question": len(asked) / max(1, len(answers)),
        "prompt_tokens_per_question": sum(c.prompt_tokens for c in asked) / max(1, len(answers)),
        "answer_calls_reported": [a.llm_calls for a in answers],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the cost table (JSON lines, then a Markdown summary)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--conversation", type=int, default=0)
    parser.add_argument("--earlier", type=int, default=2, help="sessions ingested offline first")
    parser.add_argument("--routed", default="core,semantic", help="managers the fake router picks")
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args(argv)
    configure_logging(LoggingConfig(level="WARNING"))
    path = Path(args.data) if Path(args.data).is_file() else SLICE
    conversation = load_locomo(path)[args.conversation]
    routed = [t for t in args.routed.split(",") if t]
    rows = [
        measure(
            conversation,
            mode=mode,
            routed=routed,
            questions=args.questions,
            earlier=min(args.earlier, len(conversation.sessions) - 1),
        )
        for mode in ("routed", "single_pass")
    ]
    for row in rows:
        print(json.dumps(row))
    print(f"\n`python -m benchmarks.llm_cost {shlex.join(sys.argv[1:])}` (data: {path.name})\n")
    print(
        "| mode | calls / 20-turn batch | prompt tokens / batch | calls / question "
        "| prompt tokens / question |"
    )
    print("|---|---|---|---|---|")
    for row in rows:
        label = f"routed ({len(routed)} managers)" if row["mode"] == "routed" else "single-pass"
        print(
            f"| {label} | {row['batch_calls']} | {row['batch_prompt_tokens']:,} "
            f"| {row['calls_per_question']:.1f} | {row['prompt_tokens_per_question']:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
