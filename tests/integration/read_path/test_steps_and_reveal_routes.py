"""A "what are the steps" question lists a procedure's steps in order, whatever layout
they were told in; a question about a hidden secret names the asking interface's own way
to reveal it (issue #17 items 4 and 6). Invented text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirix_py._chat.vault_answer import REVEAL_HINT, REVEAL_ROUTES, for_route
from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from mirix_py.errors import InvalidArgument
from tests.conftest import make_config
from tests.security._helpers import scan_folder

PASSPHRASE = "Quillon-Marsh-63"


@pytest.fixture
def system(tmp_path: Path, embeddings: object) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)  # type: ignore[arg-type]
    system.add(
        "Here's how to bleed the radiator. Step one: turn off the heating. Step two: open the "
        "valve with the key. Step three: close it when water appears.",
        user_id="uma",
    )
    system.add(
        "Closing the kiosk at night goes like this: lock the back door, then count the till, "
        "then set the alarm, and finally pull the shutter down.",
        user_id="uma",
    )
    system.add(f"Saving these:\n- photo admin (Lumenly): {PASSPHRASE}\n- tea at 4", user_id="uma")
    yield system
    system.close()


def test_the_steps_come_in_order(system: MemorySystem) -> None:
    text = system.chat("What are the steps to bleed the radiator?", user_id="uma").text
    steps = ["turn off the heating", "open the valve", "close it when water appears"]
    assert all(s in text for s in steps)
    assert [text.index(s) for s in steps] == sorted(text.index(s) for s in steps)
    text = system.chat("How do I close the kiosk at night?", user_id="uma").text
    steps = ["lock the back door", "count the till", "set the alarm", "pull the shutter down"]
    assert [text.index(s) for s in steps] == sorted(text.index(s) for s in steps)


QUESTION = "What is the admin password of my Lumenly photo site?"


def test_the_secret_is_nowhere_in_clear(system: MemorySystem, tmp_path: Path) -> None:
    assert scan_folder(tmp_path / "db", [PASSPHRASE]).hits == []
    shown = system.chat(QUESTION, user_id="uma", reveal_secrets=True).text
    assert PASSPHRASE in shown


@pytest.mark.parametrize("route", ["python", "cli", "mcp", "any"])
def test_an_answer_names_the_callers_reveal(system: MemorySystem, route: str) -> None:
    text = system.chat(QUESTION, user_id="uma", reveal_route=route).text  # type: ignore[arg-type]
    assert PASSPHRASE not in text
    assert "stored in the knowledge vault" in text
    assert REVEAL_ROUTES[route] in text
    others = [hint for name, hint in REVEAL_ROUTES.items() if name not in (route, "any")]
    assert not [hint for hint in others if hint in text and route != "any"]


def test_the_rest_answer_names_the_request_field(system: MemorySystem) -> None:
    with TestClient(
        create_app(system), client=("127.0.0.1", 40000), base_url="http://127.0.0.1:8765"
    ) as client:
        response = client.post("/v1/chat", json={"user_id": "uma", "message": QUESTION})
    assert response.status_code == 200, response.text
    text = response.json()["text"]
    assert PASSPHRASE not in text
    assert '"reveal_secrets": true' in text and "--reveal" not in text


def test_an_unknown_route_is_refused(system: MemorySystem) -> None:
    with pytest.raises(InvalidArgument, match="reveal_route"):
        system.chat(QUESTION, user_id="uma", reveal_route="fax")  # type: ignore[arg-type]


def test_for_route_leaves_other_answers_alone() -> None:
    assert for_route("Lisbon", "cli") == "Lisbon"
    assert for_route(f"Hidden. {REVEAL_HINT}", "cli") == f"Hidden. {REVEAL_ROUTES['cli']}"
