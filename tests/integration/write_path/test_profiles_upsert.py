"""A profile is kept up to date across adds: found by its id and folded, not duplicated."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._memory import SemanticMemory
from mirix_py._memory.profiles import ACTIVITIES
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows

AT = datetime(2024, 3, 2, 18, 30, tzinfo=UTC)
LATER = datetime(2024, 4, 6, 10, 0, tzinfo=UTC)
FILLER = "Anyway that is the news from here, more soon."


def _profiles(system: object, user: str) -> list[SemanticMemory]:
    return [
        r
        for r in rows(system, user, "semantic")  # type: ignore[arg-type]
        if isinstance(r, SemanticMemory) and r.aspect == ACTIVITIES
    ]


def test_two_adds_fold_into_one_profile_with_both_sources(make_system: MakeSystem) -> None:
    system = make_system()
    first = [{"content": f"Hi Tomas! I went kayaking on the river. {FILLER}", "id": "a1",
              "name": "Priya"}]  # fmt: skip
    second = [{"content": f"Hey Tomas, I took up fencing at the club. {FILLER}", "id": "b1",
               "name": "Priya"}]  # fmt: skip
    system.add(first, user_id="u1", occurred_at=AT)
    system.add(second, user_id="u1", occurred_at=LATER)
    (profile,) = _profiles(system, "u1")
    assert profile.summary == "activities and hobbies: kayaking, fencing"
    assert profile.source_ids == ["a1", "b1"]
    assert profile.source == "kayaking=a1; fencing=b1"
