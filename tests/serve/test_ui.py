"""The memory browser over HTTP (no browser): sign-in, grouping, search, edit, forget, vault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.embeddings import Embeddings

from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.serve.conftest import ALICE_KEY, PAIR_KEY

TEXT = (
    "I adopted a beagle named Biscuit last week. My sister Maya lives in Oslo. "
    "My wifi password is hunter22-blue-sky"
)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _login(client: TestClient, key: str = ALICE_KEY, user: str = "alice") -> str:
    response = client.post("/ui/login", data={"api_key": key, "user_id": user})
    assert response.status_code == 200, response.text  # followed the redirect
    assert str(response.url).endswith("/ui/memories")
    return _csrf(response.text)


@pytest.fixture
def seeded(keyed_system: MemorySystem) -> MemorySystem:
    keyed_system.add(TEXT, user_id="alice")
    keyed_system.add("Bob's secret project is called Nightingale.", user_id="bob")
    return keyed_system


def test_sign_in_page_and_bad_keys(client: TestClient) -> None:
    page = client.get("/ui")
    assert page.status_code == 200 and '<label for="api-key">' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    wrong = client.post("/ui/login", data={"api_key": "x" * 30, "user_id": "alice"})
    assert wrong.status_code == 401 and "unknown API key" in wrong.text
    other = client.post("/ui/login", data={"api_key": ALICE_KEY, "user_id": "bob"})
    assert other.status_code == 403 and ALICE_KEY not in other.text
    assert client.get("/ui/memories", follow_redirects=False).headers["location"] == "/ui"


def test_memories_grouped_by_type_with_dates_and_sources(
    client: TestClient, seeded: MemorySystem
) -> None:
    _login(client)
    page = client.get("/ui/memories").text
    for title in ("Core", "Episodic", "Semantic", "Procedural", "Resources", "Knowledge vault"):
        assert f">{title} <span" in page
    assert "Biscuit" in page and "Oslo" in page
    assert "Nightingale" not in page  # bob's
    assert "<time datetime=" in page
    assert "from m-" not in page and "From user, " in page  # a snippet, not a raw id
    assert "“I adopted a beagle named Biscuit" in page
    assert "hunter22" not in page
    assert page.count("Reveal value") == 1


def test_search_history_edit_and_forget(client: TestClient, seeded: MemorySystem) -> None:
    csrf = _login(client)
    results = client.get("/ui/memories", params={"q": "Maya Oslo"}).text
    assert "Oslo" in results and "relevance" in results
    memory = next(r for r in seeded.get_all(user_id="alice") if "Oslo" in r.render())

    edit_page = client.get(f"/ui/memories/{memory.id}/edit")
    assert edit_page.status_code == 200 and "<textarea" in edit_page.text
    saved = client.post(
        f"/ui/memories/{memory.id}/edit", data={"csrf": csrf, "text": "Maya moved to Bergen"}
    )
    assert "was updated" in saved.text and "Bergen" in saved.text
    history = client.get(f"/ui/memories/{memory.id}/history").text
    assert "insert" in history and "update" in history and "Bergen" in history

    confirm = client.get(f"/ui/memories/{memory.id}/forget")  # asks first
    assert confirm.status_code == 200 and "Forget this memory?" in confirm.text
    assert "Bergen" in confirm.text and seeded.get(memory.id, user_id="alice")
    forgotten = client.post(f"/ui/memories/{memory.id}/forget", data={"csrf": csrf})
    assert "was forgotten" in forgotten.text and "Bergen" not in forgotten.text
    assert client.get("/ui/memories").text.count("Bergen") == 0
    assert client.get(f"/ui/memories/{memory.id}/edit").status_code == 404


def test_vault_reveal_is_explicit(client: TestClient, seeded: MemorySystem) -> None:
    csrf = _login(client)
    (item,) = seeded.get_all(user_id="alice", memory_type="knowledge_vault")
    assert client.get(f"/ui/memories/{item.id}/reveal").status_code == 405
    no_token = client.post(f"/ui/memories/{item.id}/reveal", data={"csrf": "forged"})
    assert no_token.status_code == 403 and "hunter22" not in no_token.text
    shown = client.post(f"/ui/memories/{item.id}/reveal", data={"csrf": csrf})
    assert shown.status_code == 200 and "hunter22-blue-sky" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert "hunter22" not in client.get(f"/ui/memories/{item.id}/history").text


def test_writes_need_the_csrf_token(client: TestClient, seeded: MemorySystem) -> None:
    _login(client)
    memory = seeded.get_all(user_id="alice")[0]
    assert client.post(f"/ui/memories/{memory.id}/forget", data={"csrf": "x"}).status_code == 403
    assert client.post("/ui/forget-all", data={"csrf": "x", "confirm": "yes"}).status_code == 403
    assert seeded.get(memory.id, user_id="alice").id == memory.id


def test_cannot_reach_another_users_memories(client: TestClient, seeded: MemorySystem) -> None:
    csrf = _login(client)
    bobs = seeded.get_all(user_id="bob")[0]
    assert client.get(f"/ui/memories/{bobs.id}/history").status_code == 404
    assert client.get(f"/ui/memories/{bobs.id}/edit").status_code == 404
    assert client.post(f"/ui/memories/{bobs.id}/forget", data={"csrf": csrf}).status_code == 404
    switched = client.post("/ui/switch", data={"csrf": csrf, "user_id": "bob"})
    assert switched.status_code == 403
    assert seeded.get(bobs.id, user_id="bob").id == bobs.id
    assert "Nightingale" not in client.get("/ui/memories").text


def test_switch_user_within_the_keys_scope(client: TestClient, seeded: MemorySystem) -> None:
    seeded.add("Carol plays the cello in an orchestra.", user_id="carol")
    csrf = _login(client, PAIR_KEY, "alice")
    page = client.post("/ui/switch", data={"csrf": csrf, "user_id": "carol"}).text
    assert "cello" in page and "Biscuit" not in page


def test_forget_everything_needs_confirmation(client: TestClient, seeded: MemorySystem) -> None:
    csrf = _login(client)
    refused = client.post("/ui/forget-all", data={"csrf": csrf})
    assert refused.status_code == 422 and seeded.get_all(user_id="alice")
    done = client.post("/ui/forget-all", data={"csrf": csrf, "confirm": "yes"})
    assert "Everything about this user was forgotten" in done.text
    assert seeded.get_all(user_id="alice") == []
    assert seeded.get_all(user_id="bob")  # nobody else's


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = _login(client)
    client.post("/ui/logout", data={"csrf": csrf})
    assert client.get("/ui/memories", follow_redirects=False).status_code == 303


def test_development_mode_signs_in_with_a_user_id_only(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    try:
        system.add("I grow tomatoes on my balcony.", user_id="dev")
        with TestClient(
            create_app(system), client=("127.0.0.1", 40000), base_url="http://127.0.0.1:8765"
        ) as local:
            page = local.get("/ui").text
            assert "Development mode" in page and "not needed in development mode" in page
            shown = local.post("/ui/login", data={"user_id": "dev"})
            assert shown.status_code == 200 and "tomatoes" in shown.text
    finally:
        system.close()


def _ranked(html: str) -> list[tuple[str, float]]:
    """(memory id, relevance) of the ranked search results, in page order."""
    return [
        (m.group(1), float(m.group(2)))
        for m in re.finditer(r'data-memory-id="([^"]+)" data-score="([0-9.]+)"', html)
    ]


def test_search_is_one_ranked_list_with_a_relevance_cut_off(
    client: TestClient, keyed_system: MemorySystem
) -> None:
    keyed_system.add(TEXT, user_id="alice")
    keyed_system.add(
        [f"On day {i} I went to the {place}." for i, place in enumerate(PLACES)], user_id="alice"
    )
    keyed_system.add(
        ["We are planning a trip to Kyoto in April.", "I booked a Kyoto hotel near Gion."],
        user_id="alice",
    )
    _login(client)
    page = client.get("/ui/memories", params={"q": "Kyoto trip"}).text
    ranked = _ranked(page)
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)  # best first, across types
    texts = [keyed_system.get(mid, user_id="alice").render() for mid, _ in ranked]
    assert texts and all("Kyoto" in t for t in texts), texts  # nothing unrelated
    assert "weaker match" in page and "show all matches" in page
    everything = _ranked(client.get("/ui/memories", params={"q": "Kyoto trip", "all": "1"}).text)
    assert len(everything) > len(ranked)
    assert 'class="type"' not in page  # not grouped by type


def test_long_lists_and_results_are_paged(client: TestClient, keyed_system: MemorySystem) -> None:
    keyed_system.add(
        [f"Note {i}: I bought {i} apples at the market." for i in range(45)], user_id="alice"
    )
    _login(client)
    first = client.get("/ui/memories", params={"type": "episodic"}).text
    second = client.get("/ui/memories", params={"type": "episodic", "offset": "20"}).text
    third = client.get("/ui/memories", params={"type": "episodic", "offset": "40"}).text
    ids = [re.findall(r'data-memory-id="([^"]+)"', p) for p in (first, second, third)]
    assert [len(x) for x in ids] == [20, 20, 5]
    assert len(set(ids[0]) | set(ids[1]) | set(ids[2])) == 45
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in third and 'rel="next"' not in third
    overview = client.get("/ui/memories").text
    assert "All episodic memories, page by page" in overview
    hits = client.get("/ui/memories", params={"q": "apples market"}).text
    assert len(_ranked(hits)) == 20 and 'rel="next"' in hits


def test_edit_box_hides_date_labels_and_keeps_them_on_save(
    client: TestClient, keyed_system: MemorySystem
) -> None:
    from datetime import UTC, datetime

    keyed_system.add(
        "I adopted a beagle yesterday.",
        user_id="alice",
        occurred_at=datetime(2023, 5, 8, 12, tzinfo=UTC),
    )
    (turn,) = [
        r
        for r in keyed_system.get_all(user_id="alice", memory_type="episodic")
        if r.origin == "raw"
    ]
    assert "[7 May 2023]" in turn.summary  # stored with its label (retrieval uses it)
    csrf = _login(client)
    form = client.get(f"/ui/memories/{turn.id}/edit").text
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)
    assert box and "I adopted a beagle yesterday." in box.group(1)
    assert "[7 May 2023]" not in box.group(1)
    client.post(f"/ui/memories/{turn.id}/edit", data={"csrf": csrf, "text": box.group(1)})
    assert "[7 May 2023]" in keyed_system.get(turn.id, user_id="alice").summary  # unchanged line


PLACES = ["market", "gym", "library", "office", "park", "cinema", "bakery", "station", "museum"]
