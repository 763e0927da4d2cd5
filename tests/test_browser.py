"""The browser test infrastructure itself (tests/browser.py): the served app answers in Debian's
chromium, Chinese text renders, and a request for another host is blocked and recorded."""

from __future__ import annotations

import subprocess

from tests.browser import INSTALL_HINT, LiveServer, OfflinePage


def test_the_served_app_answers_in_chromium(
    offline_page: OfflinePage, live_server: LiveServer
) -> None:
    response = offline_page.page.goto(live_server.url("/healthz"))
    assert response is not None
    assert response.status == 200
    assert '"ok"' in offline_page.page.content()
    assert offline_page.requests == [live_server.url("/healthz")]
    offline_page.assert_offline()


def test_a_request_for_another_host_is_blocked_and_recorded(
    offline_page: OfflinePage, live_server: LiveServer
) -> None:
    offline_page.expect_blocked = True
    offline_page.page.goto(live_server.url("/healthz"))
    outcome = offline_page.page.evaluate(
        "fetch('https://cdn.example.org/plotly.js').then(() => 'fetched', () => 'refused')"
    )
    assert outcome == "refused"
    assert offline_page.blocked == ["https://cdn.example.org/plotly.js"]


def test_a_cjk_font_is_installed_for_the_screenshots() -> None:
    """Without one, chromium draws Chinese as empty boxes (``make browser`` installs it)."""
    families = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert families.strip(), f"no font covers Chinese: {INSTALL_HINT}"
