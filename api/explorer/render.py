"""HTML for the explorer: the Jinja2 templates beside this module, with autoescaping, and the
filters they use (a link's path segment, the highlighted quote, Chinese names of levels).

Example:
    >>> str(highlight("严格落实《重大行政决策程序暂行条例》。", ["重大行政决策程序暂行条例"]))
    '严格落实《<mark>重大行政决策程序暂行条例</mark>》。'
    >>> segment("鄂发〔2016〕22号/附件")
    '%E9%84%82%E5%8F%91%E3%80%942016%E3%80%9522%E5%8F%B7%2F%E9%99%84%E4%BB%B6'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent / "templates"

LEVEL_NAMES = {
    "province": "省级",
    "prefecture": "地级",
    "county": "县级",
    "township": "乡级",
    "village": "村级",
    "other": "其他",
}
KIND_NAMES = {
    "law": "法律",
    "administrative_regulation": "行政法规",
    "local_regulation": "地方性法规",
    "party_regulation": "党内法规",
    "normative_document": "规范性文件",
    "other": "其他",
}
LABEL_NAMES = {
    "Policy": "政策文件",
    "Region": "地区",
    "Program": "工作项目",
    "Institution": "机构",
    "Report": "报告",
}


def segment(value: str) -> str:
    """``value`` quoted as one URL path segment (a ``/`` in a title is no separator)."""
    return quote(value, safe="")


def highlight(sentence: str, spellings: Iterable[str]) -> Markup:
    """``sentence`` escaped, every written spelling of the policy in it marked."""
    wanted = sorted({s for s in spellings if s}, key=len, reverse=True)
    if not wanted:
        return escape(sentence)
    pattern = re.compile("|".join(re.escape(s) for s in wanted))
    parts, last = [], 0
    for match in pattern.finditer(sentence):
        parts.append(escape(sentence[last : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        last = match.end()
    parts.append(escape(sentence[last:]))
    return Markup("").join(parts)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["segment"] = segment
    env.filters["highlight"] = highlight
    env.filters["level_name"] = lambda v: LEVEL_NAMES.get(v or "other", v)
    env.filters["kind_name"] = lambda v: KIND_NAMES.get(v or "other", v)
    env.filters["label_name"] = lambda v: LABEL_NAMES.get(v, v)
    return env


ENVIRONMENT = _environment()


def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template rendered as an HTML response."""
    html = ENVIRONMENT.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)
