"""jieba for the extractors that need word boundaries: loaded once, fast and quietly.

jieba reads its dictionary cache (the ~500,000 words and prefixes of its default dictionary)
with ``marshal.load`` on an open file, which reads it object by object; ``marshal.loads`` on
the file's bytes builds the same table about three times faster (~0.5 s against ~1.5 s on a
2-core machine). The part-of-speech tagger is imported only when first asked for: importing
``jieba.posseg`` loads its model modules and parses the whole dictionary file once more.
jieba's progress messages ("Building prefix dict …") are kept off the user's terminal.

Example:
    >>> list(load_jieba_dictionary().cut("依法行政工作领导小组"))
    ['依法行政', '工作', '领导小组']
"""

from __future__ import annotations

import functools
import logging
import marshal
import tempfile
from pathlib import Path
from typing import Any

import jieba


def load_jieba_dictionary() -> Any:
    """jieba's default tokenizer (``jieba.dt``, what ``jieba.cut`` uses) with its dictionary
    loaded; from jieba's own cache file when there is one, else the way jieba loads it.

    Example:
        >>> load_jieba_dictionary() is jieba.dt
        True
    """
    tokenizer = jieba.dt
    with tokenizer.lock:
        if not tokenizer.initialized:
            jieba.setLogLevel(logging.WARNING)
            if not _load_cached_table(tokenizer):
                tokenizer.initialize()  # builds the table and writes jieba's cache
    return tokenizer


@functools.cache
def pos_tagger() -> Any:
    """jieba's part-of-speech tagger (``jieba.posseg.dt``) over the default tokenizer.

    Example:
        >>> [tuple(pair) for pair in pos_tagger().cut("马山司法所")]
        [('马山', 'ns'), ('司法', 'n'), ('所', 'c')]
    """
    load_jieba_dictionary()
    import jieba.posseg  # ~0.3 s (seconds without bytecode): only when a tagger is needed

    return jieba.posseg.dt


def _load_cached_table(tokenizer: Any) -> bool:
    """Fill ``tokenizer`` from jieba's cache of the default dictionary, as jieba would.

    The path and format are jieba's (0.42, its last release): ``tmp_dir`` or the system's
    temporary folder, ``cache_file`` or ``jieba.cache``; a marshalled (FREQ, total) pair.
    """
    if tokenizer.dictionary != jieba.DEFAULT_DICT:
        return False
    folder = Path(tokenizer.tmp_dir or tempfile.gettempdir())
    try:
        freq, total = marshal.loads((folder / (tokenizer.cache_file or "jieba.cache")).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if not isinstance(freq, dict) or not isinstance(total, int):
        return False
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return True
