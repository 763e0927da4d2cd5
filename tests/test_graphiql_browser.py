"""GraphiQL in Debian's headless chromium with the network off (tests/browser.py): the page
opens with the example query, runs it, and shows the regions that cite the regulation; every
request stays on 127.0.0.1 (GraphiQL's files come from web/graphiql, not a CDN)."""

from __future__ import annotations

from tests.browser import LiveServer, OfflinePage

EXAMPLE_POLICY = "重大行政决策程序暂行条例"
RESULT_PANE = ".graphiql-response"


def test_graphiql_runs_the_example_query_offline(
    offline_page: OfflinePage, live_server: LiveServer
) -> None:
    page = offline_page.page
    page.goto(live_server.url("/graphql"))
    editor = page.locator(".graphiql-query-editor")
    editor.wait_for()
    assert EXAMPLE_POLICY in editor.inner_text()
    page.locator(".graphiql-execute-button").click()
    result = page.locator(RESULT_PANE)
    result.get_by_text("海州区").first.wait_for()
    shown = result.inner_text()
    assert "锡林郭勒盟" in shown
    assert '"totalCount": 2' in shown
    offline_page.shot("graphiql-example-query")
    assert all(url.startswith(live_server.base_url) for url in offline_page.requests)
    offline_page.assert_offline()
