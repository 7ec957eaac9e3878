"""DNS rebinding and cross-site forms against a development-mode server, in a real
headless Chromium (review issue #14, item 1).

Chromium's ``--host-resolver-rules`` maps the attacker's name ``rebind.test`` to
127.0.0.1, exactly what a rebinding DNS server does after the first load; the
attacker's page itself is served by Playwright's request routing. Skipped, with
the reason, only when Chromium cannot start.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings

from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.serve.conftest import running_server
from tests.serve.test_browser import CHROMIUM, FLAGS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.slow
ATTACKER = "rebind.test"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, with the attacker's name resolving to loopback."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test skipped: {CHROMIUM} is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    *FLAGS,
                    f"--host-resolver-rules=MAP {ATTACKER} 127.0.0.1",
                    # Chromium's own private-network checks would hide what the server
                    # does; other browsers have none, so the server must refuse by itself
                    "--disable-features=PrivateNetworkAccessRespectPreflightResults,"
                    "BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks,"
                    "PrivateNetworkAccessSendPreflights",
                ],
            )
        except Exception as exc:  # the only reason to skip: the browser cannot start
            pytest.skip(f"browser test skipped: Chromium could not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def dev_system(tmp_path: Path, embeddings: Embeddings) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    system.add("My sister Maya lives in Oslo. My bank PIN is 492163.", user_id="alice")
    yield system
    system.close()


STEAL = """<!doctype html><title>cute cats</title><pre id="out"></pre><script>
(async () => {
  const out = [];
  for (const [method, path] of [
      ["GET", "/v1/memories?user_id=alice"],
      ["GET", "/v1/export?user_id=alice&include_secrets=true"],
      ["DELETE", "/v1/memories?user_id=alice"]]) {
    try {
      const r = await fetch(path, {method});
      out.push({path, method, status: r.status, body: await r.text()});
    } catch (e) { out.push({path, method, error: String(e)}); }
  }
  document.getElementById("out").textContent = JSON.stringify(out);
})();
</script>"""


def _rebinding_attack(browser: Any, system: MemorySystem) -> list[dict[str, Any]]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    with running_server(create_app(system)) as url:
        port = url.rsplit(":", 1)[1]
        origin = f"http://{ATTACKER}:{port}"
        page.route(
            f"{origin}/cats.html",
            lambda route: route.fulfill(status=200, content_type="text/html", body=STEAL),
        )
        page.goto(f"{origin}/cats.html")
        page.wait_for_function("document.getElementById('out').textContent.length > 0")
        results: list[dict[str, Any]] = json.loads(page.locator("#out").text_content() or "[]")
    context.close()
    return results


def test_the_rebinding_attack_is_real_when_the_allow_list_is_off(
    browser: Any, tmp_path: Path, embeddings: Embeddings
) -> None:
    """Control: with ``allowed_hosts: ["*"]`` the page reads the memories (as before #14)."""
    config = make_config(tmp_path / "open", server={"allowed_hosts": ["*"]})
    system = MemorySystem(config, embeddings=embeddings)
    try:
        system.add("My sister Maya lives in Oslo.", user_id="alice")
        results = _rebinding_attack(browser, system)
    finally:
        system.close()
    assert results[0]["status"] == 200 and "Oslo" in results[0]["body"], results


def test_a_rebinding_page_cannot_read_or_wipe_memories(
    browser: Any, dev_system: MemorySystem
) -> None:
    results = _rebinding_attack(browser, dev_system)
    assert [r.get("status") for r in results] == [421, 421, 421], results
    assert not any("Oslo" in r.get("body", "") or "492163" in r.get("body", "") for r in results)
    assert dev_system.get_all(user_id="alice")  # nothing was wiped


FORM = """<!doctype html><title>win a prize</title>
<form id="f" method="post" action="{action}" enctype="{enctype}">
<input name="{name}" value='{value}'></form>
<script>document.getElementById("f").submit();</script>"""


@pytest.mark.parametrize(
    ("path", "enctype", "name", "value"),
    [
        ("/ui/login", "application/x-www-form-urlencoded", "user_id", "alice"),
        ("/v1/memories", "text/plain", '{"user_id": "alice", "messages": "planted", "x', '": 1}'),
    ],
)
def test_a_form_on_another_local_origin_cannot_sign_in_or_write(
    browser: Any, dev_system: MemorySystem, path: str, enctype: str, name: str, value: str
) -> None:
    before = len(dev_system.get_all(user_id="alice"))
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    with running_server(create_app(dev_system)) as url:
        attacker = "http://127.0.0.1:8999/prize.html"  # same site, another origin (port)
        body = FORM.format(action=f"{url}{path}", enctype=enctype, name=name, value=value)
        page.route(
            attacker, lambda route: route.fulfill(status=200, content_type="text/html", body=body)
        )
        with page.expect_navigation(url=f"{url}{path}") as nav:
            page.goto(attacker)
        response = nav.value
        status = response.status if response else None
        cookies = context.cookies(url)
    context.close()
    assert status == 403, status
    assert not cookies  # no session was planted
    assert len(dev_system.get_all(user_id="alice")) == before
