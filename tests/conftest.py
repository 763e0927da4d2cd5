"""Fixtures shared by the whole test suite. Keep this file small: fixtures used by one test file
belong in that file.

- ``neo4j_settings`` (session): ``Settings`` with ``store="neo4j"`` pointing at a live Neo4j —
  ``NEO4J_URI`` if set, else a testcontainers ``neo4j:5.26`` when Docker answers, else the local
  server of ``devtools.neo4j_local`` (see ``tests/neo4j_server.py``). Never skipped: if no server
  can be had, every test using it errors with the reason. Emptying the database between tests is
  up to the tests that write (``tests.neo4j_server.wipe_all_nodes``).
- ``live_server``, ``chromium``, ``offline_page``, ``samples_store``: the browser tests' app and
  headless chromium with the network off (``tests/browser.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import Settings
from tests.browser import chromium, live_server, offline_page, samples_store  # noqa: F401
from tests.neo4j_server import real_neo4j


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Settings]:
    """Settings for a live Neo4j, shared by the session (started once, cleaned up at the end)."""
    with real_neo4j() as settings:
        yield settings
