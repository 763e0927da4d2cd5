"""Did you mean: an unknown policy title, 文号, region or issuer is a clear error with the closest
names the graph holds — in the services, GraphQL (NOT_FOUND with ``suggestions``), the CLI and
the notebook client, the same on both stores — while a known name that nothing matches is still
an empty answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app as fazhi_app
from client import Fazhi
from config.settings import Settings
from graph.memory import MemoryStore
from graph.model import Label
from graph.store import GraphStore
from services.errors import NotFoundError
from services.lookups import find_policy, require_policy, require_region_written
from services.querying import run_named
from services.suggest import NameIndex, cached_index
from tests.api_support import (  # noqa: F401 (abc_store: the `store` fixture)
    abc_store,
    filled_memory_store,
    graphql_body,
    post_graphql,
)
from tests.store_fixtures import (
    LAW,
    PROVINCE_PLAN,
    PROVINCE_PLAN_NUMBER,
    all_reports,
    report_a,
    report_b,
)

TYPO_PLAN = "湖北省法治政府建设实施方安"  # 案 mistyped as 安


def not_found(store: GraphStore, query: str, **params: Any) -> NotFoundError:
    with pytest.raises(NotFoundError) as raised:
        run_named(store, query, params)
    return raised.value


def test_a_mistyped_title_suggests_the_policy(store: GraphStore) -> None:
    error = not_found(store, "regions_citing_policy", policy=TYPO_PLAN)
    assert error.suggestions[0] == PROVINCE_PLAN
    assert str(error).startswith(f"no policy titled '{TYPO_PLAN}'; did you mean: {PROVINCE_PLAN}, ")
    assert str(error).endswith("?")
    assert len(error.suggestions) <= 5


def test_a_short_title_suggests_the_law_it_abbreviates(store: GraphStore) -> None:
    error = not_found(store, "policy_diffusion", policy="行政处罚")
    first = find_policy(store, title=error.suggestions[0])
    assert first is not None
    assert first.key == LAW


def test_a_mistyped_doc_number_suggests_the_closest_numbers(store: GraphStore) -> None:
    error = not_found(store, "co_cited_policies", policy="鄂发[2016]23号")
    assert error.problem == "no policy numbered '鄂发[2016]23号'"
    assert error.suggestions[0] == PROVINCE_PLAN_NUMBER


def test_unknown_regions_and_issuers_suggest_names_held(store: GraphStore) -> None:
    by_name = not_found(store, "policies_cited_by_region", region="郧杨区")
    assert by_name.problem == "no region named '郧杨区'"
    assert by_name.suggestions[0] == "郧阳区"
    by_code = not_found(store, "similar_regions", region="420305")
    assert by_code.problem == "no region with code '420305'"
    assert "420304" in by_code.suggestions
    issuer = not_found(store, "documents_issued_by", issuer="郧阳区司法")
    assert issuer.suggestions[0] == "郧阳区司法局"


def test_nothing_close_is_an_error_without_suggestions(store: GraphStore) -> None:
    error = not_found(store, "policy_diffusion", policy="没有这个文件")
    assert (str(error), error.suggestions) == ("no policy titled '没有这个文件'", [])


def test_a_known_name_that_nothing_matches_is_an_empty_answer(store: GraphStore) -> None:
    assert (
        run_named(store, "regions_citing_policy", {"policy": "行政处罚法", "year_from": 2030}) == []
    )
    assert run_named(store, "similar_regions", {"region": "房县", "min_shared": 50}) == []
    assert run_named(store, "policies_cited_by_region", {"region": "湖北省"}) == []


def test_lookups_require_a_node_or_say_what_is_close(store: GraphStore) -> None:
    assert require_policy(store, doc_number="鄂发[2016]22号").key == PROVINCE_PLAN
    with pytest.raises(NotFoundError, match="did you mean: 郧阳区"):
        require_region_written(store, "郧杨区")


def test_graphql_answers_not_found_with_suggestions(store: GraphStore) -> None:
    body = graphql_body(store, f'{{ policyDiffusion(policy: "{TYPO_PLAN}") {{ year }} }}')
    [error] = body["errors"]
    assert error["message"].startswith(f"no policy titled '{TYPO_PLAN}'; did you mean: ")
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["suggestions"][0] == PROVINCE_PLAN
    body = graphql_body(store, '{ region(name: "郧杨区") { code } }')
    assert body["data"] == {"region": None}
    assert body["errors"][0]["extensions"]["suggestions"][0] == "郧阳区"
    body = graphql_body(store, '{ policy(title: "湖北省法治政府建设实施方案") { id } }')
    assert body == {"data": {"policy": {"id": PROVINCE_PLAN}}}


def test_the_client_raises_with_the_suggestions(store: GraphStore) -> None:
    fz = Fazhi(store=store)
    with pytest.raises(NotFoundError) as raised:
        fz.regions_citing_policy(TYPO_PLAN)
    assert raised.value.suggestions[0] == PROVINCE_PLAN
    with pytest.raises(NotFoundError, match=r"^no region named '郧杨区'; did you mean: 郧阳区"):
        fz.subgraph(region="郧杨区")
    assert fz.regions_citing_policy(PROVINCE_PLAN, year_from=2030).empty


def cli_options(store: GraphStore, tmp_path: Path, neo4j: Settings | None) -> dict[str, Any]:
    """How the CLI reaches the same graph as ``store``: a saved embedded store, or Neo4j's env."""
    if isinstance(store, MemoryStore):
        with MemoryStore(data_dir=tmp_path / "store") as saved:
            saved.upsert_reports(all_reports())
        return {"args": ["--store", "memory", "--data-dir", str(tmp_path / "store")], "env": {}}
    assert neo4j is not None
    env = {
        "FAZHI_STORE": "neo4j",
        "NEO4J_URI": neo4j.neo4j_uri,
        "NEO4J_USER": neo4j.neo4j_user,
        "NEO4J_PASSWORD": neo4j.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": neo4j.neo4j_database,
    }
    return {"args": [], "env": env}


def test_the_cli_says_did_you_mean_and_exits_1(
    store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    neo4j = None if isinstance(store, MemoryStore) else request.getfixturevalue("neo4j_settings")
    options = cli_options(store, tmp_path, neo4j)
    command = ["query", "policies_cited_by_region", "-p", "region=郧杨区", *options["args"]]
    result = CliRunner().invoke(fazhi_app, command, env=options["env"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no region named '郧杨区'; did you mean: 郧阳区")
    assert result.stderr.count("\n") == 1
    known = ["query", "similar_regions", "-p", "region=房县", "-p", "min_shared=50", "--json"]
    result = CliRunner().invoke(fazhi_app, [*known, *options["args"]], env=options["env"])
    assert (result.exit_code, result.stdout.strip()) == (0, "[]")


def test_chinese_typos_and_partial_names_score_close() -> None:
    titles = [
        "重大行政决策程序暂行条例",
        "重大行政决策程序规定",
        "中华人民共和国行政处罚法",
        "优化营商环境条例",
    ]
    index = NameIndex([{"label": "Policy", "key": t, "spellings": [t]} for t in titles])
    assert [s.text for s in index.closest("重大行政决策程序暂行条列")][:2] == titles[:2]
    assert index.closest("《行政处罚》")[0].text == "中华人民共和国行政处罚法"
    assert index.closest("xyz") == []
    assert index.closest("重大行政决策", limit=1)[0].text in titles[:2]


def test_the_name_index_is_read_again_after_a_write_adds_names() -> None:
    store = filled_memory_store([report_a()])
    first = cached_index(store, [Label.REGION])
    assert cached_index(store, [Label.REGION]) is first
    assert not first.holds(["房县"])
    store.upsert_report(report_b())
    assert cached_index(store, [Label.REGION]).holds(["房县"])
