"""A real Neo4j for the test session, chosen in this order:

1. ``NEO4J_URI`` (or ``FAZHI_NEO4J_URI``) set in the environment or ``.env``: that server, as is;
2. a Docker engine answers: a throwaway ``neo4j:5.26`` container (testcontainers);
3. otherwise the local server of ``devtools.neo4j_local`` (Maven-fetched jars, no Docker),
   started here if needed and left running for the next session (``make neo4j-stop``).

Neo4j tests are never skipped: when none of these gives a server, the session fails loudly.

Example:
    with real_neo4j() as settings:
        wipe_all_nodes(settings)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import docker
import requests
from docker.errors import DockerException
from neo4j import Driver, GraphDatabase
from pydantic import SecretStr

from config.settings import Settings, get_settings
from devtools import neo4j_local

NEO4J_IMAGE = "neo4j:5.26"
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


def neo4j_local_server() -> Settings:
    """The ``devtools.neo4j_local`` server, started if it is not running, and left running.

    Leaving it running is deliberate: test sessions that overlap (two terminals, parallel
    helpers) share one server, and none pulls it from under another; the next run also skips
    the JVM boot. ``make neo4j-stop`` (``python -m devtools.neo4j_local stop``) stops it.
    """
    connection = neo4j_local.ensure_running(get_settings(neo4j_uri=_local_bolt_uri()))
    return get_settings(store="neo4j", **connection.settings_overrides())


def _local_bolt_uri() -> str:
    """This checkout's server where it already runs; else the usual port, or a free one.

    Another program on the usual port (another checkout's Neo4j, say) must not stop the tests.
    """
    running = neo4j_local.running_server()
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
        settings = neo4j_local_server()
    except neo4j_local.LocalNeo4jError as error:
        raise NoNeo4jError(
            "no Neo4j for the tests: NEO4J_URI is not set, no Docker engine answers, and the "
            f"local server (python -m devtools.neo4j_local start) failed:\n{error}"
        ) from error
    yield settings


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
