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
    assert readiness(None, DAY, {}).needs_screening
    clear = readiness(record(None, pain={"neck": 4}), DAY, {"neck": 5})
    assert clear.may_start
    assert clear.restrictions == frozenset()
    blocked = readiness(record("stroke_signs"), DAY, {})
    assert not blocked.may_start
    assert not blocked.needs_screening
    cleared = readiness(record("stroke_signs", cleared_on=DAY), DAY, {})
    assert cleared.may_start
    soon = readiness(record("osteoporosis_or_steroids"), DAY, {})
    assert soon.may_start
    assert soon.restrictions == {"mobility_only", "no_end_range_spinal_flexion"}
    after_clearance = readiness(record("osteoporosis_or_steroids", cleared_on=DAY), DAY, {})
    assert after_clearance.restrictions == {"no_end_range_spinal_flexion"}


def test_rescreening_after_four_weeks_a_rise_or_a_new_area() -> None:
    old = record(None, taken=DAY - dt.timedelta(days=28), pain={"neck": 4})
    assert readiness(old, DAY, {"neck": 4}).needs_screening
    fresh = record(None, taken=DAY - dt.timedelta(days=27), pain={"neck": 4})
    assert readiness(fresh, DAY, {"neck": 5}).may_start
    rise = readiness(fresh, DAY, {"neck": 6})
    assert rise.needs_screening
    assert "2 points above" in rise.reason
    new_area = readiness(fresh, DAY, {"neck": 4, "lower_back": 3})
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
