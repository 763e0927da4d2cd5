"""jieba's dictionary, loaded fast from jieba's own cache: the same table jieba would load."""

from __future__ import annotations

import jieba
import pytest

from ingest.wordseg import load_jieba_dictionary


def test_the_fast_load_gives_jieba_its_own_table(monkeypatch: pytest.MonkeyPatch) -> None:
    reference = jieba.Tokenizer()
    reference.initialize()  # jieba's own way (marshal.load of its cache, written if missing)
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())  # a default tokenizer not loaded yet
    fast = load_jieba_dictionary()
    assert fast is jieba.dt
    assert fast.initialized
    assert fast.total == reference.total
    assert fast.FREQ == reference.FREQ
