"""A real Neo4j for the test session, chosen in this order:

1. ``NEO4J_URI`` (or ``FAZHI_NEO4J_URI``) set in the environment or ``.env``: that server, as is;
2. a Docker engine answers: a throwaway ``neo4j:5.26`` container (testcontainers);
3. otherwise the local server of ``devtools.neo4j_local`` (Maven-fetched jars, no Docker),
   started here if needed. A server a test session started is stopped when the last session
   using it ends (sessions that overlap share it); one started otherwise (``make neo4j``) is
   left running.

Neo4j tests are never skipped: when none of these gives a server, the session fails loudly.

Example:
    with real_neo4j() as settings:
        wipe_all_nodes(settings)
"""

from __future__ import annotations

import fcntl
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import docker
import requests
from docker.errors import DockerException
from neo4j import Driver, GraphDatabase
from pydantic import SecretStr

from config.settings import Settings, get_settings
from devtools import neo4j_local

NEO4J_IMAGE = "neo4j:5.26"
SESSIONS_LOCK = "test-sessions.lock"  # in the local server's home: shared by each session
STARTED_BY_TESTS = "started-by-tests"  # the pid of a local server a test session started
DOCKER_PING_TIMEOUT_S = 3


class NoNeo4jError(RuntimeError):
    """No Neo4j server could be had for the tests."""


def configured_settings() -> Settings | None:
    """The settings when the user chose a server (``NEO4J_URI`` in the environment or .env)."""
    settings = get_settings(store="neo4j")
    return settings if "neo4j_uri" in settings.model_fields_set else None


def docker_engine_answers(timeout_s: int = DOCKER_PING_TIMEOUT_S) -> bool:
    """Whether a Docker engine answers a ping within ``timeout_s`` (never hangs longer).

    Example:
        >>> isinstance(docker_engine_answers(1), bool)
        True
    """
    try:
        client = docker.from_env(timeout=timeout_s)
    except DockerException:
        return False
    try:
        return bool(client.ping())
    except (DockerException, requests.RequestException, OSError):
        return False
    finally:
        client.close()


@contextmanager
def neo4j_in_container() -> Iterator[Settings]:
    """A throwaway ``neo4j:5.26`` container for the session, with a random password."""
    from testcontainers.community.neo4j import Neo4jContainer  # needs Docker: import lazily

    password = secrets.token_urlsafe(18)
    with Neo4jContainer(NEO4J_IMAGE, password=password, username="neo4j") as container:
        yield get_settings(
            store="neo4j",
            neo4j_uri=container.get_connection_url(),
            neo4j_user="neo4j",
            neo4j_password=SecretStr(password),
            neo4j_database="neo4j",
        )


def neo4j_local_server(server: neo4j_local.LocalServer | None = None) -> Settings:
    """The ``devtools.neo4j_local`` server, started if it is not running (and then marked as
    started by the tests, see :func:`local_server_for_session`)."""
    server = server or neo4j_local.LocalServer()
    before = neo4j_local.running_server(server)
    settings = get_settings(neo4j_uri=_local_bolt_uri(server))
    connection = neo4j_local.ensure_running(settings, server=server)
    after = neo4j_local.running_server(server)
    if before is None and after is not None:
        (server.home / STARTED_BY_TESTS).write_text(f"{after.pid}\n", encoding="utf-8")
    return get_settings(store="neo4j", **connection.settings_overrides())


def should_stop(
    running: neo4j_local.RunningServer | None, started_by_tests: int | None, *, others: bool
) -> bool:
    """Whether a session ending stops the local server: it runs, a test session started it
    (the mark holds its pid) and no other session still uses it.

    Example:
        >>> server = neo4j_local.RunningServer(pid=41, port=7687)
        >>> should_stop(server, 41, others=False), should_stop(server, None, others=False)
        (True, False)
        >>> should_stop(server, 41, others=True), should_stop(server, 7, others=False)
        (False, False)
    """
    return running is not None and running.pid == started_by_tests and not others


@contextmanager
def local_server_for_session(
    server: neo4j_local.LocalServer | None = None,
) -> Iterator[Settings]:
    """:func:`neo4j_local_server` for one test session, stopped at its end when
    :func:`should_stop` says so.

    Every session holds a shared lock on ``.neo4j/test-sessions.lock`` while it uses the server;
    at its end it asks for the lock alone: got, no other session uses the server. A session
    starting meanwhile waits on the shared lock until the stop is done, then starts a new one.
    """
    server = server or neo4j_local.LocalServer()
    server.home.mkdir(parents=True, exist_ok=True)
    with (server.home / SESSIONS_LOCK).open("a") as sessions:
        fcntl.flock(sessions, fcntl.LOCK_SH)
        try:
            yield neo4j_local_server(server)
        finally:
            others = not _alone(sessions)
            running = neo4j_local.running_server(server)
            if should_stop(running, _started_by_tests(server), others=others):
                neo4j_local.stop(server=server)
                (server.home / STARTED_BY_TESTS).unlink(missing_ok=True)


def _alone(sessions: IO[str]) -> bool:
    """Whether no other session holds the sessions lock (then this one holds it alone)."""
    try:
        fcntl.flock(sessions, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _started_by_tests(server: neo4j_local.LocalServer) -> int | None:
    mark = server.home / STARTED_BY_TESTS
    text = mark.read_text(encoding="utf-8").strip() if mark.exists() else ""
    return int(text) if text.isdigit() else None


def _local_bolt_uri(server: neo4j_local.LocalServer) -> str:
    """This checkout's server where it already runs; else the usual port, or a free one.

    Another program on the usual port (another checkout's Neo4j, say) must not stop the tests.
    """
    running = neo4j_local.running_server(server)
    if running is not None:
        return f"bolt://127.0.0.1:{running.port}"
    usual = neo4j_local.bolt_port(get_settings())
    free = neo4j_local.port_taken_reason(usual) is None
    return f"bolt://127.0.0.1:{usual if free else neo4j_local.free_port()}"


@contextmanager
def real_neo4j() -> Iterator[Settings]:
    """Settings pointing at a live Neo4j (see the module docstring for the order).

    Example:
        with real_neo4j() as settings:
            settings.store
        # → 'neo4j'
    """
    configured = configured_settings()
    if configured is not None:
        yield configured
        return
    if docker_engine_answers():
        with neo4j_in_container() as settings:
            yield settings
        return
    try:
        with local_server_for_session() as settings:
            yield settings
    except neo4j_local.LocalNeo4jError as error:
        raise NoNeo4jError(
            "no Neo4j for the tests: NEO4J_URI is not set, no Docker engine answers, and the "
            f"local server (python -m devtools.neo4j_local start) failed:\n{error}"
        ) from error


def open_driver(settings: Settings) -> Driver:
    """A driver for the server in ``settings`` (close it, e.g. with ``with``)."""
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    return GraphDatabase.driver(
        settings.neo4j_uri, auth=auth, connection_timeout=settings.neo4j_connect_timeout_s
    )


def wipe_all_nodes(settings: Settings) -> int:
    """Delete every node and relationship of the settings' database; return how many nodes.

    Indexes and constraints stay. Example:
        wipe_all_nodes(settings)
        # → 0
    """
    with open_driver(settings) as driver:
        summary = driver.execute_query(
            "MATCH (n) DETACH DELETE n", database_=settings.neo4j_database
        ).summary
    return summary.counters.nodes_deleted


def server_rows(settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of ``query`` read straight from the server the settings name (what the
    store under test wrote, past its own read path)."""
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        result = driver.execute_query(query, params, database_=settings.neo4j_database)
    return [record.data() for record in result.records]
