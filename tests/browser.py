"""Browser tests' fixtures: the real app on a free 127.0.0.1 port over the bundled samples, and
Debian's headless chromium (driven by playwright, no browser download) with the network off.

- ``samples_store`` (session): a :class:`~graph.memory.MemoryStore` holding ``samples/reports``,
  ingested through :func:`services.ingesting.ingest_files` as ``fazhi ingest`` does.
- ``live_server`` (session): :func:`api.app.create_app` over that store, served by uvicorn in a
  thread on a free port of 127.0.0.1; ``live_server.url("/policy/…")``.
- ``chromium`` (session): playwright's :class:`Browser` on the system chromium
  (``make browser`` installs it with the CJK fonts). Any host name but 127.0.0.1 resolves to
  nothing inside the browser itself (``--host-resolver-rules``), whatever asks for it.
- ``offline_page``: an :class:`OfflinePage` — a fresh page whose every request is recorded;
  one leaving 127.0.0.1 is blocked, and the test fails at teardown if there was any
  (``assert_offline()`` checks it earlier). ``shot(name)`` saves a screenshot under
  ``tests/artifacts/`` (gitignored); a last one named after the test is saved at teardown.

``tests/conftest.py`` imports them, so every test module can ask for them by name::

    def test_home(offline_page: OfflinePage, live_server: LiveServer) -> None:
        offline_page.page.goto(live_server.url("/"))
        offline_page.assert_offline()

Example:
    >>> is_local("http://127.0.0.1:8123/static/plotly.min.js"), is_local("https://unpkg.com/x")
    (True, False)
    >>> is_local("data:image/png;base64,AAAA")
    True
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from config.settings import get_settings

if TYPE_CHECKING:  # the app, the ingestion and playwright load only when a browser test runs
    import uvicorn
    from fastapi import FastAPI
    from playwright.sync_api import Browser, Page, Playwright, Request, Route, WebSocket

    from graph.memory import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "reports"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOST = "127.0.0.1"
# Schemes that never reach a network (inline data, the page's own objects, chromium's own pages).
OFFLINE_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-error", "devtools"})
# Inside chromium, every name but the local address resolves to nothing: a request playwright's
# routing does not see (a service worker's, chromium's own) cannot leave the machine either.
CHROMIUM_ARGS = (
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--no-first-run",
    "--font-render-hinting=none",
)
INSTALL_HINT = "install Debian's chromium and CJK fonts: `make browser` (as root) or " + (
    "`apt-get install chromium fonts-noto-cjk`"
)
STARTUP_TIMEOUT_S = 20.0


def is_local(url: str) -> bool:
    """Whether a request to ``url`` stays on this machine (127.0.0.1, or no network at all)."""
    parts = urlsplit(url)
    if parts.scheme in OFFLINE_SCHEMES:
        return True
    return parts.hostname == LOCAL_HOST


def chromium_path() -> str:
    """The system chromium, or a clear failure naming what to install."""
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(f"no `chromium` on PATH: {INSTALL_HINT}", pytrace=False)
    return found


def artifact_path(name: str) -> Path:
    """Where a screenshot called ``name`` goes (``tests/artifacts/NAME.png``, safe characters)."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "page"
    return ARTIFACTS / f"{safe}.png"


# --- the app, served for real --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The app answering on ``base_url`` (``http://127.0.0.1:PORT``)."""

    base_url: str

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path


@pytest.fixture(scope="session")
def samples_store() -> Iterator[MemoryStore]:
    """An in-memory store holding the bundled sample reports, ingested as ``fazhi ingest`` does."""
    from graph.memory import MemoryStore
    from services.ingesting import ingest_files

    store = MemoryStore(data_dir=None)
    summary = ingest_files(store, sorted(SAMPLES.glob("*.txt")), settings=get_settings())
    assert not summary.failed, summary.failed
    yield store
    store.close()


@pytest.fixture(scope="session")
def live_server(samples_store: MemoryStore) -> Iterator[LiveServer]:
    """The app over ``samples_store``, served by uvicorn on a free port of 127.0.0.1."""
    from api.app import create_app

    with served(create_app(get_settings(store="memory", data_dir=None), store=samples_store)) as s:
        yield s


@contextmanager
def served(app: FastAPI) -> Iterator[LiveServer]:
    """``app`` served by uvicorn in a thread on a free port of 127.0.0.1, until the block ends."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOCAL_HOST, 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    _wait_until_started(server, thread)
    try:
        yield LiveServer(f"http://{LOCAL_HOST}:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        sock.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start (see the log above)")
        time.sleep(0.02)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's headless chromium, driven by playwright (never a downloaded browser).

    One per test module, not per session: playwright's sync API keeps an event loop running
    in the main thread while it is open, and every later ``asyncio.run`` (the API and loader
    tests) would fail with "cannot be called from a running event loop".
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as driver:
        browser = launch(driver, executable)
        yield browser
        browser.close()


def launch(driver: Playwright, executable: str) -> Browser:
    """Headless chromium at ``executable``, unable to resolve any host but 127.0.0.1."""
    return driver.chromium.launch(
        executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
    )


@dataclass
class OfflinePage:
    """A browser page whose requests are all recorded; the non-local ones are blocked."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    expect_blocked: bool = False  # set by a test that checks the guard itself

    def route(self, route: Route, request: Request) -> None:
        """Let a local request through; block and record any other."""
        self.requests.append(request.url)
        if is_local(request.url):
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort("blockedbyclient")

    def websocket(self, socket: WebSocket) -> None:
        """Record a web socket (routing does not see them); a non-local one counts as blocked."""
        self.requests.append(socket.url)
        if not is_local(socket.url):
            self.blocked.append(socket.url)

    def assert_offline(self) -> None:
        """Fail, listing them, when any request tried to leave 127.0.0.1."""
        assert self.requests, "the page made no request at all"
        assert not self.blocked, f"requests left 127.0.0.1 (blocked): {self.blocked}"

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        """Save a screenshot ``tests/artifacts/NAME.png`` and return its path."""
        path = artifact_path(name)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def offline_page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[OfflinePage]:
    """A fresh page (zh-CN, 1280×900) with the network guard; checked again at teardown."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    offline = OfflinePage(context.new_page())
    context.route("**/*", offline.route)
    offline.page.on("websocket", offline.websocket)
    try:
        yield offline
        if offline.page.url.startswith("http"):
            offline.shot(request.node.name)
    finally:
        context.close()
    if not offline.expect_blocked:
        assert not offline.blocked, f"requests left 127.0.0.1 (blocked): {offline.blocked}"
