"""Warning-sign screening: the questions as data, and one function that weighs the answers.

unknot does not diagnose. These questions only decide how soon a person should get care and what
the planner must leave out meanwhile. Facts and sources: shared/notes/clinical.md ("Red flags");
guidelines agree poorly and rest mostly on expert opinion (Feller et al., Arch Physiother 2024),
so when unsure the rules send people to a clinician.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final, Literal

from pydantic import Field

from unknot.domain.exercise import Strict
from unknot.domain.profile import Restriction

Tier = Literal["clear", "soon", "urgent"]
TIER_ORDER: Final[dict[Tier, int]] = {"clear": 0, "soon": 1, "urgent": 2}

# A screening lasts four weeks; then it is asked again (issue 5).
VALID_FOR: Final = dt.timedelta(days=28)
# Pain this many points above the screening's level, or in a new area, asks again (issue 5).
PAIN_RISE_RESCREEN: Final = 2


class Question(Strict):
    """One warning sign, asked as a yes/no question."""

    id: str
    text: str
    tier: Tier
    restrictions: tuple[Restriction, ...] = ()
    source: str


SOON: Final[tuple[Restriction, ...]] = ("mobility_only",)

QUESTIONS: Final[tuple[Question, ...]] = (
    Question(
        id="chest_pain",
        text="Do you have chest pain, tightness or pressure, now or when you exert yourself?",
        tier="urgent",
        source="Clinical notes, red flags: cardiac",
    ),
    Question(
        id="arm_jaw_with_breathlessness",
        text=(
            "Does pain spread into your arm or jaw together with breathlessness, a cold sweat "
            "or feeling light-headed?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: cardiac (arm pain alone is asked separately)",
    ),
    Question(
        id="stroke_signs",
        text=(
            "Have you noticed a drooping face, weakness on one side of the body, slurred speech, "
            "or a sudden loss of balance or sight?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: stroke (BE FAST)",
    ),
    Question(
        id="dizziness_with_new_neck_pain",
        text=(
            "Has new, sudden dizziness, nausea or unsteadiness come on together with new neck "
            "pain or a new headache?"
        ),
        tier="urgent",
        source=(
            "Clinical notes, red flags: cervical arterial dysfunction (Rushton et al., IFOMPT "
            "framework, JOSPT 2023); dizziness or nausea alone is common and not urgent"
        ),
    ),
    Question(
        id="cranial_nerve_signs",
        text=(
            "Have you had any new double vision, trouble speaking or swallowing, numbness in "
            "your face, or sudden falls without fainting?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: the 5 D's and 3 N's (Rushton et al., JOSPT 2023)",
    ),
    Question(
        id="worst_headache",
        text="Have you had a sudden, severe headache, the worst you have ever had?",
        tier="urgent",
        source="Clinical notes, red flags: sudden worst-ever headache",
    ),
    Question(
        id="fever_stiff_neck",
        text=(
            "Do you have a fever together with a stiff neck, vomiting, a rash, confusion, or "
            "discomfort looking at light?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: meningitis",
    ),
    Question(
        id="spinal_cord_signs",
        text=(
            "Are your hands getting clumsy or your walking or balance getting worse, do you have "
            "numbness or weakness in both arms or in your legs, or new trouble controlling your "
            "bladder or bowels?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: cervical myelopathy (Cook et al. 2010)",
    ),
    Question(
        id="recent_injury",
        text=(
            "Did this neck pain start within 7 days of a fall from over 1 metre or 5 stairs, a "
            "blow to the top of the head, or a fast, rollover or bicycle crash; after any neck "
            "injury at 65 or older; or have you had tingling in your arms or legs since an injury?"
        ),
        tier="urgent",
        source="Canadian C-Spine Rule (Stiell et al., JAMA 2001), via the clinical notes",
    ),
    Question(
        id="fever_risk_of_infection",
        text=(
            "Do you have a fever or chills and also a weakened immune system, use injected "
            "drugs, or have had an infection or an operation recently?"
        ),
        tier="urgent",
        source="Clinical notes, red flags: spinal infection",
    ),
    Question(
        id="cancer_history",
        text="Have you ever had cancer?",
        tier="soon",
        restrictions=SOON,
        source="Clinical notes, red flags: history of cancer (NICE CKS neck pain)",
    ),
    Question(
        id="weight_loss",
        text="Have you lost weight recently without trying?",
        tier="soon",
        restrictions=SOON,
        source="Clinical notes, red flags: unexplained weight loss",
    ),
    Question(
        id="constant_worsening_pain",
        text=(
            "Is your pain constant and getting worse, not eased by rest or changing position, "
            "or does it wake you most nights?"
        ),
        tier="soon",
        restrictions=SOON,
        source=(
            "Clinical notes, red flags: constant, worsening pain (an ordinary night ache is "
            "common and not a flag on its own)"
        ),
    ),
    Question(
        id="osteoporosis_or_steroids",
        text="Do you have osteoporosis, or have you taken steroid tablets for several months?",
        tier="soon",
        restrictions=("mobility_only", "no_end_range_spinal_flexion"),
        source=(
            "Clinical notes, red flags: osteoporosis or long steroid use (avoid end-range flexion)"
        ),
    ),
    Question(
        id="one_arm_symptoms",
        text="Do you have pain, numbness, tingling or weakness in one arm?",
        tier="soon",
        restrictions=("mobility_only", "no_neck_circling"),
        source="Clinical notes, red flags: radiculopathy (avoid neck circling)",
    ),
    Question(
        id="arthritis_or_neck_surgery",
        text=(
            "Do you have an inflammatory arthritis (such as rheumatoid arthritis or ankylosing "
            "spondylitis), or have you had an operation on your neck?"
        ),
        tier="soon",
        restrictions=SOON,
        source="Clinical notes, red flags: inflammatory arthritis; previous neck surgery",
    ),
    Question(
        id="breathless_on_exercise",
        text="Do you have difficulty breathing when you exercise?",
        tier="soon",
        restrictions=SOON,
        source="Seed article, when to seek medical advice: difficulty breathing",
    ),
)
QUESTION_IDS: Final[tuple[str, ...]] = tuple(q.id for q in QUESTIONS)
BY_ID: Final[dict[str, Question]] = {q.id: q for q in QUESTIONS}


class ScreeningResult(Strict):
    """What the answers mean: how soon to get care, and what the planner must leave out."""

    tier: Tier
    restrictions: frozenset[Restriction]
    flagged: tuple[str, ...]
    """Ids of the questions answered yes."""

    def advice(self, emergency_number: str) -> str:
        """What to do, in plain words."""
        if self.tier == "urgent":
            return (
                f"Stop: do not exercise. Call {emergency_number} now, or have someone take you "
                "to an emergency department. These signs need a doctor today: "
                + "; ".join(
                    BY_ID[q].text.rstrip("?").lower() if q in BY_ID else q.replace("_", " ")
                    for q in self.flagged
                    if q not in BY_ID or BY_ID[q].tier == "urgent"
                )
                + ". Sessions stay locked until you record that a clinician has seen you and "
                "cleared you."
            )
        if self.tier == "soon":
            return (
                "See a doctor or physiotherapist within the next few days and tell them what you "
                "answered. Until you record that they cleared you, unknot plans only gentle "
                "mobility: no strengthening and no progression."
            )
        return (
            "No warning signs. Stop exercising and answer these questions again if anything "
            "new appears, and see a clinician if your pain persists or worsens."
        )


class UnansweredQuestions(ValueError):
    """Every question needs a yes or a no."""


def assess(answers: Mapping[str, bool]) -> ScreeningResult:
    """The most severe tier among the yes answers, with the union of their restrictions."""
    missing = [q for q in QUESTION_IDS if q not in answers]
    unknown = sorted(set(answers) - set(QUESTION_IDS))
    if missing or unknown:
        parts = []
        if missing:
            parts.append("unanswered: " + ", ".join(missing))
        if unknown:
            parts.append("unknown: " + ", ".join(unknown))
        raise UnansweredQuestions("; ".join(parts))
    flagged = tuple(q.id for q in QUESTIONS if answers[q.id])
    tier: Tier = "clear"
    restrictions: set[Restriction] = set()
    for question_id in flagged:
        question = BY_ID[question_id]
        if TIER_ORDER[question.tier] > TIER_ORDER[tier]:
            tier = question.tier
        restrictions.update(question.restrictions)
    return ScreeningResult(tier=tier, restrictions=frozenset(restrictions), flagged=flagged)


class ScreeningRecord(Strict):
    """A screening on record: when, what it found, the pain it was taken at, any clearance."""

    taken_on: dt.date
    result: ScreeningResult
    pain: dict[str, int] = Field(default_factory=dict)
    cleared_on: dt.date | None = None
    """The day a clinician saw the person and cleared them, as the person recorded it."""
    id: int | None = None
    """The stored screening's id (None before it is stored)."""

    @property
    def cleared(self) -> bool:
        """Cleared by a clinician who saw the person on or after this screening."""
        return self.cleared_on is not None and self.cleared_on >= self.taken_on

    @property
    def outstanding(self) -> bool:
        """Found a warning sign that no clearance has answered yet."""
        return self.result.tier != "clear" and not self.cleared


def standing(records: Sequence[ScreeningRecord]) -> ScreeningResult | None:
    """What the screenings on record (oldest first) mean now; None when there are none.

    A new screening may raise the tier but lowers none: an urgent or soon result and its
    restrictions stand until a clearance dated on or after that screening is recorded (issue 12:
    answering every question "no" after an urgent result lifted the lock at once). Once cleared,
    the latest screening's restrictions stay, except "mobility only", which was the wait for the
    clinician.
    """
    if not records:
        return None
    latest = records[-1]
    outstanding = [r for r in records if r.outstanding]
    tier: Tier = "clear"
    restrictions: set[Restriction] = set()
    flagged: dict[str, None] = {}
    for record in outstanding:
        if TIER_ORDER[record.result.tier] > TIER_ORDER[tier]:
            tier = record.result.tier
        restrictions.update(record.result.restrictions)
        flagged.update(dict.fromkeys(record.result.flagged))
    if latest.cleared:
        restrictions.update(latest.result.restrictions - {"mobility_only"})
    return ScreeningResult(tier=tier, restrictions=frozenset(restrictions), flagged=tuple(flagged))


class Readiness(Strict):
    """Whether a session may start, and with what restrictions."""

    may_start: bool
    needs_screening: bool
    reason: str
    restrictions: frozenset[Restriction] = frozenset()
    """What the planner must leave out, whether or not a session may start today."""
    standing: ScreeningResult | None = None
    """What the screenings on record mean now (see `standing`)."""

    def explanation(self, emergency_number: str) -> str:
        """The reason, followed by the advice of the standing result when sessions are held."""
        if self.may_start or self.standing is None or self.standing.tier == "clear":
            return self.reason
        if self.standing.tier == "urgent":
            return self.standing.advice(emergency_number)  # it says the sessions are locked
        return f"{self.reason} {self.standing.advice(emergency_number)}"


def readiness(
    records: Sequence[ScreeningRecord], today: dt.date, pain: Mapping[str, int]
) -> Readiness:
    """Apply the screening rules to the screenings on record (oldest first) and today's pain."""
    result = standing(records)
    if result is None:
        return Readiness(
            may_start=False, needs_screening=True, reason="No screening on record yet."
        )
    record = records[-1]
    if result.tier == "urgent":
        return Readiness(
            may_start=False,
            needs_screening=False,
            reason=(
                "A screening found signs that need a doctor urgently; sessions stay locked "
                "until you record that a clinician has seen you and cleared you."
            ),
            restrictions=result.restrictions,
            standing=result,
        )
    if today - record.taken_on >= VALID_FOR:
        return Readiness(
            may_start=False,
            needs_screening=True,
            reason="Your last screening is 4 weeks old or more; please answer the questions again.",
            restrictions=result.restrictions,
            standing=result,
        )
    for area, score in pain.items():
        before = record.pain.get(area)
        if before is None and score > 0:
            return Readiness(
                may_start=False,
                needs_screening=True,
                reason=f"You report pain in a new area ({area.replace('_', ' ')}); "
                "please answer the questions again.",
                restrictions=result.restrictions,
                standing=result,
            )
        if before is not None and score >= before + PAIN_RISE_RESCREEN:
            return Readiness(
                may_start=False,
                needs_screening=True,
                reason=(
                    f"Your {area.replace('_', ' ')} pain is {score}/10, {score - before} points "
                    "above when you were screened; please answer the questions again."
                ),
                restrictions=result.restrictions,
                standing=result,
            )
    reason = "Screened on " + record.taken_on.isoformat() + "."
    if result.tier == "soon":
        reason += (
            " A warning sign still waits for a clinician: until you record that one has seen "
            "you, unknot plans only gentle mobility."
        )
    return Readiness(
        may_start=True,
        needs_screening=False,
        reason=reason,
        restrictions=result.restrictions,
        standing=result,
    )


# Emergency numbers by country (ISO 3166 alpha-2), used when none is configured.
EMERGENCY_NUMBERS: Final[dict[str, str]] = {
    "US": "911",
    "CA": "911",
    "MX": "911",
    "GB": "999",
    "IE": "112",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
}
DEFAULT_EMERGENCY_NUMBER: Final = "112"


def emergency_number(locale_name: str | None) -> str:
    """The emergency number for a locale such as "en_US.UTF-8"; 112 when unknown."""
    if locale_name:
        country = locale_name.split(".")[0].replace("-", "_").split("_")[-1].upper()
        return EMERGENCY_NUMBERS.get(country, DEFAULT_EMERGENCY_NUMBER)
    return DEFAULT_EMERGENCY_NUMBER
