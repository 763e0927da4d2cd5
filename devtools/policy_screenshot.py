"""The README's screenshot of the explorer's policy page, taken again from the bundled samples
(in Debian's headless chromium, with the network off, as the browser tests take theirs).

Example:
    $ python -m devtools.policy_screenshot [--policy TITLE] [--out docs/policy-page.png]
    docs/policy-page.png: 185 KB
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

from api.app import create_app
from config.settings import get_settings
from graph.memory import MemoryStore
from services.ingesting import ingest_files
from tests.browser import INSTALL_HINT, SAMPLES, launch, served

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1200, 1180  # the map, the curve and the citing reports


def screenshot(policy: str, out: Path) -> None:
    """Serve the samples, open ``policy``'s page and save what the window shows to ``out``."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit(f"policy_screenshot: no `chromium` on PATH: {INSTALL_HINT}")
    store = MemoryStore(data_dir=None)
    ingest_files(store, sorted(SAMPLES.glob("*.txt")), settings=get_settings())
    app = create_app(get_settings(store="memory", data_dir=None), store=store)
    with served(app) as server, sync_playwright() as driver:
        browser = launch(driver, executable)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
        page.goto(server.url("/policy/" + quote(policy, safe="")))
        for figure in ("map", "curve"):
            page.wait_for_selector(f"#{figure}[data-rendered='true']")
        page.screenshot(path=str(out))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot and say where it went and how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="重大行政决策程序暂行条例")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "policy-page.png")
    args = parser.parse_args(argv)
    screenshot(args.policy, args.out)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
