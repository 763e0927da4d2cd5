"""The explorer: web pages the app serves itself — no build step, no CDN, works offline.

``/`` searches policies (title, 文号), regions, programmes and institutions; a policy's page
maps the regions citing it, draws how many have cited it by each year and level, and lists the
citing reports with their evidence and the policies cited beside it; a region's page lists its
reports, what they cite, similar regions and its neighbours. Pages read through
:mod:`services.browsing` (the named queries GraphQL answers with); charts are plotly figures
drawn by the plotly.js the plotly package installs.

Example:
    >>> [route.path for route in router.routes][:4]
    ['/', '/search', '/policy/{written:path}', '/region/{written}']
"""

from api.explorer.routes import router

__all__ = ["router"]
