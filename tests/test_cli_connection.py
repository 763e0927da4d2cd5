"""Every command that opens Neo4j says in one line why it cannot (nothing listening, a wrong
password) and exits with code 2: no traceback, not even from ``fazhi serve``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli import app
from config.settings import Settings
from devtools.neo4j_local import free_port

SAMPLE = Path(__file__).parent.parent / "samples" / "reports" / "001_61e82024cf361030.txt"
COMMANDS = [
    ["serve", "--port", "1"],  # a port it could never bind: the store must fail first
    ["ingest", str(SAMPLE)],
    ["query", "top_cited_policies"],
    ["stats"],
]


def fazhi_on_neo4j(command: list[str], uri: str, user: str, password: str) -> Result:
    env = {"FAZHI_STORE": "neo4j", "NEO4J_URI": uri, "NEO4J_USER": user}
    env |= {"NEO4J_PASSWORD": password, "FAZHI_NEO4J_CONNECT_TIMEOUT_S": "3"}
    return CliRunner().invoke(app, command, env=env)


def assert_one_error_line(result: Result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for words in expected:
        assert words in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_nothing_listening_is_one_line_naming_the_uri(command: list[str]) -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    result = fazhi_on_neo4j(command, uri, "neo4j", "any-password")
    assert_one_error_line(result, f"cannot reach Neo4j at {uri}", "connection refused")


@pytest.mark.neo4j
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_wrong_password_is_one_line_naming_the_setting(
    command: list[str], neo4j_settings: Settings
) -> None:
    # A user of its own: Neo4j locks a user out for a few seconds after three failed logins, and
    # locking the real user would fail the Neo4j tests that happen to run next.
    uri, user = neo4j_settings.neo4j_uri, "fazhi-no-such-user"
    result = fazhi_on_neo4j(command, uri, user, "not-the-password")
    assert_one_error_line(result, f"Neo4j at {uri} refused user", "NEO4J_PASSWORD")
