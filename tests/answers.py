"""Screening answers as a person gives them: every question asked in order, follow-ups only
after a yes (domain.screening.next_question)."""

from __future__ import annotations

from unknot.domain.screening import BY_ID, next_question


def answers_for(*yes: str) -> dict[str, bool]:
    """A yes to these questions (and to the questions they follow up), no to the rest."""
    wanted = set(yes)
    for question_id in yes:
        parent = BY_ID[question_id].ask_if
        while parent is not None:
            wanted.add(parent)
            parent = BY_ID[parent].ask_if
    answers: dict[str, bool] = {}
    while (question := next_question(answers)) is not None:
        answers[question.id] = question.id in wanted
    return answers


def typed(*yes: str) -> str:
    """The same answers as typed at the terminal, one y or n per line."""
    return "".join("y\n" if answer else "n\n" for answer in answers_for(*yes).values())
