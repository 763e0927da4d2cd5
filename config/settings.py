"""The one settings object: environment variables (``FAZHI_*``, ``NEO4J_*``) and ``.env``.

Example:
    >>> from config import get_settings
    >>> get_settings(store="memory").store
    'memory'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

StoreKind = Literal["memory", "neo4j"]


def _env(name: str) -> AliasChoices:
    """Accept both ``FAZHI_<NAME>`` and the bare conventional name (e.g. ``NEO4J_URI``)."""
    return AliasChoices(f"FAZHI_{name}", name)


class Settings(BaseSettings):
    """Everything configurable in Fazhi Graph, read from the environment and ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="FAZHI_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # storage
    store: StoreKind = "memory"
    data_dir: Path | None = Path(".fazhi")  # embedded store folder; None: in memory, never saved
    memory_flush_every: int = 500  # embedded store: save after this many writes (and on close)
    memory_lock_timeout_s: float = 600.0  # embedded store: how long a writer waits for another
    neo4j_uri: str = Field("bolt://127.0.0.1:7687", validation_alias=_env("NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=_env("NEO4J_USER"))
    neo4j_password: SecretStr = Field(SecretStr(""), validation_alias=_env("NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=_env("NEO4J_DATABASE"))
    neo4j_connect_timeout_s: float = 5.0
    neo4j_index_wait_s: float = 60.0  # at open: how long to wait for new indexes to come online
    query_timeout_s: float = 10.0  # one named query in the store (CLI, notebook, API resolvers)
    write_batch_size: int = 2000
    evidence_per_relationship: int = 3

    # ingestion
    max_file_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 64 * 1024 * 1024  # a .docx's members, inflated, all together
    max_pdf_pages: int = 1000  # a PDF with more pages is refused (a report has tens)
    read_timeout_s: float = 120.0  # reading one file, and extracting it; 0: no limit
    extract_batch_reports: int = 64  # files extracted together, a stage at a time (faster)
    ingest_batch_reports: int = 500  # reports per write (failed write: one by one)
    neo4j_send_every_reports: int = 100  # Neo4j: within a transaction, rows sent this often
    neo4j_commit_every_reports: int = 100  # Neo4j: a batch commits this often (next made meanwhile)
    corrections: Path | None = None  # a researcher's corrections CSV, applied at every ingest

    # fetching (fazhi fetch): polite by default; robots.txt is always obeyed
    fetch_user_agent: str = (
        "fazhi-graph/0.1 (research crawler of rule-of-law reports; "
        "set FAZHI_FETCH_USER_AGENT to your name and a contact)"
    )
    fetch_delay_s: float = 2.0  # between two requests to one host (auto-throttle may raise it)
    fetch_concurrency_per_host: int = 1
    fetch_timeout_s: float = 30.0
    fetch_retries: int = 2  # more tries of a timed-out request or a 5xx / 429 response
    fetch_backoff_s: float = 5.0  # the first retry waits this long, each next one twice as long
    fetch_depth: int = 2  # link levels from a start URL (an attachment is one, 下一页 none)
    fetch_autothrottle: bool = True
    fetch_scrapy_settings: dict[str, Any] = {}  # more Scrapy settings (JSON), e.g. scrapy-redis

    # api
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_graphiql: bool = True
    api_graphiql_assets: Path | None = None  # GraphiQL's npm files; None: web/graphiql/node_modules
    api_max_depth: int = 12
    api_max_aliases: int = 30
    api_max_tokens: int = 2000
    api_max_page_size: int = 500
    api_query_timeout_s: float = 10.0  # one whole GraphQL request
    api_follow_every_s: float = 2.0  # embedded store: look for a newer saved graph (0: never)
    api_max_cost: int = 200_000  # objects a query may return, estimated up front (api/cost.py)
    api_cost_list_size: int = 50  # the estimate's items of a list without first: or limit:
    api_request_threads: int = 4  # worker threads one GraphQL request may hold at once
    api_max_body_bytes: int = 1024 * 1024  # a request body above this gets 413
    api_ready_timeout_s: float = 2.0  # /readyz answers 503 when the store's ping takes longer


def get_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, with explicit overrides winning.

    Example:
        >>> get_settings(data_dir="/tmp/fz").data_dir.name
        'fz'
    """
    return Settings(**overrides)
