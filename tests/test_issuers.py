"""Issuer and author institutions, decided at extraction time from the extracted institutions."""

from __future__ import annotations

from dataclasses import replace

from ingest.extract.issuers import author_institution, policy_issuer, with_issuers
from ingest.model import InstitutionRef, Mention, PolicyRef
from ingest.vocabulary import PolicyKind
from tests import store_fixtures as fx

TITLE = "某县人民政府办公室关于印发某县工作规则的通知"
GOVERNMENT = InstitutionRef("某县人民政府", "某县人民政府", (Mention(3, 9),))
OFFICE = InstitutionRef("某县人民政府办公室", "县政府办", (Mention(3, 12),))


def notice(title: str = TITLE, refers_to: str | None = None) -> PolicyRef:
    mention = Mention(2, 2 + len(title) + 2)
    return PolicyRef(title, title, PolicyKind.NORMATIVE_DOCUMENT, (mention,), refers_to=refers_to)


def test_the_longest_institution_at_the_title_start_issues_the_policy() -> None:
    assert policy_issuer(notice(), [GOVERNMENT, OFFICE]) == "某县人民政府办公室"


def test_issuer_found_by_name_when_mentions_do_not_line_up() -> None:
    institutions = [replace(GOVERNMENT, mentions=()), replace(OFFICE, mentions=())]
    assert policy_issuer(notice(), institutions) == "某县人民政府办公室"


def test_an_institution_inside_the_title_is_not_its_issuer() -> None:
    bureau = InstitutionRef("某县司法局", "某县司法局", (Mention(20, 25),))
    assert policy_issuer(notice(title="关于某县司法局工作的通知"), [bureau]) is None


def test_short_titles_for_the_own_plan_get_no_issuer() -> None:
    assert policy_issuer(notice(refers_to="某县法治政府建设实施方案"), [OFFICE]) is None


def test_author_line_resolves_through_any_spelling() -> None:
    assert author_institution("县政府办", [GOVERNMENT, OFFICE]) == "某县人民政府办公室"
    assert author_institution("某县县委县政府", [OFFICE]) == "某县县委县政府"
    assert author_institution(None, [OFFICE]) is None


def test_fixture_issuers_are_what_extraction_would_decide() -> None:
    x = fx.report_a()
    decided = with_issuers((replace(p, issuer=None) for p in x.policies), x.institutions)
    assert decided == x.policies
    assert author_institution(x.report.author, x.institutions) == x.report.author_institution
