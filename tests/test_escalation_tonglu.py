"""Tonglu County's four-tier coordination ladder (2014), tier by tier."""

from __future__ import annotations

import datetime as dt

from projpush.escalation import (
    EscalationPolicy,
    Ladder,
    accountability_list,
    advance,
    assign,
    escalate,
    timeline,
)
from projpush.model import Issue
from projpush.report import policy_set

D = dt.date
TONGLU = EscalationPolicy.tonglu()


def assigned() -> Issue:
    issue = Issue.collect(
        "Q-1", "P-1", category="land", title="林地调规", on=D(2020, 9, 28), by="服务秘书"
    )
    return assign(issue, D(2020, 9, 29), TONGLU, by="县重点办", owner="县交通局")


class TestTongluLadder:
    """The leader in charge → unit head → the county leader linked → the county's top leader."""

    def test_tiers_in_order(self) -> None:
        """Four tiers, lowest first, each with its owner and limit."""
        assert [
            ("unit_deputy", "责任单位分管领导", 5),
            ("unit_head", "责任单位主要负责人", 5),
            ("county_leader", "联系项目县领导", 10),
            ("county_head", "县主要领导", 10),
        ] == [(t.name, t.owner, t.limit) for t in Ladder.tonglu().tiers]
        assert ("tonglu@1", "tonglu") == (TONGLU.key, TONGLU.ladder.name)

    def test_climbs_every_tier_without_skipping(self) -> None:
        """An issue left unresolved climbs one tier at a time, each on its limit's next day."""
        events = [
            (e.at, e.tier)
            for e in timeline(assigned(), TONGLU, D(2021, 1, 31))
            if e.kind.value == "escalated"
        ]
        assert [
            (D(2020, 10, 20), "unit_head"),
            (D(2020, 10, 28), "county_leader"),
            (D(2020, 11, 12), "county_head"),
        ] == events

    def test_top_tier_stays_and_is_listed(self) -> None:
        """Past the top tier's limit the issue stays there, red, on the accountability list."""
        issue = advance(assigned(), D(2021, 1, 31), TONGLU)
        assert ("county_head", "县主要领导", "red") == (
            issue.tier,
            issue.owner,
            issue.sheet.value if issue.sheet else None,
        )
        units = [e.unit for e in accountability_list([issue], D(2021, 1, 31))]
        assert "县主要领导" in units

    def test_escalate_by_hand_reaches_the_top(self) -> None:
        """Three escalations by hand take the entry tier to the top."""
        issue = assigned()
        for day in (D(2020, 9, 30), D(2020, 10, 9), D(2020, 10, 12)):
            issue = escalate(issue, day, TONGLU, by="县重点办", reason="需县领导协调")
        assert "county_head" == issue.tier

    def test_report_set(self) -> None:
        """The ``tonglu`` report set: Ningbo's lights, Tonglu's ladder."""
        chosen = policy_set("tonglu")
        assert ("ningbo", TONGLU) == (chosen.lights.name, chosen.escalation)
