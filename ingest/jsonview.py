"""The public JSON shape of an :class:`Extraction` (what ``fazhi extract --json`` prints).

Example:
    >>> from ingest.model import ReportMeta
    >>> extraction_json(Extraction("a.txt", "id", "", ReportMeta()))["report"]["region"] is None
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.model import Attribution, Extraction, Mention, PolicyRef


def mentions_json(mentions: Sequence[Mention]) -> list[dict[str, int]]:
    """Mentions as ``[{"start", "end"}]``."""
    return [{"start": m.start, "end": m.end} for m in mentions]


def extraction_json(x: Extraction) -> dict[str, Any]:
    """One report's extraction as plain JSON-able data, offsets into ``x.text``."""
    return {
        "source": x.source,
        "report_id": x.report_id,
        "report": _report_json(x),
        "policies": [_policy_json(p) for p in x.policies],
        "doc_numbers": [
            {
                "text": d.text,
                "canonical": d.canonical,
                "issuer_code": d.issuer_code,
                "year": d.year,
                "serial": d.serial,
                "mentions": mentions_json(d.mentions),
            }
            for d in x.doc_numbers
        ],
        "regions": [
            {
                "name": r.name,
                "canonical": r.canonical,
                "code": r.code,
                "level": r.level,
                "candidates": list(r.candidates),
                "mentions": mentions_json(r.mentions),
            }
            for r in x.regions
        ],
        "institutions": [
            {
                "canonical": i.canonical,
                "variants": list(i.variants),
                "region_code": i.region_code,
                "kind": i.kind,
                "mentions": mentions_json(i.mentions),
            }
            for i in x.institutions
        ],
        "programs": [
            {
                "canonical": p.canonical,
                "variants": list(p.variants),
                "mentions": mentions_json(p.mentions),
            }
            for p in x.programs
        ],
        "metrics": [
            {"subject": m.subject, "value": m.value, "unit": m.unit, "start": m.start, "end": m.end}
            for m in x.metrics
        ],
        "warnings": list(x.warnings),
    }


def _report_json(x: Extraction) -> dict[str, Any]:
    r = x.report
    return {
        "title": r.title,
        "region": r.region,
        "region_code": r.region_code,
        "region_path": list(r.region_path),
        "year": r.year,
        "author": r.author,
        "published": r.published,
        "doc_number": r.doc_number,
        "attribution": {
            "region": attribution_json(r.region_attribution),
            "year": attribution_json(r.year_attribution),
            "author": attribution_json(r.author_attribution),
        },
        "needs_review": r.needs_review,
    }


def attribution_json(a: Attribution | None) -> dict[str, Any] | None:
    """Which evidence decided a report fact: ``{"source", "confidence", "inferred"}``.

    Example:
        >>> attribution_json(Attribution("title", 0.95))
        {'source': 'title', 'confidence': 0.95, 'inferred': False}
    """
    if a is None:
        return None
    return {"source": a.source, "confidence": a.confidence, "inferred": a.inferred}


def _policy_json(p: PolicyRef) -> dict[str, Any]:
    return {
        "title": p.title,
        "canonical": p.canonical,
        "kind": p.kind,
        "doc_number": p.doc_number,
        "issuer_region": p.issuer_region,
        "implements": list(p.implements),
        "variants": list(p.variants),
        "refers_to": p.refers_to,
        "mentions": mentions_json(p.mentions),
    }
