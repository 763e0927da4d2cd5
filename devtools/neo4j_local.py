"""A real Neo4j Community 5.26 server for development and tests, without Docker.

Maven fetches ``org.neo4j:neo4j`` (server included) from Maven Central into ``.neo4j/lib`` on the
first start (the version is pinned in ``devtools/neo4j/pom.xml``); the server then runs as
``java -cp '.neo4j/lib/*' org.neo4j.server.CommunityEntryPoint`` in the background, with its data,
logs, pid and generated password kept in ``.neo4j/`` (gitignored). Bolt listens on loopback only,
on the port of ``NEO4J_URI`` (default 7687); HTTP is off.

Usage::

    python -m devtools.neo4j_local start    # fetch on first use, start, print the settings
    python -m devtools.neo4j_local status
    eval "$(python -m devtools.neo4j_local env)"
    python -m devtools.neo4j_local stop

Example:
    >>> from devtools.neo4j_local import bolt_port
    >>> from config import get_settings
    >>> bolt_port(get_settings(neo4j_uri="bolt://127.0.0.1:7688"))
    7688
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import typer
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import SecretStr

from config.settings import Settings, get_settings
from devtools import prerequisites

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POM = Path(__file__).resolve().parent / "neo4j" / "pom.xml"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
LOCAL_USER = "neo4j"
LOCAL_DATABASE = "neo4j"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
BOLT_SCHEMES = frozenset({"bolt", "neo4j"})

Say = Callable[[str], None]
T = TypeVar("T")


class LocalNeo4jError(RuntimeError):
    """The local Neo4j server could not be fetched, configured, started or stopped."""


def _say_on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Neo4jConnection:
    """How to reach a Neo4j server: what ``NEO4J_URI`` and friends should be set to.

    Example:
        >>> c = Neo4jConnection("bolt://127.0.0.1:7687", "neo4j", "s3cret-pw", "neo4j")
        >>> c.settings_overrides()["neo4j_uri"]
        'bolt://127.0.0.1:7687'
    """

    uri: str
    user: str
    password: str = field(repr=False)
    database: str

    def environment(self) -> dict[str, str]:
        """The four ``NEO4J_*`` variables that point the settings at this server."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
        }

    def settings_overrides(self) -> dict[str, Any]:
        """Keyword overrides for ``get_settings``: ``get_settings(**c.settings_overrides())``."""
        return {
            "neo4j_uri": self.uri,
            "neo4j_user": self.user,
            "neo4j_password": SecretStr(self.password),
            "neo4j_database": self.database,
        }

    def shell_exports(self) -> str:
        """``export NEO4J_…=…`` lines, quoted for a POSIX shell."""
        lines = (f"export {k}={shlex.quote(v)}" for k, v in self.environment().items())
        return "\n".join(lines)


@dataclass(frozen=True)
class LocalServer:
    """Where the local server lives and how much memory its JVM gets.

    Example:
        >>> LocalServer(home=Path("/tmp/n4j")).conf_dir
        PosixPath('/tmp/n4j/conf')
    """

    home: Path = PROJECT_ROOT / ".neo4j"
    heap: str = "1g"
    pagecache: str = "128m"
    boot_timeout_s: float = 180.0
    stop_timeout_s: float = 60.0

    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def neo4j_log(self) -> Path:
        return self.home / "logs" / "neo4j.log"

    @property
    def system_database(self) -> Path:
        return self.home / "data" / "databases" / "system"


@dataclass(frozen=True)
class RunningServer:
    """A live local server: its process id and Bolt port."""

    pid: int
    port: int


# Popen handles of servers started by this process, so their exit can be reaped (no zombies).
_children: dict[int, subprocess.Popen[bytes]] = {}


def neo4j_version() -> str:
    """The Neo4j version pinned in ``devtools/neo4j/pom.xml``.

    Example:
        >>> neo4j_version().startswith("5.26.")
        True
    """
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = ET.parse(POM).getroot().findtext("m:properties/m:neo4j.version", namespaces=ns)
    if not version:
        raise LocalNeo4jError(f"{POM}: <properties><neo4j.version> is missing")
    return version.strip()


def bolt_port(settings: Settings) -> int:
    """The loopback port the local server listens on, taken from ``settings.neo4j_uri``.

    Example:
        >>> bolt_port(get_settings(neo4j_uri="neo4j://localhost"))
        7687
    """
    parts = urlsplit(settings.neo4j_uri)
    if parts.scheme not in BOLT_SCHEMES or parts.hostname not in LOOPBACK_HOSTS:
        raise LocalNeo4jError(
            f"NEO4J_URI={settings.neo4j_uri!r}: the local server listens on "
            "bolt://127.0.0.1:<port> only; unset NEO4J_URI or point it at a loopback address"
        )
    return parts.port or 7687


def connection_for(server: LocalServer, port: int) -> Neo4jConnection:
    """The connection settings of the local server on ``port`` (its password must exist)."""
    if not server.password_file.exists():
        raise LocalNeo4jError(f"{server.password_file} does not exist: start the server first")
    password = server.password_file.read_text(encoding="utf-8").strip()
    return Neo4jConnection(f"bolt://127.0.0.1:{port}", LOCAL_USER, password, LOCAL_DATABASE)


# ----------------------------------------------------------------------------- public API


def ensure_running(
    settings: Settings | None = None,
    *,
    server: LocalServer | None = None,
    say: Say = _say_on_stderr,
) -> Neo4jConnection:
    """Start the local server unless it already runs; return how to connect to it.

    Fetches Neo4j with Maven on first use, writes ``neo4j.conf``, sets the generated initial
    password, starts the JVM in the background and waits until Bolt answers.

    Example:
        conn = ensure_running()
        conn.uri
        # → 'bolt://127.0.0.1:7687'
    """
    server = server or LocalServer()
    port = bolt_port(settings or get_settings())
    with _locked(server):
        running = running_server(server)
        if running is not None:
            return _already_running(server, running, port)
        return _start(server, port, say)


def stop(*, server: LocalServer | None = None, say: Say = _say_on_stderr) -> bool:
    """Stop the local server cleanly (SIGTERM, then SIGKILL after the stop timeout).

    Returns whether a server was running.

    Example:
        stop()
        # → True
    """
    server = server or LocalServer()
    with _locked(server):
        running = running_server(server)
        if running is None:
            say("Neo4j (local) is not running.")
            return False
        _terminate(server, running.pid, say)
        server.state_file.unlink(missing_ok=True)
        say(f"Neo4j (local) stopped (pid {running.pid}).")
        return True


def running_server(server: LocalServer | None = None) -> RunningServer | None:
    """The local server if its recorded process is alive, else None (stale records are removed).

    Example:
        >>> running_server(LocalServer(home=Path("/nonexistent")))  # None: nothing recorded
    """
    server = server or LocalServer()
    if not server.state_file.exists():
        return None
    state = json.loads(server.state_file.read_text(encoding="utf-8"))
    found = RunningServer(pid=int(state["pid"]), port=int(state["port"]))
    if _alive(found.pid) and _is_server_process(found.pid, server):
        return found
    server.state_file.unlink(missing_ok=True)
    return None


# ----------------------------------------------------------------------------- starting


def _already_running(server: LocalServer, running: RunningServer, port: int) -> Neo4jConnection:
    if running.port != port:
        raise LocalNeo4jError(
            f"the local Neo4j already runs on port {running.port} (pid {running.pid}), "
            f"not {port}: stop it first (python -m devtools.neo4j_local stop)"
        )
    return connection_for(server, port)


def _start(server: LocalServer, port: int, say: Say) -> Neo4jConnection:
    started = time.monotonic()
    _fetch_if_needed(server, say)
    _require_free_port(port)
    _write_config(server, port)
    _ensure_initial_password(server)
    say(f"Starting Neo4j {neo4j_version()} (heap {server.heap}) on bolt://127.0.0.1:{port} …")
    pid = _launch(server)
    _write_state(server, RunningServer(pid=pid, port=port))
    connection = connection_for(server, port)
    try:
        _wait_for_bolt(server, pid, connection)
    except LocalNeo4jError:
        _abandon(server, pid, say)
        raise
    say(
        f"Neo4j ready in {time.monotonic() - started:.1f} s (pid {pid}, logs in {server.home}/logs)"
    )
    return connection


def fetch_if_needed(server: LocalServer, say: Say = _say_on_stderr) -> None:
    """Copy the Neo4j jars into ``server.lib`` with Maven unless they match the pom already.

    Example:
        fetch_if_needed(LocalServer())
    """
    with _locked(server):
        _fetch_if_needed(server, say)


def _fetch_if_needed(server: LocalServer, say: Say) -> None:
    stamp = hashlib.sha256(POM.read_bytes()).hexdigest()
    stamp_file = server.lib / ".pom-sha256"
    if stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return
    say(f"Fetching Neo4j {neo4j_version()} from Maven Central (first start only) …")
    partial = server.home / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _run_maven(partial)
    (partial / ".pom-sha256").write_text(stamp, encoding="utf-8")
    shutil.rmtree(server.lib, ignore_errors=True)
    partial.rename(server.lib)


def _require_free_port(port: int) -> None:
    """Fail before launching when another program (e.g. another Neo4j) owns the Bolt port."""
    reason = port_taken_reason(port)
    if reason is not None:
        raise LocalNeo4jError(
            f"port {port} on 127.0.0.1 is in use by another program ({reason}): "
            "stop it, or choose another port with NEO4J_URI=bolt://127.0.0.1:<port>"
        )


def port_taken_reason(port: int) -> str | None:
    """Why ``port`` on 127.0.0.1 cannot be bound right now, or None when it is free.

    Example:
        >>> port_taken_reason(free_port()) is None
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT leftovers
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return error.strerror or str(error)
    return None


def free_port() -> int:
    """A loopback port nobody listens on right now.

    Example:
        >>> 0 < free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_maven(output_dir: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError(prerequisites.MAVEN.line("mvn not found"))
    command = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies"]
    command.append(f"-DoutputDirectory={output_dir}")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise LocalNeo4jError("Maven could not fetch Neo4j:\n" + "\n".join(output))


def neo4j_conf(server: LocalServer, port: int) -> str:
    """The ``neo4j.conf`` of the local server: loopback Bolt, no HTTP, small memory, real auth.

    Example:
        >>> "server.bolt.listen_address=127.0.0.1:7688" in neo4j_conf(LocalServer(), 7688)
        True
    """
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "server.memory.pagecache.size": server.pagecache,
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "100M size",
        # Netty waits this many seconds (twice) before Bolt shuts down; 5 s default → slow stop.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
    }
    lines = [f"{key}={value}" for key, value in settings.items()]
    return "# Written by devtools/neo4j_local.py at each start; edits are overwritten.\n" + (
        "\n".join(lines) + "\n"
    )


def _write_config(server: LocalServer, port: int) -> None:
    server.conf_dir.mkdir(parents=True, exist_ok=True)
    (server.conf_dir / "neo4j.conf").write_text(neo4j_conf(server, port), encoding="utf-8")


def _ensure_initial_password(server: LocalServer) -> None:
    """Generate the password once; hand it to Neo4j before the system database exists."""
    known = server.password_file.exists()
    if known and server.system_database.exists():
        return
    if server.system_database.exists():
        raise LocalNeo4jError(
            f"{server.system_database} exists but {server.password_file} does not, so the "
            f"password is unknown: delete {server.home / 'data'} to start with an empty database"
        )
    password = (
        server.password_file.read_text(encoding="utf-8").strip()
        if known
        else secrets.token_hex(24)  # not token_urlsafe: one starting with "-" reads as an option
    )
    _run_admin(server, "dbms", "set-initial-password", password)
    if not known:
        _write_private(server.password_file, password + "\n")


def _run_admin(server: LocalServer, *args: str) -> None:
    """Run ``neo4j-admin`` from the same jars (what ``bin/neo4j-admin`` would run)."""
    command = [_java(), "-cp", f"{server.lib}/*", ADMIN_TOOL, *args]
    env = os.environ | {"NEO4J_HOME": str(server.home), "NEO4J_CONF": str(server.conf_dir)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise LocalNeo4jError(f"neo4j-admin {args[0]} {args[1]} failed:\n{result.stderr.strip()}")


def run_admin(server: LocalServer, *args: str) -> str:
    """Run ``neo4j-admin ARGS`` from the local server's jars, home and configuration (e.g.
    ``database import full …`` while the server is stopped); its output.

    Example:
        run_admin(LocalServer(), "database", "info")
    """
    command = [_java(), "-cp", f"{server.lib}/*", ADMIN_TOOL, *args]
    env = os.environ | {"NEO4J_HOME": str(server.home), "NEO4J_CONF": str(server.conf_dir)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise LocalNeo4jError(f"neo4j-admin {' '.join(args[:3])} failed:\n" + "\n".join(output))
    return result.stdout


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _java() -> str:
    problem = prerequisites.java_problem()
    java = prerequisites.java_command()
    if problem is not None or java is None:
        raise LocalNeo4jError(prerequisites.JAVA.line(problem or "no java"))
    return java


def jvm_options(server: LocalServer) -> list[str]:
    """JVM flags: the memory of ``server`` plus those ``bin/neo4j`` passes by default.

    Example:
        >>> "-Xmx1g" in jvm_options(LocalServer())
        True
    """
    return [
        "-Xms128m",
        f"-Xmx{server.heap}",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-Dfile.encoding=UTF-8",
        "-Dlog4j2.disable.jmx=true",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    ]


def _launch(server: LocalServer) -> int:
    server.console_log.parent.mkdir(parents=True, exist_ok=True)
    command = [_java(), *jvm_options(server), "-cp", f"{server.lib}/*", ENTRY_POINT]
    command += [f"--home-dir={server.home}", f"--config-dir={server.conf_dir}"]
    with server.console_log.open("ab") as console:
        process = subprocess.Popen(
            command,
            cwd=server.home,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # detached: survives the shell or test run that started it
        )
    _children[process.pid] = process
    return process.pid


def _write_state(server: LocalServer, running: RunningServer) -> None:
    state = {"pid": running.pid, "port": running.port}
    server.state_file.write_text(json.dumps(state) + "\n", encoding="utf-8")


def _wait_for_bolt(server: LocalServer, pid: int, connection: Neo4jConnection) -> None:
    deadline = time.monotonic() + server.boot_timeout_s
    while time.monotonic() < deadline:
        if not _alive(pid):
            raise LocalNeo4jError(f"Neo4j exited while starting.\n{log_tail(server)}")
        if bolt_answers(connection):
            return
        time.sleep(0.5)
    raise LocalNeo4jError(
        f"Neo4j (pid {pid}) did not answer on {connection.uri} within "
        f"{server.boot_timeout_s:.0f} s, so it was stopped.\n{log_tail(server)}"
    )


def _abandon(server: LocalServer, pid: int, say: Say) -> None:
    """Stop a server that failed to come up, so a failed start leaves nothing running."""
    if _alive(pid):
        _terminate(server, pid, say)
    server.state_file.unlink(missing_ok=True)


def bolt_answers(connection: Neo4jConnection, timeout_s: float = 2.0) -> bool:
    """Whether the server answers on Bolt with these credentials (a wrong password raises).

    Example:
        >>> bolt_answers(Neo4jConnection("bolt://127.0.0.1:1", "neo4j", "pw", "neo4j"), 0.5)
        False
    """
    auth = (connection.user, connection.password)
    driver = GraphDatabase.driver(
        connection.uri, auth=auth, connection_timeout=timeout_s, max_connection_lifetime=60
    )
    try:
        driver.verify_connectivity()
    except AuthError as error:
        raise LocalNeo4jError(f"{connection.uri} rejected the password: {error}") from error
    except (ServiceUnavailable, SessionExpired, TransientError, OSError):
        return False
    finally:
        driver.close()
    return True


def log_tail(server: LocalServer, lines: int = 25) -> str:
    """The last lines of the console output and of ``neo4j.log``, to show why a start failed."""
    parts = []
    for log in (server.console_log, server.neo4j_log):
        if log.exists():
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log} (last {len(tail)} lines)\n" + "\n".join(tail))
    return "\n".join(parts) or f"(no logs in {server.home / 'logs'})"


# ----------------------------------------------------------------------------- processes


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None  # also reaps our own exited child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_server_process(pid: int, server: LocalServer) -> bool:
    """Whether ``pid`` is our Neo4j (the pid may have been reused by another program)."""
    command = _command_line(pid)
    return ENTRY_POINT in command and f"--home-dir={server.home}" in command


def _command_line(pid: int) -> str:
    proc = Path(f"/proc/{pid}/cmdline")
    if proc.exists():
        return proc.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    result = subprocess.run(
        ["ps", "-ww", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False
    )
    return result.stdout


def _terminate(server: LocalServer, pid: int, say: Say) -> None:
    os.kill(pid, signal.SIGTERM)  # Neo4j's shutdown hook checkpoints and closes the stores
    if _wait_for_exit(pid, server.stop_timeout_s):
        return
    say(f"Neo4j (pid {pid}) ignored SIGTERM for {server.stop_timeout_s:.0f} s: killing it.")
    os.kill(pid, signal.SIGKILL)
    _wait_for_exit(pid, 10.0)


def _wait_for_exit(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _alive(pid):
            _children.pop(pid, None)
            return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def _locked(server: LocalServer) -> Iterator[None]:
    """Serialise start/stop between processes (a test run and ``make neo4j`` at once)."""
    server.home.mkdir(parents=True, exist_ok=True)
    with (server.home / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ----------------------------------------------------------------------------- CLI

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="A local Neo4j 5.26 server (no Docker)."
)

HeapOption = typer.Option("1g", help="JVM heap of the server (-Xmx), e.g. 512m, 2g.")


def _print_settings(connection: Neo4jConnection, running: RunningServer) -> None:
    home = LocalServer().home
    _say_on_stderr(f"Neo4j (local) is running: pid {running.pid}, data in {home}")
    for key, value in connection.environment().items():
        print(f"  {key}={value}", flush=True)
    _say_on_stderr('Use it: eval "$(python -m devtools.neo4j_local env)"; export FAZHI_STORE=neo4j')


@app.command("start")
def start_command(heap: str = HeapOption) -> None:
    """Start the server (fetching Neo4j on first use) and print the settings to use it."""
    connection = _or_exit(lambda: ensure_running(get_settings(), server=LocalServer(heap=heap)))
    running = running_server()
    if running is not None:
        _print_settings(connection, running)


@app.command("stop")
def stop_command() -> None:
    """Stop the server cleanly."""
    _or_exit(stop)


@app.command("status")
def status_command() -> None:
    """Say whether the server runs (exit code 3 when it does not)."""
    running = running_server()
    if running is None:
        print("Neo4j (local) is not running.")
        raise typer.Exit(3)
    print(f"Neo4j (local) is running: pid {running.pid}, bolt://127.0.0.1:{running.port}")


@app.command("env")
def env_command() -> None:
    """Print ``export NEO4J_…`` lines for the running server (use with eval)."""
    running = running_server()
    if running is None:
        _say_on_stderr("Neo4j (local) is not running: python -m devtools.neo4j_local start")
        raise typer.Exit(3)
    print(_or_exit(lambda: connection_for(LocalServer(), running.port)).shell_exports())


def _or_exit(action: Callable[[], T]) -> T:
    try:
        return action()
    except LocalNeo4jError as error:
        _say_on_stderr(f"error: {error}")
        raise typer.Exit(1) from error


if __name__ == "__main__":
    app()
