"""The example GraphQL query every front end shows: ``fazhi serve`` prints it, GraphiQL opens
with it, and the README quotes it (on the bundled samples it answers 海州区 and 锡林郭勒盟).

Example:
    >>> "重大行政决策程序暂行条例" in EXAMPLE_QUERY
    True
"""

from __future__ import annotations

EXAMPLE_QUERY = """{
  policy(title: "重大行政决策程序暂行条例") {
    title
    kind
    citations(first: 50) {
      totalCount
      edges { node { year region { name code } evidence { text } } }
    }
  }
}"""
