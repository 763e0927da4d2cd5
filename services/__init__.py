"""The one service layer every front end calls: the ``fazhi`` CLI (:mod:`cli`), the notebook
client (:mod:`client`), the GraphQL API (:mod:`api`) and the explorer to come.

Each module is one job on an open :class:`~graph.store.GraphStore`: ingest a set of files
(:mod:`services.ingesting`), find a policy or region by any spelling (:mod:`services.lookups`),
run a named query (:mod:`services.querying`), export the graph (:mod:`services.exporting`) and
list what needs review (:mod:`services.reviewing`). A bad request from any front end is a
:class:`~services.errors.UserInputError`. Services import the lower floors (config, ingest,
graph, queries) and never a front end (``python -m devtools.layers`` checks it).
"""
