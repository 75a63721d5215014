"""The use cases through the application object, on a real SQLite file and a fake clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.answers import answers_for
from unknot.clock import FakeClock
from unknot.services import errors, models
from unknot.services.actor import Actor
from unknot.services.application import Application


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def you(clock: FakeClock) -> Actor:
    return Application.from_environment(clock).local()


def cleared(you: Actor) -> None:
    you.submit_screening(answers_for())


def test_the_catalog_needs_no_database(private_folders: dict[str, Path]) -> None:
    catalog = Application.from_environment().catalog()
    assert len(catalog.catalog_records()) >= 20  # the 20 of the seed, their easier and harder steps
    assert catalog.exercise_record("chin-tuck")["phase"] == "strength"
    assert not (private_folders["data"] / "unknot.db").exists()


def test_a_person_is_looked_up_only_when_a_use_case_needs_one(
    private_folders: dict[str, Path],
) -> None:
    you = Application.from_environment().local()
    you.catalog_records(phase="static")
    assert not list(private_folders["data"].glob("*.db"))
    assert you.profile().minutes == 15
    assert list(private_folders["data"].glob("*.db"))


def test_a_missing_answer_names_the_questions_left(you: Actor) -> None:
    given = answers_for()
    first = next(iter(given))
    del given[first]
    with pytest.raises(errors.MissingAnswers) as raised:
        you.submit_screening(given)
    assert raised.value.missing == [first]
    assert you.latest_screening() is None


def test_an_emergency_answer_holds_everything_back_in_one_wording(you: Actor) -> None:
    outcome = you.submit_screening(answers_for("chest_pain"))
    assert outcome.standing.tier == "emergency"
    assert outcome.standing.holds_sessions
    now = you.situation()
    assert now.held_back is not None
    assert you.emergency() in now.held_back
    with pytest.raises(errors.SessionsHeldBack) as plan:
        you.today_plan()
    with pytest.raises(errors.SessionsHeldBack) as session:
        you.start_session(now)
    with pytest.raises(errors.SessionsHeldBack) as browser:
        you.begin_session()
    assert str(plan.value) == str(session.value) == str(browser.value) == now.held_back
    assert you.status().explanation == now.held_back
    ahead = you.plan_ahead(you.profile(), day=you.today_date())
    assert (ahead.tier, ahead.held_back, ahead.session) == ("emergency", now.held_back, None)


def test_a_new_no_does_not_lower_an_earlier_warning(you: Actor) -> None:
    you.submit_screening(answers_for("chest_pain"))
    again = you.submit_screening(answers_for())
    assert again.result.tier == "clear"
    assert again.standing.tier == "emergency"


def test_todays_plan_is_stored_once_and_swaps_replan(you: Actor) -> None:
    cleared(you)
    first = you.today_plan()
    assert you.today_plan().plan_id == first.plan_id
    out = first.items[-1].exercise_id
    swapped = you.swap_exercise(out)
    assert swapped.plan_id != first.plan_id
    assert out not in {i.exercise_id for i in swapped.items}
    assert swapped.swapped_out == (out,)
    with pytest.raises(errors.NotInPlan):
        you.swap_exercise("no-such-exercise")


def test_the_morning_question_follows_a_session_on_an_earlier_day(
    you: Actor, clock: FakeClock
) -> None:
    cleared(you)
    assert not you.today().ask_morning
    you.begin_session()
    assert not you.today().ask_morning  # the session is today's
    clock.advance(86_400)
    cleared(you)
    assert you.today().ask_morning
    you.record_checkin("morning", {"neck": 2})
    assert not you.today().ask_morning


def test_a_morning_check_in_belongs_to_the_session_before_today(
    you: Actor, clock: FakeClock
) -> None:
    cleared(you)
    started = you.begin_session()
    clock.advance(86_400)
    you.record_checkin("morning", {"neck": 3})
    morning = you._store.checkins(you.person_id)[-1]
    assert morning.session_id == started.session_id


def test_caches_belong_to_their_application(clock: FakeClock) -> None:
    """Two applications on one database share no replay: each replays from the stored log."""
    one = Application.from_environment(clock).local()
    cleared(one)
    session = one.begin_session()
    run = one.start_run(session.session_id, 0, session.session_key)
    assert one.record_event(session.session_id, run.run_id, 0, "start", 0.0, {}).stored
    assert len(one.app.replays) == 1
    other = Application.from_environment(clock).local()
    assert other.app.replays == {}
    clock.advance(1)
    receipt = other.record_event(session.session_id, run.run_id, 1, "pause", 1.0, {})
    assert (receipt.stored, receipt.replayed, receipt.waiting) == (True, 2, 0)
    assert one.forget()["sessions"] == 1
    assert one.app.replays == {}
    assert one.app.timelines == {}


def test_an_event_for_another_session_or_run_is_refused(you: Actor) -> None:
    cleared(you)
    session = you.begin_session()
    run = you.start_run(session.session_id, 0)
    with pytest.raises(errors.NoSuchSession):
        you.record_event(session.session_id + 1, run.run_id, 0, "start", 0.0, {})
    with pytest.raises(errors.NotThisSession):
        you.record_event(session.session_id, run.run_id, 0, "start", 0.0, {}, key="other")
    with pytest.raises(errors.EventRefused, match=r"^seq: "):
        you.record_event(session.session_id, run.run_id, 5_000, "start", 0.0, {})
    with pytest.raises(errors.EventRefused, match=r"^resume_at: "):
        you.start_run(session.session_id, 10_000)


def test_history_is_newest_first_and_typed(you: Actor, clock: FakeClock) -> None:
    cleared(you)
    first = you.start_session(you.situation())
    first.send(models.Start())
    first.send(models.Stop())
    clock.advance(3600)
    second = you.start_session(you.situation())
    past = you.session_history()
    assert [p.id for p in past] == [second.session_id, first.session_id]
    assert past[1].status == "stopped"
    assert isinstance(past[1].started_at, dt.datetime)


def test_a_clearance_before_the_warning_is_refused(you: Actor) -> None:
    you.submit_screening(answers_for("chest_pain"))
    with pytest.raises(errors.ClearanceProblem, match="came after"):
        you.record_clearance(you.today_date() - dt.timedelta(days=1), "Dr Rao", None)
    assert you.record_clearance(you.today_date(), "Dr Rao", None) == 1
    assert you.situation().held_back is None


def test_every_profile_choice_has_words() -> None:
    from unknot.services.models import EXPERIENCES, GOALS
    from unknot.services.vocabulary import POSITION_AVOIDANCES
    from unknot.services.wording import CHOICE_WORDS

    for choice in (*POSITION_AVOIDANCES, *EXPERIENCES, *GOALS):
        assert CHOICE_WORDS[choice][:1].isupper(), choice


def test_a_session_stopped_part_way_counts_as_partial(you: Actor, clock: FakeClock) -> None:
    """45 of 112 steps once counted as "0 sessions" (issue 17)."""
    cleared(you)
    stopped = you.start_session(you.situation())
    stopped.send(models.Start())
    clock.advance(stopped.remaining() or 0)
    stopped.tick()
    stopped.send(models.Stop())
    never_begun = you.start_session(you.situation())  # abandons nothing: the first has ended
    never_begun.send(models.Start())
    never_begun.send(models.Stop())
    adherence = you.progress_report(2).adherence
    assert (adherence.total_sessions, adherence.total_partly) == (0, 1)
    assert sum(w.partly for w in adherence.weeks) == 1
    assert you.session_history()[1].steps_done >= 1
