"""Fetching the corpus: a polite crawler of government sites and the web archive it keeps.

Crawling comes before ingest and knows nothing of what a report says: it finds report pages and
their attachments on the sites (``fetch.links``), fetches them with Scrapy (``fetch.spider``,
``fetch.crawl``: robots.txt, one request at a time per host with a delay, auto-throttle,
retries, redirects) and keeps every response as it came, with its provenance, in a WARC
archive with an index (``fetch.archive``). ``fazhi ingest ARCHIVE`` then reads the reports out
of the archive. So it is a floor of its own, below ``ingest``: ingest reads its archive, and it
imports nothing but ``config``.

Example:
    >>> from fetch.links import reads_as_report
    >>> reads_as_report("十堰市2023年法治政府建设年度报告", "https://www.shiyan.gov.cn/a.html")
    True
"""
