"""Developer tools that are not part of the Fazhi Graph package, e.g. a local Neo4j server.

Example:
    >>> from devtools import neo4j_local
    >>> neo4j_local.LOCAL_DATABASE
    'neo4j'
"""
