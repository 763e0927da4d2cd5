"""The test Neo4j is real: queries round-trip, the cjk full-text analyzer reads Chinese, the local
server starts idempotently, and a wrong password is refused."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from config.settings import Settings, get_settings
from devtools import neo4j_local
from tests.neo4j_server import (
    STARTED_BY_TESTS,
    local_server_for_session,
    open_driver,
    should_stop,
    wipe_all_nodes,
)

pytestmark = pytest.mark.neo4j

DOC_LABEL = "Neo4jServerTestDoc"
CJK_INDEX = "neo4j_server_test_cjk"


def test_a_query_round_trips(neo4j_settings: Settings) -> None:
    with open_driver(neo4j_settings) as driver:
        records = driver.execute_query(
            f"CREATE (d:{DOC_LABEL} {{title: $title}}) RETURN d.title AS title",
            title="法治政府建设年度报告",
            database_=neo4j_settings.neo4j_database,
        ).records
        driver.execute_query(
            f"MATCH (d:{DOC_LABEL}) DETACH DELETE d", database_=neo4j_settings.neo4j_database
        )
    assert [r["title"] for r in records] == ["法治政府建设年度报告"]


@pytest.fixture
def cjk_docs(neo4j_settings: Settings) -> Iterator[Settings]:
    """Two documents under a cjk full-text index, removed (with the index) afterwards."""
    database = neo4j_settings.neo4j_database
    with open_driver(neo4j_settings) as driver:
        driver.execute_query(
            f"CREATE FULLTEXT INDEX {CJK_INDEX} IF NOT EXISTS FOR (d:{DOC_LABEL}) ON EACH [d.text] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
            database_=database,
        )
        driver.execute_query(
            f"UNWIND $texts AS text CREATE (:{DOC_LABEL} {{text: text}})",
            texts=["深入推进依法行政，加快建设法治政府", "全面推行双随机一公开监管"],
            database_=database,
        )
        driver.execute_query("CALL db.awaitIndexes(60)", database_=database)
        yield neo4j_settings
        driver.execute_query(f"DROP INDEX {CJK_INDEX} IF EXISTS", database_=database)
        driver.execute_query(f"MATCH (d:{DOC_LABEL}) DETACH DELETE d", database_=database)


def _fulltext_hits(settings: Settings, query: str) -> list[str]:
    with open_driver(settings) as driver:
        records = driver.execute_query(
            "CALL db.index.fulltext.queryNodes($index, $query) YIELD node RETURN node.text AS text",
            index=CJK_INDEX,
            query=query,
            database_=settings.neo4j_database,
        ).records
    return [r["text"] for r in records]


def test_cjk_fulltext_index_finds_chinese_words(cjk_docs: Settings) -> None:
    assert _fulltext_hits(cjk_docs, "法治政府") == ["深入推进依法行政，加快建设法治政府"]
    assert _fulltext_hits(cjk_docs, "监管") == ["全面推行双随机一公开监管"]
    assert _fulltext_hits(cjk_docs, "环境保护") == []


def test_a_wrong_password_is_refused(neo4j_settings: Settings) -> None:
    # Short driver timeouts: a server that hangs instead of refusing fails with another error.
    auth = (neo4j_settings.neo4j_user, "not-the-password")
    driver = GraphDatabase.driver(
        neo4j_settings.neo4j_uri,
        auth=auth,
        connection_timeout=5.0,
        connection_acquisition_timeout=10.0,
    )
    with driver, pytest.raises(AuthError):
        driver.verify_connectivity()


def test_wipe_all_nodes_empties_the_database(neo4j_settings: Settings) -> None:
    with open_driver(neo4j_settings) as driver:
        driver.execute_query(
            f"CREATE (:{DOC_LABEL}), (:{DOC_LABEL})", database_=neo4j_settings.neo4j_database
        )
    assert wipe_all_nodes(neo4j_settings) >= 2
    with open_driver(neo4j_settings) as driver:
        count = driver.execute_query(
            "MATCH (n) RETURN count(n) AS n", database_=neo4j_settings.neo4j_database
        ).records[0]["n"]
    assert count == 0


def _throwaway_server(tmp_path: Path, heap: str) -> neo4j_local.LocalServer:
    """A server home in ``tmp_path`` that shares the project's jars (fetched if needed)."""
    shared = neo4j_local.LocalServer()
    neo4j_local.fetch_if_needed(shared)
    server = neo4j_local.LocalServer(home=tmp_path / "neo4j", heap=heap)
    server.home.mkdir()
    (server.home / "lib").symlink_to(shared.lib, target_is_directory=True)
    return server


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[neo4j_local.LocalServer, Settings]]:
    """The project's local server when it runs (as it does when the session uses it); else a
    throwaway one in ``tmp_path`` on a free port (an external server may own 7687), sharing the
    project's jars, stopped afterwards."""
    running = neo4j_local.running_server()
    if running is not None:
        yield neo4j_local.LocalServer(), get_settings(neo4j_uri=f"bolt://127.0.0.1:{running.port}")
        return
    server = _throwaway_server(tmp_path, heap="512m")
    yield server, get_settings(neo4j_uri=f"bolt://127.0.0.1:{neo4j_local.free_port()}")
    assert neo4j_local.stop(server=server)
    assert neo4j_local.running_server(server) is None


def test_local_start_is_idempotent(
    local_server: tuple[neo4j_local.LocalServer, Settings],
) -> None:
    server, settings = local_server
    first = neo4j_local.ensure_running(settings, server=server)
    pid = neo4j_local.running_server(server)
    second = neo4j_local.ensure_running(settings, server=server)
    assert second == first
    assert neo4j_local.running_server(server) == pid
    assert neo4j_local.bolt_answers(second)


def test_local_server_refuses_a_port_other_than_its_own(
    local_server: tuple[neo4j_local.LocalServer, Settings],
) -> None:
    server, settings = local_server
    neo4j_local.ensure_running(settings, server=server)
    running = neo4j_local.running_server(server)
    assert running is not None
    other = get_settings(neo4j_uri=f"bolt://127.0.0.1:{running.port + 1}")
    with pytest.raises(neo4j_local.LocalNeo4jError, match="already runs on port"):
        neo4j_local.ensure_running(other, server=server)


def test_a_failed_start_shows_the_log_and_leaves_nothing_running(tmp_path: Path) -> None:
    server = _throwaway_server(tmp_path, heap="not-a-size")
    settings = get_settings(neo4j_uri=f"bolt://127.0.0.1:{neo4j_local.free_port()}")
    with pytest.raises(neo4j_local.LocalNeo4jError, match="exited while starting") as failure:
        neo4j_local.ensure_running(settings, server=server, say=lambda _: None)
    assert "Invalid maximum heap size" in str(failure.value)
    assert neo4j_local.running_server(server) is None


def test_a_busy_port_is_refused_before_launching(tmp_path: Path) -> None:
    server = _throwaway_server(tmp_path, heap="512m")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = get_settings(neo4j_uri=f"bolt://127.0.0.1:{squatter.getsockname()[1]}")
        with pytest.raises(neo4j_local.LocalNeo4jError, match="in use by another program"):
            neo4j_local.ensure_running(busy, server=server)
    assert not server.state_file.exists()


def test_local_server_wants_a_loopback_uri() -> None:
    with pytest.raises(neo4j_local.LocalNeo4jError, match="NEO4J_URI"):
        neo4j_local.bolt_port(get_settings(neo4j_uri="bolt://neo4j:7687"))


def test_local_config_keeps_bolt_on_loopback_and_http_off() -> None:
    conf = neo4j_local.neo4j_conf(neo4j_local.LocalServer(pagecache="64m"), 7699)
    assert "server.bolt.listen_address=127.0.0.1:7699" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "server.memory.pagecache.size=64m" in conf


def test_shell_exports_are_quoted() -> None:
    connection = neo4j_local.Neo4jConnection("bolt://127.0.0.1:7687", "neo4j", "a b'c", "neo4j")
    assert "export NEO4J_PASSWORD='a b'\"'\"'c'" in connection.shell_exports()
    assert "a b'c" not in repr(connection)


def test_generated_passwords_never_read_as_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[tuple[str, ...]] = []
    monkeypatch.setattr(neo4j_local, "_run_admin", lambda _server, *args: given.append(args))
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: "-starts-with-a-dash")
    for index in range(50):
        server = neo4j_local.LocalServer(home=tmp_path / str(index))
        server.home.mkdir()
        neo4j_local._ensure_initial_password(server)
    assert all(not args[-1].startswith("-") for args in given)
    assert len(given) == 50


def test_a_session_stops_only_a_server_a_test_session_started_once_no_other_uses_it() -> None:
    running = neo4j_local.RunningServer(pid=4242, port=7687)
    assert should_stop(running, 4242, others=False)
    assert not should_stop(running, 4242, others=True)  # an overlapping session still uses it
    assert not should_stop(running, None, others=False)  # started by make neo4j: left running
    assert not should_stop(running, 17, others=False)  # the mark of an older server
    assert not should_stop(None, 4242, others=False)


def test_the_last_of_two_overlapping_sessions_stops_the_server_they_started(
    tmp_path: Path,
) -> None:
    server = _throwaway_server(tmp_path, heap="512m")
    with local_server_for_session(server) as first:
        started = neo4j_local.running_server(server)
        assert started is not None
        assert (server.home / STARTED_BY_TESTS).read_text().strip() == str(started.pid)
        with local_server_for_session(server) as second:
            assert second.neo4j_uri == first.neo4j_uri
        assert neo4j_local.running_server(server) == started  # the first session still uses it
    assert neo4j_local.running_server(server) is None
    assert not neo4j_local._alive(started.pid)
