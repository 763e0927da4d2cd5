"""The explorer in a real headless browser (Debian's chromium), with the network off: from the
search box to a policy's page, whose map, curve and citing reports with evidence are drawn.
Screenshots of each step go to tests/artifacts/."""

from __future__ import annotations

from typing import Any

from graph.memory import MemoryStore
from services.querying import run_named
from tests.browser import LiveServer, OfflinePage

TITLE = "重大行政决策程序暂行条例"
# The acceptance criterion of issue 10: the two sample reports citing the regulation.
EXPECTED_REGIONS = {"锡林郭勒盟", "海州区"}


def plotted(offline: OfflinePage, element_id: str) -> list[dict[str, Any]]:
    """The traces plotly drew into the element (x, y, mode, name of each), once it has."""
    offline.page.wait_for_selector(f"#{element_id}[data-rendered='true'] .main-svg")
    traces: list[dict[str, Any]] = offline.page.evaluate(
        f"""document.getElementById('{element_id}')._fullData.map(
              t => ({{x: Array.from(t.x || []), y: Array.from(t.y || []),
                     mode: t.mode, name: t.name}}))"""
    )
    return traces


def test_search_opens_the_policy_page_with_map_curve_and_evidence_offline(
    offline_page: OfflinePage, live_server: LiveServer, samples_store: MemoryStore
) -> None:
    page = offline_page.page
    page.goto(live_server.url("/"))
    offline_page.shot("explorer-1-home")
    page.locator("#home-search input[name='q']").fill(TITLE)
    page.locator("#home-search button[type='submit']").click()
    page.wait_for_url("**/search?q=*")
    offline_page.shot("explorer-2-search")

    page.locator("#search-results").get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url("**/policy/**")
    assert page.locator("h1").inner_text() == f"《{TITLE}》"

    citing = run_named(samples_store, "regions_citing_policy", {"policy": TITLE})
    assert {row["region_name"] for row in citing} == EXPECTED_REGIONS

    traces = plotted(offline_page, "map")
    outlines = [t for t in traces if t["mode"] == "lines"]
    assert len(outlines) == 1
    assert len(outlines[0]["x"]) > 1000  # the provinces' outlines, drawn
    points = [t for t in traces if "markers" in (t["mode"] or "")]
    assert len(points) == 1
    assert len(points[0]["x"]) == len(EXPECTED_REGIONS)  # one point per citing region
    assert page.locator("#map .scatterlayer .point").count() >= len(EXPECTED_REGIONS)

    curves = {t["name"]: t["y"] for t in plotted(offline_page, "curve")}
    assert curves["全部"][-1] == len(EXPECTED_REGIONS)  # the cumulative count reaches both
    assert page.locator("#curve .scatterlayer .trace").count() == len(curves)

    for region in EXPECTED_REGIONS:
        item = page.locator("#citations .citation", has=page.get_by_role("link", name=region))
        assert item.count() == 1, region
        evidence = item.locator("blockquote.evidence")
        assert evidence.count() >= 1, region
        assert evidence.first.locator("mark").inner_text() == TITLE
        assert evidence.first.is_visible()

    offline_page.shot("explorer-3-policy")
    offline_page.assert_offline()
    assert live_server.url("/static/plotly.min.js") in offline_page.requests


def test_a_region_page_links_back_to_the_policies_it_cites(
    offline_page: OfflinePage, live_server: LiveServer
) -> None:
    page = offline_page.page
    page.goto(live_server.url("/region/152500"))
    page.locator("#cited").get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url("**/policy/**")
    page.wait_for_selector("#map[data-rendered='true']")
    assert page.locator("#citations .citation").count() == len(EXPECTED_REGIONS)
    offline_page.assert_offline()
