"""The memory browser end to end in a real headless Chromium (Playwright, Debian's chromium).

Load, search, forget, and the forgotten memory is gone after a reload. Skipped,
with the reason, only when Chromium cannot start. With
``MIRIX_PY_UPDATE_SCREENSHOT=1`` the run also refreshes ``docs/memory-browser.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from mirix_py.errors import RecordNotFound
from tests.serve.conftest import ALICE_KEY, DEMO_CONVERSATION, running_server

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "memory-browser.png"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never Playwright's own browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test skipped: {CHROMIUM} is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        except Exception as exc:  # the only reason to skip: the browser cannot start
            pytest.skip(f"browser test skipped: Chromium could not start: {exc}")
        yield chromium
        chromium.close()


def test_load_search_forget_and_gone_after_reload(
    browser: Any, keyed_system: MemorySystem, tmp_path: Path
) -> None:
    keyed_system.add(DEMO_CONVERSATION, user_id="alice")
    keyed_system.add("Bob keeps his bike in the garage.", user_id="bob")
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(20_000)
    with running_server(create_app(keyed_system)) as url:
        # Load: sign in with a key and pick the user.
        page.goto(f"{url}/ui")
        page.get_by_label("API key").fill(ALICE_KEY)
        page.get_by_label("User id").fill("alice")
        page.get_by_role("button", name="Open memories").click()
        page.wait_for_url("**/ui/memories")
        assert page.get_by_role("heading", name="Memories", exact=True).is_visible()
        for section in ("Core", "Episodic", "Semantic", "Procedural", "Resources"):
            assert page.locator(f"#h-{_slug(section)}").is_visible(), section
        assert page.get_by_role("heading", name="Knowledge vault").is_visible()
        assert "hunter22" not in page.content() and "bike" not in page.content()
        page.screenshot(path=str(tmp_path / "memory-browser.png"), full_page=True)

        # Search.
        page.get_by_label("Search memories").fill("beagle Biscuit")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url("**/ui/memories?q=*")
        hit = page.locator("li.memory", has_text="Biscuit").first
        assert hit.is_visible()
        memory_id = hit.get_attribute("data-memory-id")
        assert memory_id

        # Reveal a vault value (explicit, owner only).
        page.goto(f"{url}/ui/memories?type=knowledge_vault")
        page.get_by_role("button", name="Reveal the value of:").first.click()
        assert page.locator("#secret-value").inner_text() == "hunter22-blue-sky"

        # Forget the search hit, then reload: it is gone (page and store).
        page.goto(f"{url}/ui/memories?q=beagle+Biscuit")
        item = page.locator(f'li.memory[data-memory-id="{memory_id}"]')
        item.get_by_role("link", name="Forget:").click()
        assert page.get_by_role("heading", name="Forget this memory?").is_visible()
        assert keyed_system.get(memory_id, user_id="alice")  # nothing forgotten yet
        page.get_by_role("button", name="Forget for good").click()
        assert page.get_by_role("status").inner_text() == "The memory was forgotten."
        page.reload()
        assert page.locator(f'li.memory[data-memory-id="{memory_id}"]').count() == 0
        page.goto(f"{url}/ui/memories?q=beagle+Biscuit")
        assert page.locator(f'li.memory[data-memory-id="{memory_id}"]').count() == 0
    context.close()
    with pytest.raises(RecordNotFound):
        keyed_system.get(memory_id, user_id="alice")
    if os.environ.get("MIRIX_PY_UPDATE_SCREENSHOT"):
        shutil.copyfile(tmp_path / "memory-browser.png", SCREENSHOT)


def _slug(section: str) -> str:
    return {"Resources": "resource"}.get(section, section.lower())


def test_search_ranks_cuts_off_and_pages(browser: Any, keyed_system: MemorySystem) -> None:
    """Search shows one ranked list (best first, weak matches hidden behind a link), and
    long lists page with Next/Previous."""
    keyed_system.add(DEMO_CONVERSATION, user_id="alice")
    keyed_system.add(
        [f"Note {i}: I bought {i} apples at the Kyoto market." for i in range(25)],
        user_id="alice",
    )
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(20_000)
    with running_server(create_app(keyed_system)) as url:
        page.goto(f"{url}/ui")
        page.get_by_label("API key").fill(ALICE_KEY)
        page.get_by_label("User id").fill("alice")
        page.get_by_role("button", name="Open memories").click()
        page.wait_for_url("**/ui/memories")

        page.get_by_label("Search memories").fill("apples at the Kyoto market")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url("**/ui/memories?q=*")
        results = page.get_by_role("list", name="Search results").locator("li.memory")
        scores = [float(s) for s in results.evaluate_all("els => els.map(e => e.dataset.score)")]
        assert len(scores) == 20 and scores == sorted(scores, reverse=True)
        assert all("apples" in t for t in results.locator("p.text").all_inner_texts())
        assert page.locator("section.type").count() == 0  # not grouped by type
        first_page = set(results.evaluate_all("els => els.map(e => e.dataset.memoryId)"))

        page.get_by_role("link", name="Next →").click()
        page.wait_for_url("**offset=20*")
        rest = page.get_by_role("list", name="Search results").locator("li.memory")
        second_page = set(rest.evaluate_all("els => els.map(e => e.dataset.memoryId)"))
        assert second_page and not second_page & first_page
        assert page.get_by_role("link", name="← Previous").is_visible()

        page.goto(f"{url}/ui/memories?type=episodic")
        assert page.locator("li.memory").count() == 20
        page.get_by_role("link", name="Next →").click()
        page.wait_for_url("**offset=20*")
        assert 1 <= page.locator("li.memory").count() <= 20
    context.close()


def _offline(context: Any, blocked: list[str]) -> None:
    """Abort every request that leaves loopback (as without internet), and record it."""

    def route(r: Any) -> None:
        host = r.request.url.split("/")[2].split(":")[0]
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)


def test_api_docs_render_offline(browser: Any, keyed_system: MemorySystem) -> None:
    """/docs (Swagger UI) and /redoc render from bundled assets with no internet."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    blocked: list[str] = []
    _offline(context, blocked)
    page = context.new_page()
    page.set_default_timeout(30_000)
    with running_server(create_app(keyed_system)) as url:
        page.goto(f"{url}/docs")
        page.locator(".swagger-ui .info .title").wait_for()
        assert "mirix-py" in page.locator(".swagger-ui .info .title").inner_text()
        page.locator(".opblock-summary-path", has_text="/v1/memories").first.wait_for()
        assert page.locator(".opblock").count() >= 10
        assert blocked == [], f"/docs asked the internet for {blocked}"
        page.goto(f"{url}/redoc")
        page.get_by_role("heading", name="mirix-py").first.wait_for()
        page.get_by_text("/v1/memories", exact=False).first.wait_for()
    context.close()
    # ReDoc renders fully offline; only its "Redocly" footer logo is an external image.
    assert all(u.endswith((".svg", ".png")) for u in blocked), blocked
