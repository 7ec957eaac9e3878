"""The ``chat``, ``import``, ``export`` and ``stats`` commands on a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mirix_py._cli import main
from mirix_py._ids import derived_id


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path / "home"))
    return tmp_path


def test_import_text_then_chat(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcript = home / "talk.txt"
    transcript.write_text(
        "Ann: I just started a new job as a nurse in Lisbon.\n\n"
        "Bot: Congratulations!\n"
        "Ann: My beagle Biscuit loves the park.\n",
        encoding="utf-8",
    )
    assert "imported for ann" in _run(capsys, "import", "--user", "ann", str(transcript))
    out = _run(capsys, "chat", "--user", "ann", "What", "is", "Ann's", "job?")
    assert "nurse" in out.lower() and "[1]" in out
    data = json.loads(_run(capsys, "chat", "--user", "ann", "--json", "What is Ann's job?"))
    assert data["citations"] and data["context_tokens"] > 0


def test_interactive_chat_reads_questions_until_eof(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capsys, "add", "--user", "ann", "My", "beagle", "is", "called", "Biscuit")
    monkeypatch.setattr("sys.stdin", io.StringIO("What is my beagle called?\n\nexit\nignored\n"))
    out = _run(capsys, "chat", "--user", "ann")
    assert "Biscuit" in out and out.count("context tokens") == 1


def test_jsonl_conversation_import_and_export_round_trip(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = home / "conv.jsonl"
    lines = [
        {
            "type": "turn",
            "conversation": "c",
            "id": "t1",
            "speaker": "Ann",
            "session": "s1",
            "text": "I moved to Porto in March.",
            "timestamp": "2024-03-02T10:00:00Z",
        },
        {
            "type": "turn",
            "conversation": "c",
            "id": "t2",
            "speaker": "Bo",
            "session": "s1",
            "text": "How is Porto?",
            "timestamp": "2024-03-02T10:01:00Z",
        },
        {"type": "question", "conversation": "c", "id": "q1", "question": "?", "answer": "x"},
        {
            "role": "user",
            "name": "Ann",
            "content": "I adopted a cat named Pixel.",
            "timestamp": "2024-05-01T09:00:00Z",
            "id": "m3",
        },
    ]
    conversation.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    _run(capsys, "import", "--user", "ann", str(conversation))
    first = home / "first.jsonl"
    _run(capsys, "export", "--user", "ann", str(first))
    exported = [json.loads(x) for x in first.read_text(encoding="utf-8").splitlines()]
    assert exported and all(row["kind"] == "memory" for row in exported)
    assert {"t1", "t2", "m3"} <= {s for row in exported for s in row["record"]["source_ids"]}

    # In another home none of these ids is ann's, so each gets the id derived from
    # (ann, old id): the same records under new ids, whoever else holds the old ones.
    monkeypatch.setenv("MIRIX_PY_HOME", str(home / "other"))
    _run(capsys, "import", "--user", "ann", str(first))
    second = home / "second.jsonl"
    _run(capsys, "export", "--user", "ann", str(second))
    moved = [json.loads(x) for x in second.read_text(encoding="utf-8").splitlines()]
    renamed = {row["record"]["id"]: derived_id("ann", row["record"]["id"]) for row in exported}
    expected = [
        {**row, "record": {**row["record"], "id": renamed[row["record"]["id"]]}} for row in exported
    ]
    key = lambda row: row["record"]["id"]  # noqa: E731
    assert sorted(moved, key=key) == sorted(expected, key=key)
    stats = json.loads(_run(capsys, "stats", "--user", "ann", "--json"))
    assert stats["total"] == len(exported)

    # Back where they are ann's own, the ids are kept: export -> import -> export is identical.
    _run(capsys, "import", "--user", "ann", str(second))
    third = home / "third.jsonl"
    _run(capsys, "export", "--user", "ann", str(third))
    assert third.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_stats_and_errors(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "add", "--user", "ann", "I", "like", "tea")
    assert "total" in _run(capsys, "stats", "--user", "ann")
    assert "all users" in _run(capsys, "stats")
    bad = home / "bad.jsonl"
    bad.write_text("{not json}\n", encoding="utf-8")
    assert main(["import", "--user", "ann", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err
