"""``explain``, the CLI commands, accesses protecting memories, and the auto trigger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mirix_py._cli import main
from mirix_py._config import load_config
from mirix_py._consolidation import record_accesses, record_hit_accesses
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from tests.integration.consolidation.conftest import MakeSystem

T0 = datetime(2023, 5, 1, 9, tzinfo=UTC)


def _fill(system: MemorySystem, n: int, user: str = "u1") -> list[str]:
    """``n`` one-message sessions on consecutive days; returns the episode ids, oldest first."""
    for i in range(n):
        system.add(
            [{"role": "user", "name": "Ann", "content": f"Note {i}: topic {i}.", "id": f"m{i}"}],
            user_id=user,
            occurred_at=T0 + timedelta(days=i),
        )
    episodes = system.get_all(user_id=user, memory_type="episodic", limit=1000)
    return [e.id for e in sorted(episodes, key=lambda e: e.when)]


def test_explain_shows_score_policy_and_why_a_memory_was_archived(
    make_system: MakeSystem,
) -> None:
    system = make_system(retention={"caps": {"episodic": 10}, "headroom": 0.2})
    ids = _fill(system, 12)
    now = T0 + timedelta(days=30)
    before = system.explain(ids[0], user_id="u1", now=now)
    assert before.fades and before.current and not before.archived
    assert before.cap == 10 and before.active_count == 12
    assert before.score is not None and before.score.age_days == pytest.approx(30)

    report = system.consolidate(user_id="u1", now=now)

    assert sorted(report.ids("archived")) == sorted(ids[:4])  # the oldest: lowest scores
    after = system.explain(ids[0], user_id="u1", now=now)
    assert after.archived and not after.current and after.status == "archived"
    archived_into = {a.related_ids[0] for a in report.actions if a.memory_id == ids[0]}
    assert {after.archived_into} == archived_into
    assert "cap 10" in after.archive_reason and "importance 0.50" in after.archive_reason
    assert after.score is not None and after.archived_at is not None
    assert abs((after.score.at - after.archived_at).total_seconds()) < 60  # scored when archived
    text = after.render()
    assert "archived into" in text and "why: retention: score" in text
    summary = system.explain(str(after.archived_into), user_id="u1")
    assert summary.current and summary.origin == "derived" and "archive summary" in summary.policy
    assert summary.source_ids == ["m0", "m1", "m2", "m3"]


def test_core_and_vault_explain_that_they_never_fade(make_system: MakeSystem) -> None:
    system = make_system()
    system.add("I am a vegetarian. My PIN is 4321.", user_id="u1")
    for memory_type in (MemoryType.CORE, MemoryType.KNOWLEDGE_VAULT):
        (record,) = system.get_all(user_id="u1", memory_type=memory_type)
        explanation = system.explain(record.id, user_id="u1")
        assert not explanation.fades and explanation.score is None and explanation.cap is None
        assert "never fade" in explanation.policy


def test_recorded_accesses_keep_a_memory_from_fading(make_system: MakeSystem) -> None:
    system = make_system(retention={"caps": {"episodic": 10}, "headroom": 0.2})
    ids = _fill(system, 12)
    assert record_accesses(system.store, "u1", [ids[0], ids[0], "missing-id"]) == 1
    for _ in range(19):
        record_hit_accesses(system.store, "u1", [("episodic", ids[0]), ("semantic", "nope")])
    record_accesses(system.store, "u1", [ids[0]], memory_type=MemoryType.EPISODIC)
    assert system.get(ids[0], user_id="u1").access_count == 21
    report = system.consolidate(user_id="u1", now=T0 + timedelta(days=30))
    assert ids[0] not in report.ids("archived")
    assert sorted(report.ids("archived")) == sorted(ids[1:5])


def test_record_accesses_never_fails_a_read(make_system: MakeSystem) -> None:
    system = make_system()

    class Broken:
        def record_access(self, *args: object, **kwargs: object) -> int:
            raise RuntimeError("disk gone")

    assert record_accesses(Broken(), "u1", ["a"]) == 0  # type: ignore[arg-type]
    assert record_hit_accesses(Broken(), "u1", [("episodic", "a")]) == 0  # type: ignore[arg-type]
    assert record_accesses(system.store, "u1", []) == 0


def test_auto_consolidation_every_n_messages(make_system: MakeSystem) -> None:
    system = make_system(retention={"caps": {"episodic": 10}, "consolidate_every_n_messages": 5})
    _fill(system, 12)  # add() consolidated after messages 5 and 10; 2 are counted since
    assert system._auto_consolidate("u1", 2) is None  # 4 of 5
    report = system._auto_consolidate("u1", 1)
    assert report is not None and report.active_after["episodic"] <= 10
    off = make_system()
    assert off._auto_consolidate("u1", 10_000) is None


def test_cli_consolidate_and_explain(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    embeddings: CachedEmbeddings,
) -> None:
    config_file = tmp_path / "mirix.yaml"
    config_file.write_text(
        f"home: {tmp_path}\nretention:\n  caps:\n    episodic: 10\n", encoding="utf-8"
    )
    system = MemorySystem(load_config(str(config_file), environ={}), embeddings=embeddings)
    ids = _fill(system, 12, user="ann")
    system.close()
    capsys.readouterr()  # drop what was printed while filling

    assert main(["consolidate", "--config", str(config_file), "--user", "ann", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    archived = [a["memory_id"] for a in report["actions"] if a["action"] == "archived"]
    assert archived and set(archived) <= set(ids)
    assert report["active_after"]["episodic"] <= 10

    assert main(["explain", "--config", str(config_file), "--user", "ann", archived[0]]) == 0
    out = capsys.readouterr().out
    assert "archived into" in out and "cap 10" in out

    assert main(["consolidate", "--config", str(config_file), "--user", "ann", "--verbose"]) == 0
    assert "consolidated ann (offline)" in capsys.readouterr().out
    # no such memory for bob: exit 1 (the request failed; 2 is for a wrong command)
    assert main(["explain", "--config", str(config_file), "--user", "bob", archived[0]]) == 1
    assert "no memory" in capsys.readouterr().err


@pytest.mark.parametrize("count", [True, False])
def test_chat_counts_accesses_unless_configured_read_only(
    make_system: MakeSystem, count: bool
) -> None:
    system = make_system(chat={"count_accesses": count})
    system.add("Priya keeps her kayak at the marina in Tromsø.", user_id="u1")
    reply = system.chat("Where does Priya keep her kayak?", user_id="u1")
    shown = [m.memory_id for m in reply.retrieved if m.in_context]
    assert shown
    system._chat_deps.retriever.close()  # waits for the access notes submitted off the read path
    system.store.flush_accesses()
    counts = [system.get(memory_id, user_id="u1").access_count for memory_id in shown]
    if count:
        assert all(n == 1 for n in counts)
    else:
        assert counts == [0] * len(counts)
