"""Warning-sign screening: tiers, restrictions, readiness (issue 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot.domain.screening import (
    QUESTION_IDS,
    QUESTIONS,
    TIER_ORDER,
    ScreeningRecord,
    UnansweredQuestions,
    assess,
    emergency_number,
    readiness,
)

ALL_NO = dict.fromkeys(QUESTION_IDS, False)
DAY = dt.date(2026, 11, 25)


def test_every_question_is_plain_cited_and_unique() -> None:
    assert len(set(QUESTION_IDS)) == len(QUESTIONS) >= 15
    for question in QUESTIONS:
        assert question.text.endswith("?")
        assert question.source
        if question.tier == "soon":
            assert "mobility_only" in question.restrictions


def test_the_issue_lists_signs_are_all_asked() -> None:
    text = " ".join(q.text.lower() for q in QUESTIONS)
    for words in (
        "chest pain",
        "jaw",
        "drooping face",
        "dizziness",
        "double vision",
        "worst",
        "stiff neck",
        "bladder",
        "1 metre",
        "65",
        "injected drugs",
        "cancer",
        "weight",
        "wake you",
        "osteoporosis",
        "one arm",
        "arthritis",
        "breathing",
    ):
        assert words in text, words


def test_no_is_clear() -> None:
    result = assess(ALL_NO)
    assert result.tier == "clear"
    assert result.restrictions == frozenset()


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_each_question_alone_yields_its_tier(question: object) -> None:
    from unknot.domain.screening import Question

    assert isinstance(question, Question)
    result = assess({**ALL_NO, question.id: True})
    assert result.tier == question.tier
    assert result.restrictions == frozenset(question.restrictions)
    assert result.flagged == (question.id,)


@given(st.sets(st.sampled_from(QUESTION_IDS)))
def test_most_severe_tier_and_union_of_restrictions(yes: set[str]) -> None:
    result = assess({q: q in yes for q in QUESTION_IDS})
    chosen = [q for q in QUESTIONS if q.id in yes]
    expected = max((q.tier for q in chosen), key=TIER_ORDER.__getitem__, default="clear")
    assert result.tier == expected
    assert result.restrictions == frozenset(r for q in chosen for r in q.restrictions)


def test_every_question_needs_an_answer() -> None:
    partial = dict(ALL_NO)
    del partial["chest_pain"]
    with pytest.raises(UnansweredQuestions, match="unanswered: chest_pain"):
        assess(partial)
    with pytest.raises(UnansweredQuestions, match="unknown: made_up"):
        assess({**ALL_NO, "made_up": True})


def test_advice_says_what_to_do() -> None:
    urgent = assess({**ALL_NO, "chest_pain": True, "cancer_history": True})
    advice = urgent.advice("999")
    assert advice.startswith("Stop: do not exercise. Call 999 now")
    assert "chest pain" in advice
    assert "cancer" not in advice
    soon = assess({**ALL_NO, "one_arm_symptoms": True}).advice("112")
    assert "within the next few days" in soon
    assert "no strengthening" in soon


def record(tier_yes: str | None, taken: dt.date = DAY, **extra: Any) -> ScreeningRecord:
    answers = {**ALL_NO, **({tier_yes: True} if tier_yes else {})}
    return ScreeningRecord(taken_on=taken, result=assess(answers), **extra)


def test_readiness_rules() -> None:
    assert readiness([], DAY, {}).needs_screening
    clear = readiness([record(None, pain={"neck": 4})], DAY, {"neck": 5})
    assert clear.may_start
    assert clear.restrictions == frozenset()
    blocked = readiness([record("stroke_signs")], DAY, {})
    assert not blocked.may_start
    assert not blocked.needs_screening
    assert "Call 999 now" in blocked.explanation("999")
    cleared = readiness([record("stroke_signs", cleared_on=DAY)], DAY, {})
    assert cleared.may_start
    soon = readiness([record("osteoporosis_or_steroids")], DAY, {})
    assert soon.may_start
    assert soon.restrictions == {"mobility_only", "no_end_range_spinal_flexion"}
    after_clearance = readiness([record("osteoporosis_or_steroids", cleared_on=DAY)], DAY, {})
    assert after_clearance.restrictions == {"no_end_range_spinal_flexion"}


def test_answering_no_again_lowers_no_warning() -> None:
    """Issue 12: re-answering every question "no" after an urgent result lifted the lock."""
    later = DAY + dt.timedelta(days=1)
    urgent, all_no = record("stroke_signs"), record(None, taken=later)
    again = readiness([urgent, all_no], later, {})
    assert not again.may_start
    assert again.standing is not None
    assert again.standing.tier == "urgent"
    assert again.standing.flagged == ("stroke_signs",)
    # A clearance dated before the screening it should answer does not count.
    early = urgent.model_copy(update={"cleared_on": DAY - dt.timedelta(days=1)})
    assert not readiness([early, all_no], later, {}).may_start
    seen = urgent.model_copy(update={"cleared_on": DAY})
    assert readiness([seen, all_no], later, {}).may_start
    # A soon result keeps its restrictions through a clear re-screening, until cleared.
    soon = record("one_arm_symptoms")
    held = readiness([soon, all_no], later, {})
    assert held.may_start
    assert held.restrictions == {"mobility_only", "no_neck_circling"}
    # And a new screening may raise the tier.
    worse = readiness([soon, record("chest_pain", taken=later)], later, {})
    assert not worse.may_start
    assert worse.standing is not None
    assert set(worse.standing.flagged) == {"one_arm_symptoms", "chest_pain"}
    # Held back for re-screening, the restrictions still reach the planner.
    stale = readiness([soon], DAY + dt.timedelta(days=40), {})
    assert stale.needs_screening
    assert "mobility_only" in stale.restrictions


def test_rescreening_after_four_weeks_a_rise_or_a_new_area() -> None:
    old = record(None, taken=DAY - dt.timedelta(days=28), pain={"neck": 4})
    assert readiness([old], DAY, {"neck": 4}).needs_screening
    fresh = record(None, taken=DAY - dt.timedelta(days=27), pain={"neck": 4})
    assert readiness([fresh], DAY, {"neck": 5}).may_start
    rise = readiness([fresh], DAY, {"neck": 6})
    assert rise.needs_screening
    assert "2 points above" in rise.reason
    new_area = readiness([fresh], DAY, {"neck": 4, "lower_back": 3})
    assert new_area.needs_screening
    assert "new area" in new_area.reason


@pytest.mark.parametrize(
    ("locale", "number"),
    [
        ("en_US.UTF-8", "911"),
        ("en_GB.UTF-8", "999"),
        ("de_DE.UTF-8", "112"),
        (None, "112"),
        ("en_AU", "000"),
        ("C", "112"),
    ],
)
def test_emergency_number_by_locale(locale: str | None, number: str) -> None:
    assert emergency_number(locale) == number
