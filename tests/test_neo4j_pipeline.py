"""A Neo4j batch written as a pipeline of transactions (graph.neo4j_pipeline): each made while
the one before commits, on its cache; a failed one written again report by report."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest
from neo4j import Transaction

from config.settings import Settings
from graph.memory import MemoryStore
from graph.neo4j_buffer import HeldWrites
from graph.neo4j_store import Neo4jStore, Neo4jTx
from graph.store import StoreError, UpsertResult
from ingest.model import Extraction
from tests import store_fixtures as fx
from tests.test_store_contract import BATCHES

TOO_LONG_TO_INDEX = "长" * 10_000  # Report.source is range-indexed: the server refuses the row


def pipelined(settings: Settings, every: int) -> Iterator[Neo4jStore]:
    update = {"neo4j_commit_every_reports": every, "neo4j_send_every_reports": 1}
    with Neo4jStore(settings.model_copy(update=update)) as store:
        store.clear()
        yield store


@pytest.fixture(params=[1, 2], ids=["a report a transaction", "two a transaction"])
def store(neo4j_settings: Settings, request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    yield from pipelined(neo4j_settings, request.param)


def one_by_one(reports: Sequence[Extraction]) -> tuple[list[UpsertResult], MemoryStore]:
    reference = MemoryStore(None)
    return [reference.upsert_report(report) for report in reports], reference


@pytest.mark.parametrize("batch", list(BATCHES))
def test_transactions_made_on_the_one_before_equal_one_by_one(
    store: Neo4jStore, batch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replacements, repeats and policy merges across transactions, each resolved on the cache
    of the one before while it commits; no transaction fails (none is written again)."""

    def written_alone(self: Neo4jStore, extraction: object) -> None:
        raise AssertionError(f"a transaction failed and {extraction} was written on its own")

    monkeypatch.setattr(Neo4jStore, "_upsert_or_error", written_alone)
    reports = BATCHES[batch]()
    results = store.upsert_reports(reports)
    expected, reference = one_by_one(reports)
    assert results == expected
    assert store.dump() == reference.dump()


def test_a_failed_transaction_is_written_again_report_by_report(store: Neo4jStore) -> None:
    """The server refuses B's row when its transaction is already committing and the next
    one is being made on it: B alone fails, A and C land, C's transaction made again."""
    bad = replace(fx.report_b(), source=TOO_LONG_TO_INDEX)
    results = store.upsert_reports([fx.report_a(), bad, fx.report_c()])
    failed = results[1]
    assert isinstance(failed, StoreError)
    assert bad.report_id in str(failed)
    expected, reference = one_by_one([fx.report_a(), fx.report_c()])
    assert [results[0], results[2]] == expected
    assert store.dump() == reference.dump()


def test_later_batches_follow_a_failed_one(store: Neo4jStore) -> None:
    bad = replace(fx.report_b(), source=TOO_LONG_TO_INDEX)
    store.upsert_reports([fx.report_a(), bad])
    results = store.upsert_reports([fx.report_b(), fx.report_c()])
    assert [r.status for r in results if isinstance(r, UpsertResult)] == ["new", "new"]
    _, reference = one_by_one([fx.report_a(), fx.report_b(), fx.report_c()])
    assert store.dump() == reference.dump()


def test_rows_are_sent_while_the_transaction_before_commits(
    neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each commit but the last waits (up to 5 s) for the next transaction's rows: they come,
    so the server writes one transaction while the one before commits; the batch still equals
    one by one."""
    sent = threading.Condition()
    writes: list[Neo4jTx] = []
    overlapped: list[bool] = []
    write, commit = Neo4jTx.write, Transaction.commit

    def counted_write(self: Neo4jTx, held: HeldWrites, *, early: bool = False) -> None:
        write(self, held, early=early)
        with sent:
            writes.append(self)
            sent.notify_all()

    def commit_after_next_rows(self: Transaction) -> None:
        with sent:
            if len(overlapped) < len(reports) - 1:
                overlapped.append(sent.wait_for(lambda: len(writes) > len(overlapped) + 1, 5))
        commit(self)

    reports = [fx.report_a(), fx.report_b(), fx.report_c()]
    monkeypatch.setattr(Neo4jTx, "write", counted_write)
    monkeypatch.setattr(Transaction, "commit", commit_after_next_rows)
    for store in pipelined(neo4j_settings, 1):
        results = store.upsert_reports(reports)
        expected, reference = one_by_one(reports)
        assert results == expected
        assert store.dump() == reference.dump()
    assert overlapped == [True, True]
