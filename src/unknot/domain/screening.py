"""Warning-sign screening: the questions as data, and one function that weighs the answers.

unknot does not diagnose. These questions only decide how soon a person should get care and what
the planner must leave out meanwhile. Facts and sources: shared/notes/clinical.md ("Red flags");
guidelines agree poorly and rest mostly on expert opinion (Feller et al., Arch Physiother 2024),
so when unsure the rules send people to a clinician.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final, Literal, NamedTuple

from pydantic import Field, field_validator

from unknot.domain.exercise import Strict
from unknot.domain.profile import Restriction

Tier = Literal["clear", "soon", "same_day", "emergency"]
TIER_ORDER: Final[dict[Tier, int]] = {"clear": 0, "soon": 1, "same_day": 2, "emergency": 3}
# Stored before issue 14, which split "urgent" into "emergency" and "same day"; everything that
# reads a tier (the database, imports, the API) maps the old name.
LEGACY_TIERS: Final[dict[str, Tier]] = {"urgent": "emergency"}
# A result's heading, in words for the person (the advice follows it).
TIER_TITLES: Final[dict[Tier, str]] = {
    "emergency": "Get help now",
    "same_day": "See a doctor today",
    "soon": "See a clinician in the next few days",
    "clear": "You can exercise",
}
# Tiers that hold every session until a clinician's clearance is recorded.
LOCKING: Final[frozenset[Tier]] = frozenset({"same_day", "emergency"})

# A screening lasts four weeks; then it is asked again (issue 5).
VALID_FOR: Final = dt.timedelta(days=28)
# Pain this many points above the screening's level, or in a new area, asks again (issue 5).
PAIN_RISE_RESCREEN: Final = 2

IFOMPT: Final = "Rushton et al., IFOMPT Cervical Framework, JOSPT 2023;53(1):7-22"
CCR: Final = "Canadian C-Spine Rule, Stiell et al., JAMA 2001;286:1841-8"
FINUCANE: Final = "Finucane et al., red flags for serious spinal pathology, JOSPT 2020;50(7)"
OURS: Final = "consensus, ours, after a physiotherapist's review of unknot (issue 14)"


class Question(Strict):
    """One warning sign, asked as a yes/no question.

    `tier` is how soon to get care when this is the only yes, and `restrictions` what the planner
    leaves out meanwhile: two separate columns (issue 14). A follow-up (`ask_if`) is asked only
    after a yes to the question it names; unasked, it counts as no.
    """

    id: str
    text: str
    finding: str
    """What a yes means, in words for the advice ("chest pain that did not settle")."""
    tier: Tier
    restrictions: tuple[Restriction, ...] = ()
    ask_if: str | None = None
    source: str


class Combination(Strict):
    """A rule over several answers: all of `all_of` and at least one of `any_of` (when given)."""

    all_of: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    tier: Tier
    restrictions: tuple[Restriction, ...] = ()
    finding: str
    source: str

    def applies(self, yes: frozenset[str]) -> bool:
        return set(self.all_of) <= yes and (not self.any_of or bool(yes & set(self.any_of)))


def _q(
    id: str,
    text: str,
    finding: str,
    tier: Tier,
    source: str,
    restrictions: tuple[Restriction, ...] = (),
    ask_if: str | None = None,
) -> Question:
    return Question(
        id=id,
        text=text,
        finding=finding,
        tier=tier,
        restrictions=restrictions,
        ask_if=ask_if,
        source=source,
    )


# The question table: emergency signs first, then same-day, then soon, then what only qualifies
# other answers (age). Facts and sources: shared/notes/clinical.md.
QUESTIONS: Final[tuple[Question, ...]] = (
    _q(
        "chest_pain",
        "Do you have chest pain, tightness or pressure right now, or did it come on and not "
        "settle within a few minutes of rest?",
        "chest pain or pressure that is there now or did not settle with rest",
        "emergency",
        "Clinical notes, red flags: cardiac",
    ),
    _q(
        "heart_attack_signs",
        "Now or in the last few hours, have you had pain or pressure in your chest, jaw, neck, "
        "arm or between your shoulder blades together with sweating, feeling sick, "
        "breathlessness or light-headedness?",
        "pain in the chest, jaw, neck, arm or between the shoulder blades with sweating, "
        "sickness, breathlessness or light-headedness",
        "emergency",
        "Clinical notes, red flags: cardiac; Mehta et al., AHA statement, Circulation 2016 "
        "(women often without classic chest pain)",
    ),
    _q(
        "stroke_signs",
        "In the last few days, have you noticed a drooping face, weakness or numbness on one "
        "side of your body, slurred speech, or a sudden loss of balance or sight, that no doctor "
        "has checked yet?",
        "signs of a stroke",
        "emergency",
        "Clinical notes, red flags: stroke (BE FAST)",
    ),
    _q(
        "thunderclap_headache",
        "In the last few days, have you had a sudden, severe headache that reached its worst "
        "within a minute or so, and that no doctor has checked yet?",
        "a sudden, severe headache",
        "emergency",
        "Clinical notes, red flags: sudden worst-ever headache",
    ),
    _q(
        "tearing_pain",
        "Since this pain began, have you had a sudden, severe tearing or ripping pain in your "
        "chest or between your shoulder blades?",
        "sudden tearing pain in the chest or between the shoulder blades",
        "emergency",
        "Aortic dissection: Erbel et al., ESC guidelines on aortic diseases, Eur Heart J 2014",
    ),
    _q(
        "sudden_breathlessness",
        "In the last few days, have you suddenly become short of breath while resting, or "
        "coughed up blood?",
        "sudden breathlessness at rest, or coughing blood",
        "emergency",
        "Pulmonary embolism: Konstantinides et al., ESC guidelines, Eur Heart J 2020",
    ),
    _q(
        "cord_signs",
        "Over the last hours or days, have you got new numbness or weakness in both arms or in "
        "your legs, any change in bladder or bowel control, or numbness between your legs or "
        "around your bottom?",
        "new numbness or weakness in both arms or the legs, or a bladder, bowel or saddle change",
        "emergency",
        f"Clinical notes, red flags: cervical myelopathy, cauda equina; {FINUCANE}",
    ),
    _q(
        "horner_signs",
        "Since your neck or head pain began, have you noticed one drooping eyelid or one pupil "
        "smaller than the other?",
        "a drooping eyelid or a small pupil with new neck or head pain",
        "emergency",
        f"Horner's signs in cervical arterial dysfunction: {IFOMPT}",
    ),
    _q(
        "meningitis_signs",
        "Do you have a fever together with a neck so stiff you cannot touch your chin to your "
        "chest, or with a rash, confusion, or discomfort looking at light?",
        "fever with a very stiff neck, a rash, confusion or light sensitivity",
        "emergency",
        "Clinical notes, red flags: meningitis (an aching neck with flu is common and not this)",
    ),
    _q(
        "exertion_pressure",
        "Has pressure, tightness or pain in your chest or upper back come on when you exerted "
        "yourself, and settled when you rested?",
        "chest or upper-back pressure brought on by effort",
        "same_day",
        "Heart disease in women often shows as back, jaw or between-the-shoulders pain without "
        "classic chest pain: Mehta et al., AHA statement, Circulation 2016;133:916-47",
    ),
    _q(
        "sudden_unusual_pain",
        "Did your neck or head pain come on suddenly, and is it unlike any pain you have had "
        "before?",
        "sudden neck or head pain unlike any before",
        "same_day",
        f"Unusual new neck pain or headache in cervical arterial dysfunction: {IFOMPT}",
    ),
    _q(
        "brainstem_signs",
        "Since this neck pain began, have you had double vision, slurred speech, trouble "
        "swallowing, numbness in your face, or falls without fainting?",
        "double vision, slurred speech, trouble swallowing, face numbness or drop attacks",
        "emergency",
        f"The 5 D's and 3 N's: {IFOMPT}; posterior circulation stroke or a torn neck artery",
    ),
    _q(
        "arterial_signs",
        "Since this neck pain began, have you had new dizziness, nausea or unsteadiness?",
        "new dizziness, nausea or unsteadiness with new neck pain",
        "same_day",
        f"{IFOMPT} (dizziness alone is common; with new neck pain it needs a doctor)",
        restrictions=("mobility_only", "no_neck_circling"),
    ),
    _q(
        "slow_cord_signs",
        "Over weeks or months, have your hands become clumsier (buttons, writing, dropping "
        "things) or your walking less steady?",
        "hands getting clumsier or walking getting less steady",
        "same_day",
        "Clinical notes, red flags: cervical myelopathy (Cook et al. 2010); slowly worsening "
        "signs need a doctor soon, not an ambulance",
        restrictions=("mobility_only",),
    ),
    _q(
        "fever_risk_of_infection",
        "Do you have a fever or chills and also a weakened immune system, use injected drugs, "
        "or have you had an infection or an operation in the last few weeks?",
        "fever or chills with a weak immune system, injected drugs, or a recent infection or "
        "operation",
        "same_day",
        f"Clinical notes, red flags: spinal infection; {FINUCANE}",
    ),
    _q(
        "band_pain",
        "Do you have a band of burning pain on one side of your chest or back?",
        "a band of burning pain on one side",
        "soon",
        "Band-like pain alone is common in rib and nerve pain; with a rash it may be shingles "
        "(NICE CKS, Shingles)",
    ),
    _q(
        "shingles_signs",
        "Is there a rash there, or blisters?",
        "a band of burning pain with a rash on one side",
        "same_day",
        "Shingles: antivirals work best within 72 hours of the rash (NICE CKS, Shingles)",
        ask_if="band_pain",
    ),
    _q(
        "injury_7_days",
        "Have you hurt your neck in the last 7 days, in a fall, a knock or a crash?",
        "a neck injury in the last 7 days",
        "soon",
        f"{CCR} (a minor injury without its high-risk signs)",
        restrictions=("mobility_only",),
    ),
    _q(
        "injury_dangerous",
        "Was it a fall from more than 1 metre or 5 stairs, a blow to the top of your head, or "
        "a fast, rollover or bicycle crash?",
        "a neck injury in the last 7 days from a fall from a height, a blow to the top of the "
        "head, or a fast crash",
        "same_day",
        f"{CCR}: dangerous mechanism",
        restrictions=("mobility_only",),
        ask_if="injury_7_days",
    ),
    _q(
        "injury_midline",
        "Is the bony middle of the back of your neck painful or tender to touch since then?",
        "pain in the middle of the back of the neck since the injury",
        "same_day",
        f"{CCR}: midline tenderness",
        restrictions=("mobility_only",),
        ask_if="injury_7_days",
    ),
    _q(
        "injury_tingling",
        "Since the injury, have you had tingling, pins and needles or numbness in your arms or "
        "legs?",
        "tingling in the arms or legs since the injury",
        "emergency",
        f"{CCR}: paraesthesias in the limbs",
        restrictions=("mobility_only",),
        ask_if="injury_7_days",
    ),
    _q(
        "injury_unchecked",
        "Did a significant neck injury more than 7 days ago start this pain, and has no "
        "clinician checked it?",
        "a significant neck injury that no clinician has checked",
        "soon",
        f"{CCR}; {OURS}",
        restrictions=("mobility_only",),
    ),
    _q(
        "cancer_history",
        "Have you ever had cancer?",
        "a history of cancer",
        "soon",
        "Clinical notes, red flags: history of cancer (NICE CKS neck pain)",
    ),
    _q(
        "cancer_new_back_pain",
        "Since then, has new pain started in your neck or back?",
        "new neck or back pain after cancer",
        "soon",
        "Metastatic spinal cord compression: NICE NG234, 2023",
        restrictions=("mobility_only",),
        ask_if="cancer_history",
    ),
    _q(
        "cancer_pain_constant",
        "Is that pain constant, or worse at night?",
        "new neck or back pain after cancer that is constant or worse at night",
        "same_day",
        "Metastatic spinal cord compression: NICE NG234, 2023",
        restrictions=("mobility_only",),
        ask_if="cancer_new_back_pain",
    ),
    _q(
        "arm_nerve_symptoms",
        "Do you have pain below the elbow, or numbness, pins and needles or weakness, in one arm?",
        "nerve symptoms in one arm",
        "soon",
        "Clinical notes, red flags: radiculopathy (pain in the shoulder or upper arm alone is "
        "common and not asked)",
        restrictions=("no_neck_circling", "no_arm_nerve_provocation"),
    ),
    _q(
        "arm_right",
        "Is it your right arm? (Answer no for the left.)",
        "in the right arm",
        "clear",
        "Which arm, for the record and for the clinician",
        ask_if="arm_nerve_symptoms",
    ),
    _q(
        "arm_weakness_worsening",
        "Is weakness in that arm getting worse?",
        "weakness in one arm getting worse",
        "same_day",
        "Clinical notes, red flags: radiculopathy, worsening → same day",
        restrictions=("mobility_only",),
        ask_if="arm_nerve_symptoms",
    ),
    _q(
        "lhermitte_sign",
        "When you bend your head forward, do you feel an electric-shock feeling down your back "
        "or into your arms or legs?",
        "an electric-shock feeling down the back or limbs on bending the head forward",
        "soon",
        f"Lhermitte's sign, a sign of spinal cord irritation; {OURS}",
        restrictions=("no_end_range_neck_flexion", "no_neck_circling"),
    ),
    _q(
        "pulsing_in_ear",
        "Since this neck pain began, have you heard a pulsing or whooshing sound in one ear, in "
        "time with your heartbeat?",
        "a pulsing sound in one ear with new neck pain",
        # Same day, not within days: with new neck pain it can be the first sign of a torn neck
        # artery, which is treated to prevent a stroke (the physiotherapist's review, issue 19).
        "same_day",
        f"Pulsatile tinnitus in cervical arterial dysfunction: {IFOMPT}",
        restrictions=("no_neck_circling", "no_assisted_end_range_rotation"),
    ),
    _q(
        "weight_loss",
        "Have you lost weight in recent months without trying?",
        "weight loss without trying",
        "soon",
        "Clinical notes, red flags: unexplained weight loss",
    ),
    _q(
        "constant_worsening_pain",
        "Is your pain constant and getting worse, not eased by rest or changing position, or "
        "does it wake you most nights?",
        "pain that is constant and worsening, or wakes you most nights",
        "soon",
        "Clinical notes, red flags: constant, worsening pain (an ordinary night ache is common "
        "and not a flag on its own)",
        restrictions=("mobility_only",),
    ),
    _q(
        "breathing_pain",
        "Does it hurt in your chest or upper back when you breathe in deeply?",
        "pain on breathing in",
        "soon",
        "Konstantinides et al., ESC 2020: pain on breathing in alone is common in rib and "
        "joint strain; with breathlessness it is asked above",
    ),
    _q(
        "meal_pain",
        "Does your upper-back pain come with meals, or soon after eating?",
        "upper-back pain that comes with meals",
        "soon",
        f"Pain referred from the gut or gallbladder; {OURS}",
    ),
    _q(
        "sudden_pain_minor_strain",
        "Did sudden pain start in your upper back after only a minor strain, a cough, a sneeze "
        "or a small fall?",
        "sudden upper-back pain after a minor strain, cough or fall",
        "soon",
        f"Osteoporotic vertebral fracture: {FINUCANE}",
        restrictions=("no_end_range_spinal_flexion",),
    ),
    _q(
        "osteoporosis_or_steroids",
        "Do you have osteoporosis, or have you taken steroid tablets for 3 months or more?",
        "osteoporosis or long steroid use",
        "clear",
        "Clinical notes, red flags: osteoporosis or long steroid use (strengthening is good for "
        "bones; avoid loaded end-range flexion and an assisted twist)",
        restrictions=("no_end_range_spinal_flexion", "no_assisted_end_range_rotation"),
    ),
    _q(
        "arthritis_or_neck_surgery",
        "Do you have an inflammatory arthritis (such as rheumatoid arthritis or ankylosing "
        "spondylitis), or have you had an operation on your neck?",
        "an inflammatory arthritis or neck surgery",
        "soon",
        "Clinical notes, red flags: inflammatory arthritis; previous neck surgery (in rheumatoid "
        "arthritis the top of the neck can be unstable, bending forward most)",
        restrictions=(
            "no_neck_circling",
            "no_assisted_end_range_rotation",
            "no_end_range_neck_flexion",
        ),
    ),
    _q(
        "breathless_on_exercise",
        "Do you get unusually short of breath when you exercise?",
        "unusual breathlessness on exercise",
        "soon",
        "Seed article, when to seek medical advice: difficulty breathing",
        restrictions=("no_high_impact",),
    ),
    _q(
        "age_50_plus",
        "Are you 50 or older?",
        "aged 50 or over",
        "clear",
        "Age qualifies other answers (arteritis, fracture, injury)",
    ),
    _q(
        "age_65_plus",
        "Are you 65 or older?",
        "aged 65 or over",
        "clear",
        f"{CCR}: age 65 or over",
        ask_if="age_50_plus",
    ),
    _q(
        "first_onset_unwell",
        "Is this the first time you have had neck pain, and do you feel generally unwell?",
        "first neck pain over 50 while feeling generally unwell",
        "soon",
        f"{FINUCANE}; {OURS}",
        ask_if="age_50_plus",
    ),
    _q(
        "arteritis_signs",
        "Have you had a new headache with a tender scalp, or pain in your jaw when you chew?",
        "a new headache over 50 with a tender scalp or jaw pain on chewing",
        "same_day",
        "Giant cell arteritis: Mackie et al., BSR guideline, Rheumatology 2020;59:e1-e23",
        ask_if="age_50_plus",
    ),
    _q(
        "arteritis_vision",
        "Has your sight changed at all: blurring, double vision, or loss of sight in one eye, "
        "even briefly?",
        "a change in sight with a new headache, a tender scalp or jaw pain on chewing (over 50)",
        "emergency",
        "Giant cell arteritis with visual symptoms is an emergency: Mackie et al., BSR 2020",
        ask_if="arteritis_signs",
    ),
)
QUESTION_IDS: Final[tuple[str, ...]] = tuple(q.id for q in QUESTIONS)
BY_ID: Final[dict[str, Question]] = {q.id: q for q in QUESTIONS}
NEUROLOGICAL: Final = ("slow_cord_signs", "arm_nerve_symptoms", "lhermitte_sign", "cord_signs")

# Combinations: answers that mean more together than alone (Finucane 2020: combinations of
# flags matter more than single ones).
COMBINATIONS: Final[tuple[Combination, ...]] = (
    Combination(
        all_of=("sudden_unusual_pain",),
        any_of=("arterial_signs", "horner_signs", "pulsing_in_ear", "injury_7_days"),
        tier="emergency",
        finding="sudden, unusual neck or head pain with arterial signs",
        source=IFOMPT,
    ),
    Combination(
        all_of=("injury_dangerous",),
        any_of=("injury_midline", "injury_tingling"),
        tier="emergency",
        restrictions=("mobility_only",),
        finding="a dangerous neck injury with midline pain or tingling",
        source=CCR,
    ),
    Combination(
        all_of=("injury_7_days", "age_65_plus"),
        tier="same_day",
        restrictions=("mobility_only",),
        finding="a neck injury in the last 7 days at 65 or over",
        source=CCR,
    ),
    Combination(
        all_of=("cancer_new_back_pain",),
        any_of=(*NEUROLOGICAL, "arm_weakness_worsening"),
        tier="emergency",
        restrictions=("mobility_only",),
        finding="new neck or back pain after cancer with nerve symptoms",
        source="Metastatic spinal cord compression: NICE NG234, 2023",
    ),
    Combination(
        all_of=("cancer_history",),
        any_of=("constant_worsening_pain", "weight_loss"),
        tier="same_day",
        restrictions=("mobility_only",),
        finding="a history of cancer with constant or worsening pain, or weight loss",
        source=f"{FINUCANE}: combinations of flags matter more than single ones",
    ),
    Combination(
        all_of=("arthritis_or_neck_surgery",),
        any_of=("lhermitte_sign", "slow_cord_signs", "arm_nerve_symptoms"),
        tier="same_day",
        restrictions=("mobility_only",),
        finding="an inflammatory arthritis or neck surgery with nerve or spinal-cord symptoms",
        source=f"Upper cervical instability in rheumatoid arthritis; {OURS}",
    ),
    Combination(
        all_of=("lhermitte_sign", "arm_nerve_symptoms"),
        tier="same_day",
        restrictions=("mobility_only",),
        finding="an electric-shock feeling on bending the head with nerve symptoms in an arm",
        source=f"Possible spinal cord compression; {OURS}",
    ),
    Combination(
        all_of=("sudden_pain_minor_strain",),
        any_of=("osteoporosis_or_steroids", "age_65_plus"),
        tier="same_day",
        restrictions=("mobility_only", "no_end_range_spinal_flexion"),
        finding="sudden upper-back pain after a minor strain, with thin bones or at 65 or over",
        source=f"Osteoporotic vertebral fracture: {FINUCANE}",
    ),
)


# What a yes meant for questions asked before issue 14, and for symptoms reported during a
# session (a stored result names them by id), so that older records still read plainly.
EARLIER_FINDINGS: Final[dict[str, str]] = {
    "arm_jaw_with_breathlessness": "pain into the arm or jaw with breathlessness, a sweat or "
    "light-headedness",
    "dizziness_with_new_neck_pain": "new dizziness or unsteadiness with new neck pain",
    "cranial_nerve_signs": "double vision, trouble speaking or swallowing, or face numbness",
    "worst_headache": "a sudden, severe headache",
    "fever_stiff_neck": "fever with a stiff neck",
    "spinal_cord_signs": "clumsy hands, unsteady walking, or numbness in both arms or the legs",
    "recent_injury": "a recent neck injury",
    "one_arm_symptoms": "symptoms in one arm",
    "numbness_one_arm": "new numbness, tingling or weakness in one arm during a session",
    "numbness_both_arms_or_legs": "numbness or weakness in both arms or the legs during a session",
    "spreading_arm_symptoms": "symptoms spreading into an arm during a session",
    "dizziness": "dizziness during a session",
    "visual_change": "a change in vision during a session",
    "breathlessness": "breathlessness during a session",
}


INJURIES: Final = frozenset(
    {"injury_7_days", "injury_dangerous", "injury_midline", "injury_tingling", "recent_injury"}
)
INJURY_NOTE: Final = (
    " After an injury, do not drive yourself and keep your neck as still as you can."
)


class ScreeningResult(Strict):
    """What the answers mean: how soon to get care, and what the planner must leave out."""

    tier: Tier
    restrictions: frozenset[Restriction]
    flagged: tuple[str, ...]
    """Ids of the questions answered yes (and, for results from a session, the symptoms)."""
    findings: tuple[str, ...] = ()
    """What set the tier, in words, most serious first (empty for results stored before)."""

    @field_validator("tier", mode="before")
    @classmethod
    def _current_name(cls, value: object) -> object:
        return LEGACY_TIERS.get(value, value) if isinstance(value, str) else value

    @property
    def holds_sessions(self) -> bool:
        """Whether this result holds every session until a clinician's clearance (`LOCKING`)."""
        return self.tier in LOCKING

    def said(self) -> str:
        """The findings that set the tier, joined for a sentence."""
        found = list(self.findings) or [
            BY_ID[q].finding if q in BY_ID else EARLIER_FINDINGS.get(q, q.replace("_", " "))
            for q in self.flagged
            if q not in BY_ID or BY_ID[q].tier != "clear"
        ]
        return "; ".join(found)

    def advice(self, emergency_number: str) -> str:
        """What to do, written for someone who may be frightened: first the action, then why."""
        said = self.said()
        injured = INJURY_NOTE if set(self.flagged) & INJURIES else ""
        if self.tier == "emergency":
            return (
                f"Call {emergency_number} now, or have someone call for you, and do not drive "
                f"yourself. Do not exercise. Tell them what you noticed: {said}. This may be "
                f"nothing serious, but it needs checking straight away.{injured} Sessions wait "
                "until you record that a clinician has seen you."
            )
        if self.tier == "same_day":
            where = (
                "somewhere they can X-ray or scan you today (an emergency department or urgent "
                "care centre)"
                if injured
                else "a doctor today (your GP, an urgent care centre, or a phone health line)"
            )
            return (
                f"Please see {where}, and tell them what you answered: {said}. Do not exercise "
                f"until then. If it gets worse or something new appears, call "
                f"{emergency_number}.{injured} Sessions wait until you record that a clinician "
                "has seen you."
            )
        if self.tier == "soon":
            gentle = (
                " and plans only gentle mobility" if "mobility_only" in self.restrictions else ""
            )
            return (
                "Book a visit to a doctor or physiotherapist within the next few days and tell "
                f"them what you answered: {said}. This is not an emergency. Until you record "
                f"that they have seen you, unknot keeps your exercises at their current level"
                f"{gentle}."
            )
        return (
            "Nothing you answered needs a doctor's attention now, so you can exercise. If "
            "something new appears (numbness, weakness, dizziness, trouble breathing), stop "
            "and answer the questions again; see a clinician if your pain persists or worsens."
        )


class UnansweredQuestions(ValueError):
    """Every question that was asked needs a yes or a no."""


def asked(answers: Mapping[str, bool]) -> tuple[Question, ...]:
    """The questions these answers call for: every one without `ask_if`, and each follow-up of a
    yes."""
    return tuple(q for q in QUESTIONS if q.ask_if is None or answers.get(q.ask_if) is True)


def next_question(answers: Mapping[str, bool]) -> Question | None:
    """The first question these answers call for that is not answered yet; None when done.
    Follow-ups come right after the question they depend on, so asking in this order works."""
    return next((q for q in asked(answers) if q.id not in answers), None)


def assess(answers: Mapping[str, bool]) -> ScreeningResult:
    """The most severe tier among the yes answers and the combination rules, with the union of
    their restrictions. A follow-up answered after a no to its question is set aside."""
    unknown = sorted(set(answers) - set(QUESTION_IDS))
    # Follow-ups count only under a yes, and only when their own question counts.
    counted: dict[str, bool] = {}
    for question in QUESTIONS:
        counts = question.ask_if is None or counted.get(question.ask_if) is True
        if counts and question.id in answers:
            counted[question.id] = answers[question.id]
    missing = [q.id for q in asked(counted) if q.id not in counted]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("unanswered: " + ", ".join(missing))
        if unknown:
            parts.append("unknown: " + ", ".join(unknown))
        raise UnansweredQuestions("; ".join(parts))
    yes = frozenset(q for q, answer in counted.items() if answer)
    flagged = tuple(q.id for q in QUESTIONS if q.id in yes)
    reasons: list[tuple[Tier, str]] = [(BY_ID[q].tier, BY_ID[q].finding) for q in flagged]
    restrictions: set[Restriction] = {r for q in flagged for r in BY_ID[q].restrictions}
    for rule in COMBINATIONS:
        if rule.applies(yes):
            reasons.append((rule.tier, rule.finding))
            restrictions.update(rule.restrictions)
    tier: Tier = max((t for t, _ in reasons), key=TIER_ORDER.__getitem__, default="clear")
    ranked = sorted(reasons, key=lambda reason: -TIER_ORDER[reason[0]])
    findings = tuple(dict.fromkeys(f for t, f in ranked if t != "clear"))
    if "arm_nerve_symptoms" in yes:
        side = "right" if "arm_right" in yes else "left"
        findings = tuple(
            f.replace("in one arm", f"in the {side} arm") if "one arm" in f else f for f in findings
        )
    return ScreeningResult(
        tier=tier, restrictions=frozenset(restrictions), flagged=flagged, findings=findings
    )


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

    A new screening may raise the tier but lowers none: a warning and its restrictions stand
    until a clearance dated on or after that screening is recorded (issue 12: answering every
    question "no" after an urgent result lifted the lock at once). The latest screening's own
    restrictions always apply (osteoporosis rules out a loaded bend, cleared or not), except
    "mobility only" once cleared, which was the wait for the clinician.
    """
    if not records:
        return None
    latest = records[-1]
    outstanding = [r for r in records if r.outstanding]
    tier: Tier = "clear"
    restrictions: set[Restriction] = set(latest.result.restrictions)
    if latest.cleared:
        restrictions.discard("mobility_only")
    flagged: dict[str, None] = {}
    findings: dict[str, None] = {}
    # Most serious first, so that the advice names what matters most before the rest.
    for record in sorted(outstanding, key=lambda r: -TIER_ORDER[r.result.tier]):
        if TIER_ORDER[record.result.tier] > TIER_ORDER[tier]:
            tier = record.result.tier
        restrictions.update(record.result.restrictions)
        # Waiting for the clinician: no progression until cleared (clinical notes, "soon").
        restrictions.add("no_progression")
        flagged.update(dict.fromkeys(record.result.flagged))
        findings.update(dict.fromkeys(record.result.findings))
    return ScreeningResult(
        tier=tier,
        restrictions=frozenset(restrictions),
        flagged=tuple(flagged),
        findings=tuple(findings),
    )


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
        if self.standing.tier in LOCKING:
            return self.standing.advice(emergency_number)  # it says the sessions wait
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
    if result.tier in LOCKING:
        when = "straight away" if result.tier == "emergency" else "today"
        return Readiness(
            may_start=False,
            needs_screening=False,
            reason=(
                f"A screening found signs that need a doctor {when}; sessions wait until you "
                "record that a clinician has seen you and cleared you."
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
    day = record.taken_on
    reason = f"Screened on {day.day} {day:%B %Y}."
    if result.tier == "soon":
        gentle = " and plans only gentle mobility" if "mobility_only" in result.restrictions else ""
        reason += (
            " A warning sign still waits for a clinician: until you record that one has seen "
            f"you, unknot keeps your exercises at their current level{gentle}."
        )
    return Readiness(
        may_start=True,
        needs_screening=False,
        reason=reason,
        restrictions=result.restrictions,
        standing=result,
    )


# Emergency numbers by country (ISO 3166 alpha-2) for an ambulance; 112 also works from any
# mobile phone in the EU and many other countries. Sources: each country's own emergency
# services (EU: europa.eu/112; UK: NHS; US: 911.gov; AU: triplezero.gov.au).
_EUROPE_112: Final = (
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IS"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
)
EMERGENCY_NUMBERS: Final[dict[str, str]] = {
    **dict.fromkeys(_EUROPE_112, "112"),
    "US": "911",
    "CA": "911",
    "MX": "911",
    "GB": "999",
    "IE": "112",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
    "ZA": "112",
    "JP": "119",
    "KR": "119",
    "CN": "120",
    "HK": "999",
    "SG": "995",
    "BR": "192",
    "AR": "107",
    "CH": "144",
    "NO": "113",
    "IL": "101",
    "AE": "998",
    "SA": "997",
    "TR": "112",
    "UA": "103",
    "PH": "911",
}
DEFAULT_EMERGENCY_NUMBER: Final = "112"
COUNTRY_NAMES: Final[dict[str, str]] = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia",
    "BE": "Belgium", "BG": "Bulgaria", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland",
    "CN": "China", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark",
    "EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom",
    "GR": "Greece", "HK": "Hong Kong", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IL": "Israel", "IN": "India", "IS": "Iceland", "IT": "Italy", "JP": "Japan",
    "KR": "South Korea", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "MX": "Mexico", "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand",
    "PH": "Philippines", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SA": "Saudi Arabia",
    "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia", "TR": "Türkiye",
    "UA": "Ukraine", "US": "United States", "ZA": "South Africa",
}  # fmt: skip


class EmergencyNumber(NamedTuple):
    """The number to call, and whether it is a guess the person should check."""

    number: str
    guessed: bool


def emergency_number_for(country: str | None) -> EmergencyNumber:
    """The number for a country the person chose; a guess (112) when unknown."""
    if country and country.upper() in EMERGENCY_NUMBERS:
        return EmergencyNumber(EMERGENCY_NUMBERS[country.upper()], guessed=False)
    return EmergencyNumber(DEFAULT_EMERGENCY_NUMBER, guessed=True)


def country_of(language: str | None) -> str | None:
    """The country in a locale or language tag ("en_GB.UTF-8", "en-GB,en;q=0.9"), if any."""
    if not language:
        return None
    first = language.split(",")[0].split(";")[0].split(".")[0].replace("-", "_")
    parts = first.split("_")
    return parts[-1].upper() if len(parts) > 1 and len(parts[-1]) == 2 else None


def emergency_number(locale_name: str | None) -> str:
    """The emergency number for a locale such as "en_US.UTF-8"; 112 when unknown."""
    return emergency_number_for(country_of(locale_name)).number


# The screening form's themes (issue 17: forty questions in one list): each question asked
# first, with its follow-ups, under one heading. The table above keeps its order (emergency
# signs first); the form asks theme by theme.
QUESTION_THEMES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (
        "Right now: your chest, breathing and head",
        (
            "chest_pain",
            "heart_attack_signs",
            "tearing_pain",
            "sudden_breathlessness",
            "exertion_pressure",
            "stroke_signs",
            "thunderclap_headache",
            "meningitis_signs",
            "fever_risk_of_infection",
        ),
    ),
    (
        "Warning signs from your nerves and blood vessels",
        (
            "cord_signs",
            "slow_cord_signs",
            "brainstem_signs",
            "arterial_signs",
            "horner_signs",
            "pulsing_in_ear",
            "sudden_unusual_pain",
            "arm_nerve_symptoms",
            "lhermitte_sign",
        ),
    ),
    (
        "Your pain",
        (
            "constant_worsening_pain",
            "band_pain",
            "breathing_pain",
            "meal_pain",
            "sudden_pain_minor_strain",
            "weight_loss",
        ),
    ),
    ("Injuries", ("injury_7_days", "injury_unchecked")),
    (
        "Your health history",
        (
            "cancer_history",
            "osteoporosis_or_steroids",
            "arthritis_or_neck_surgery",
            "breathless_on_exercise",
            "age_50_plus",
        ),
    ),
)
