"""The region × year panel a social scientist loads into Stata, R or pandas for a regression.

Rows are every region that has at least one report (within the filters), for every year from
the first to the last report year of those reports (or ``year_from`` … ``year_to`` when given):
a region-year without a report is a row with ``has_report = 0`` and its policy cells missing
(NA), never 0 — not publishing is not citing nothing. Two reports about one region and year
make one row: ``reports`` counts them, ``report_id`` joins their ids with ``;``, ``published``
is the earliest date, a policy is cited when either cites it and ``mentions`` adds both up.

Policies are chosen by title or 文号 (in the order given), by kind (every cited policy of that
kind, most cited first) or as the top N most cited (of a kind, when one is given); nothing
chosen means the top 20. Each gets a short key ``p1``, ``p2`` … so that its columns
``cited_p1`` (0/1) and ``mentions_p1`` are valid Stata names; :meth:`Panel.labels` maps keys to
titles (written beside the data file, and as Stata variable labels in a ``.dta``).

Wide: one row per region × year, two columns per policy. Long: one row per region × year ×
policy with ``policy_key``, ``policy_id``, ``policy_title``, ``cited``, ``mentions``.

Example:
    >>> from graph.memory import MemoryStore
    >>> build_panel(MemoryStore(None), PolicySelection(top=5)).frame.columns.tolist()[:6]
    ['region_code', 'region_name', 'level', 'province_code', 'prefecture_code', 'year']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd

from graph.model import Label
from graph.store import GraphStore, Node
from ingest.vocabulary import PolicyKind
from queries.panel import MAX_POLICIES
from queries.panel import QUERY as PANEL_QUERY
from services.errors import UserInputError
from services.lookups import require_policy
from services.querying import bind, run_named

PanelShape = Literal["wide", "long"]
PanelFileFormat = Literal["csv", "parquet", "dta"]
DEFAULT_TOP = 20
STATA_LABEL_CHARS = 80  # Stata's limit for a variable label

COLUMN_LABELS: dict[str, str] = {
    "region_code": "GB/T 2260 code of the region",
    "region_name": "name of the region",
    "level": "province, prefecture, county, township, village or other",
    "province_code": "code of the province the region is or lies in",
    "prefecture_code": "code of the prefecture the region is or lies in",
    "year": "year reported on",
    "has_report": "1 when the region has a report on the year, else 0",
    "reports": "number of reports on the year",
    "report_id": "report id(s), ';' between two",
    "published": "earliest publication date (YYYY-MM-DD)",
    "policy_key": "short key of the policy (p1, p2 ...)",
    "policy_id": "policy id in the graph (canonical title or 文号)",
    "policy_title": "policy title",
    "cited": "1 when a report of the year cites the policy; missing without report",
    "mentions": "mentions of the policy in the year's reports; missing without report",
}
REGION_COLUMNS = ("region_code", "region_name", "level", "province_code", "prefecture_code")
YEAR_COLUMNS = ("year", "has_report", "reports", "report_id", "published")
POLICY_COLUMNS = ("policy_key", "policy_id", "policy_title", "cited", "mentions")


@dataclass(frozen=True, slots=True)
class PolicySelection:
    """Which policies the panel has columns for: ``titles`` (titles or 文号, in this order), or
    ``kind`` and / or ``top`` (the N most cited); nothing given: the top 20."""

    titles: Sequence[str] = ()
    kind: str | None = None
    top: int | None = None


@dataclass(frozen=True, slots=True)
class PanelFilters:
    """Which reports (and so which regions and years) the panel covers; None: any."""

    year_from: int | None = None
    year_to: int | None = None
    level: str | None = None
    province_code: str | None = None

    @classmethod
    def of(cls, **given: Any) -> PanelFilters:
        """The filters named in ``given``; an unknown name is a clear error.

        Example:
            >>> PanelFilters.of(year_from=2019).params()
            {'year_from': 2019}
        """
        unknown = sorted(set(given) - {f.name for f in fields(cls)})
        if unknown:
            valid = ", ".join(f.name for f in fields(cls))
            raise UserInputError(f"panel filter {', '.join(unknown)} unknown; valid: {valid}")
        return cls(**given)

    def params(self) -> dict[str, Any]:
        """The filters that were given, as query parameters."""
        given = {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "level": self.level,
            "province_code": self.province_code,
        }
        return {name: value for name, value in given.items() if value is not None}


@dataclass(frozen=True, slots=True)
class PanelPolicy:
    """One chosen policy and the short key its columns are named by."""

    key: str
    policy_id: str
    title: str | None
    kind: str | None

    @property
    def cited_column(self) -> str:
        """``cited_<key>`` (0/1, missing without report)."""
        return f"cited_{self.key}"

    @property
    def mentions_column(self) -> str:
        """``mentions_<key>`` (missing without report)."""
        return f"mentions_{self.key}"


@dataclass(frozen=True, slots=True)
class Panel:
    """The panel as a DataFrame, the policies of its columns and its shape (wide or long)."""

    frame: pd.DataFrame
    policies: list[PanelPolicy] = field(default_factory=list)
    shape: PanelShape = "wide"

    def labels(self) -> pd.DataFrame:
        """One row per policy: key, policy_id, title, kind and its wide column names."""
        rows = [
            (p.key, p.policy_id, p.title, p.kind, p.cited_column, p.mentions_column)
            for p in self.policies
        ]
        columns = ["key", "policy_id", "title", "kind", "cited_column", "mentions_column"]
        return pd.DataFrame(rows, columns=columns)

    def variable_labels(self) -> dict[str, str]:
        """A label for every column (Stata's 80 characters at most), titles for the policies'."""
        labels = {name: text for name, text in COLUMN_LABELS.items() if name in self.frame}
        for policy in self.policies:
            labels[policy.cited_column] = f"cited {policy.title or policy.policy_id}"
            labels[policy.mentions_column] = f"mentions {policy.title or policy.policy_id}"
        return {
            name: _shortened(text, STATA_LABEL_CHARS)
            for name, text in labels.items()
            if name in self.frame
        }


# --- choosing the policies ----------------------------------------------------------------


def select_policies(
    store: GraphStore, selection: PolicySelection, filters: PanelFilters | None = None
) -> list[PanelPolicy]:
    """The policies ``selection`` names, keyed ``p1``, ``p2`` … in column order.

    Example:
        >>> from graph.memory import MemoryStore
        >>> select_policies(MemoryStore(None), PolicySelection(titles=["行政处罚法"]))
        Traceback (most recent call last):
        services.errors.NotFoundError: no policy titled '行政处罚法'
    """
    if selection.titles and (selection.kind is not None or selection.top is not None):
        raise UserInputError("choose policies by title, or by kind and / or top N: not both")
    if selection.titles:
        ids = [_policy_titled(store, title) for title in selection.titles]
    else:
        ids = _most_cited(store, selection, filters or PanelFilters())
    return _keyed(store, ids)


def _policy_titled(store: GraphStore, title: str) -> str:
    """The id of the policy titled (or numbered) ``title``; NotFoundError with the closest."""
    return require_policy(store, title=title).key


def _most_cited(store: GraphStore, selection: PolicySelection, filters: PanelFilters) -> list[str]:
    if selection.kind is not None and selection.kind not in set(PolicyKind):
        valid = ", ".join(PolicyKind)
        raise UserInputError(f"policy kind {selection.kind!r}: not one of {valid}")
    if selection.top is not None and not 1 <= selection.top <= MAX_POLICIES:
        raise UserInputError(f"top {selection.top}: give a number from 1 to {MAX_POLICIES}")
    limit = selection.top or (MAX_POLICIES if selection.kind else DEFAULT_TOP)
    params = {**filters.params(), "kind": selection.kind, "limit": limit}
    rows = run_named(store, "top_cited_policies", params)
    return [row["policy_id"] for row in rows]


def _keyed(store: GraphStore, ids: list[str]) -> list[PanelPolicy]:
    """Keys ``p1`` … in order; a policy named twice (two spellings of one) keeps its first."""
    unique = list(dict.fromkeys(ids))
    nodes = store.get_nodes(Label.POLICY, unique)
    return [
        PanelPolicy(f"p{n}", policy_id, _prop(node, "title"), _prop(node, "kind"))
        for n, (policy_id, node) in enumerate(zip(unique, nodes, strict=True), start=1)
    ]


def _prop(node: Node | None, name: str) -> str | None:
    value = None if node is None else node.props.get(name)
    return None if value is None else str(value)


# --- the panel ------------------------------------------------------------------------------


def build_panel(
    store: GraphStore,
    selection: PolicySelection | None = None,
    filters: PanelFilters | None = None,
    shape: PanelShape = "wide",
) -> Panel:
    """The panel of the store's reports (see the module docstring for rows and columns)."""
    if shape not in get_args(PanelShape):
        raise UserInputError(f"panel shape {shape!r}: wide or long")
    filters = filters or PanelFilters()
    bind(PANEL_QUERY, {**filters.params(), "policy_ids": ["?"]})  # bad filters named as such
    policies = select_policies(store, selection or PolicySelection(), filters)
    wide = _wide(_report_rows(store, policies, filters), policies, filters)
    frame = wide if shape == "wide" else _long(wide, policies)
    return Panel(frame=frame, policies=policies, shape=shape)


def _report_rows(
    store: GraphStore, policies: list[PanelPolicy], filters: PanelFilters
) -> pd.DataFrame:
    """The ``panel`` query's rows, one per report, a ``mentions_<key>`` column per policy."""
    if not policies:
        return pd.DataFrame(columns=[*REGION_COLUMNS, "year", "report_id", "published"])
    params = bind(PANEL_QUERY, {**filters.params(), "policy_ids": [p.policy_id for p in policies]})
    rows = store.run(PANEL_QUERY, params)
    columns = [c for c in PANEL_QUERY.columns if c != "mentions"]
    reports = pd.DataFrame(rows, columns=[*columns, "mentions"])
    counts = [p.mentions_column for p in policies]
    mentions = pd.DataFrame(reports.pop("mentions").tolist(), columns=counts, dtype="int64")
    return pd.concat([reports, mentions], axis=1)


def _wide(
    reports: pd.DataFrame, policies: list[PanelPolicy], filters: PanelFilters
) -> pd.DataFrame:
    """One row per region with a report × year of the span, report and policy columns."""
    grid = _grid(reports, filters)
    per_year = _per_region_year(reports, policies)
    panel = grid.merge(per_year, on=["region_code", "year"], how="left")
    has_report = panel["reports"].notna()
    panel.insert(len(REGION_COLUMNS) + 1, "has_report", has_report.astype("int64"))
    panel["reports"] = panel["reports"].fillna(0).astype("int64")
    for policy in policies:
        mentions = panel.pop(policy.mentions_column).astype("Int64")
        panel[policy.cited_column] = (mentions > 0).astype("Int64").mask(~has_report)
        panel[policy.mentions_column] = mentions.mask(~has_report)
    return panel.reset_index(drop=True)


def _grid(reports: pd.DataFrame, filters: PanelFilters) -> pd.DataFrame:
    """Every region of ``reports`` with every year of the span, by region code and year."""
    regions = reports.drop_duplicates("region_code")[list(REGION_COLUMNS)]
    years = pd.DataFrame({"year": _years(reports, filters)}, dtype="int64")
    grid = regions.merge(years, how="cross")
    return grid.sort_values(["region_code", "year"], kind="stable")


def _years(reports: pd.DataFrame, filters: PanelFilters) -> list[int]:
    """``year_from`` … ``year_to``, each bound taken from the reports when not given."""
    if reports.empty:
        return []
    first = filters.year_from if filters.year_from is not None else int(reports["year"].min())
    last = filters.year_to if filters.year_to is not None else int(reports["year"].max())
    return list(range(first, last + 1))


def _per_region_year(reports: pd.DataFrame, policies: list[PanelPolicy]) -> pd.DataFrame:
    """Reports added up per region and year: count, ids, earliest date, summed mentions."""
    sums = {p.mentions_column: (p.mentions_column, "sum") for p in policies}
    ordered = reports.sort_values(["region_code", "year", "report_id"], kind="stable")
    grouped = ordered.groupby(["region_code", "year"], as_index=False, sort=True)
    return grouped.agg(
        reports=("report_id", "size"),
        report_id=("report_id", ";".join),
        published=("published", "min"),  # ISO dates: the earliest; unknown ones skipped
        **sums,
    )


def _long(wide: pd.DataFrame, policies: list[PanelPolicy]) -> pd.DataFrame:
    """One row per region × year × policy (policies in key order within a region-year)."""
    base = list(REGION_COLUMNS + YEAR_COLUMNS)
    parts = [_one_policy(wide[base], wide, policy, n) for n, policy in enumerate(policies)]
    if not parts:
        return pd.DataFrame(columns=[*base, *POLICY_COLUMNS])
    stacked = pd.concat(parts, ignore_index=True)
    stacked = stacked.sort_values(["region_code", "year", "_order"], kind="stable")
    return stacked.drop(columns="_order").reset_index(drop=True)


def _one_policy(
    base: pd.DataFrame, wide: pd.DataFrame, policy: PanelPolicy, n: int
) -> pd.DataFrame:
    return base.assign(
        policy_key=policy.key,
        policy_id=policy.policy_id,
        policy_title=policy.title,
        cited=wide[policy.cited_column],
        mentions=wide[policy.mentions_column],
        _order=n,
    )


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- files ----------------------------------------------------------------------------------


def panel_file_format(path: Path, file_format: str | None = None) -> PanelFileFormat:
    """``file_format`` when given, else the format ``path``'s suffix names.

    Example:
        >>> panel_file_format(Path("panel.dta")), panel_file_format(Path("x"), "parquet")
        ('dta', 'parquet')
    """
    chosen = file_format or path.suffix.lstrip(".").lower()
    for known in get_args(PanelFileFormat):
        if chosen == known:
            return known  # type: ignore[no-any-return]
    valid = ", ".join(get_args(PanelFileFormat))
    raise UserInputError(f"{path}: file format {chosen!r} unknown; valid formats: {valid}")


def write_panel(panel: Panel, path: Path, file_format: str | None = None) -> list[Path]:
    """Write the panel to ``path`` (CSV in UTF-8, Parquet, or Stata 118 with UTF-8 strings and
    variable labels) and its policy labels to ``<stem>.policies.csv`` beside it.

    Example:
        >>> import tempfile
        >>> from graph.memory import MemoryStore
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = write_panel(build_panel(MemoryStore(None)), Path(folder) / "p.csv")
        >>> [p.name for p in paths]
        ['p.csv', 'p.policies.csv']
    """
    fmt = panel_file_format(path, file_format)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        panel.frame.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "parquet":
        panel.frame.to_parquet(path, index=False)
    else:
        _write_stata(panel, path)
    labels = path.with_name(f"{path.stem}.policies.csv")
    panel.labels().to_csv(labels, index=False, encoding="utf-8")
    return [path, labels]


def _write_stata(panel: Panel, path: Path) -> None:
    """Stata 14+ format (118): strings in UTF-8, missing strings empty as Stata has them."""
    frame = panel.frame.copy()
    for name in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            frame[name] = frame[name].astype("object").where(frame[name].notna(), "")
    frame.to_stata(
        path,
        write_index=False,
        version=118,
        variable_labels=panel.variable_labels(),
        data_label="Fazhi Graph panel: region x year",
    )
