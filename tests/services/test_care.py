"""Care links (issue 20): asked by a clinician, accepted under a versioned consent text, ended
by either side at once; notes and who looked; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.answers import answers_for
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services import errors
from unknot.services.accounts import Account, hash_password
from unknot.services.application import Application
from unknot.services.care import CONSENT_VERSION

PASSWORD = "correct horse battery"


@pytest.fixture
def people(
    database_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Application, dict[str, Account]]]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    application = Application.from_settings(Settings(), FakeClock())
    accounts = application.accounts()
    made = accounts.create_first_administrator("Riverside", "admin@example.org", PASSWORD)
    records = accounts.records
    other = records.create_organisation("Elsewhere", accounts._now())
    for email, role, organisation in (
        ("ann@example.org", "person", made.organisation_id),
        ("lee@example.org", "clinician", made.organisation_id),
        ("eli@example.org", "clinician", other),
        ("pat@example.org", "person", other),
    ):
        records.create_account(
            organisation_id=organisation,
            role=role,
            now=accounts._now(),
            email=email,
            password_hash=hash_password(PASSWORD),
            new_person=role == "person",
        )
    everyone = {
        a.email.split("@")[0]: a
        for organisation in (made.organisation_id, other)
        for a in accounts.members(organisation)
        if a.email
    }
    yield application, everyone
    application.close()


def test_a_link_is_asked_accepted_read_and_ended(
    people: tuple[Application, dict[str, Account]],
) -> None:
    application, who = people
    care = application.care()
    ann, lee = who["ann"], who["lee"]
    assert ann.person_id is not None
    application.acting_as(ann.person_id).submit_screening(answers_for())
    link = care.ask(lee, "ANN@example.org")
    assert care.ask(lee, "ann@example.org").id == link.id  # asking again: the same link
    assert link.state == "asked"
    with pytest.raises(errors.NotLinked):
        care.person_records(lee, ann.id)  # not accepted yet
    with pytest.raises(errors.AccountProblem, match="consent text has changed"):
        care.accept(ann, link.id, "2020-1")
    with pytest.raises(errors.NotLinked):
        care.accept(who["pat"], link.id, CONSENT_VERSION)  # not theirs
    care.accept(ann, link.id, CONSENT_VERSION)
    [accepted] = care.links(ann)
    assert (accepted.state, accepted.consent_version) == ("active", CONSENT_VERSION)
    seen = care.person_records(lee, ann.id)
    assert seen.email == "ann@example.org"
    assert seen.screening is not None
    assert seen.screening.startswith("You can exercise (")
    care.write_note(lee, ann.id, "  Keep the chin tucks slow.  ")
    with pytest.raises(errors.AccountProblem, match="1 to 4000"):
        care.write_note(lee, ann.id, "   ")
    assert [n.text for n in care.notes(ann.id)] == ["Keep the chin tucks slow."]
    looked = care.who_looked(ann)
    assert [(x.who, x.what) for x in looked][:2] == [
        ("lee@example.org", "wrote you a note"),
        ("lee@example.org", "looked at your records"),
    ]
    care.end(ann, link.id)
    with pytest.raises(errors.NotLinked):
        care.person_records(lee, ann.id)
    with pytest.raises(errors.NotLinked):
        care.write_note(lee, ann.id, "one more")
    with pytest.raises(errors.NotLinked):
        care.end(lee, link.id)  # over already


def test_only_clinicians_ask_and_only_people_of_their_organisation(
    people: tuple[Application, dict[str, Account]],
) -> None:
    application, who = people
    care = application.care()
    with pytest.raises(errors.AccountProblem, match="Only a clinician"):
        care.ask(who["ann"], "ann@example.org")
    with pytest.raises(errors.AccountProblem, match="Nobody doing the programme"):
        care.ask(who["eli"], "ann@example.org")  # another organisation
    with pytest.raises(errors.AccountProblem, match="Nobody doing the programme"):
        care.ask(who["lee"], "admin@example.org")  # not a person
    with pytest.raises(errors.NotLinked):
        care.person_records(who["admin"], who["ann"].id)  # administrators read no records


def test_an_administrator_sees_and_ends_links_but_no_records(
    people: tuple[Application, dict[str, Account]],
) -> None:
    application, who = people
    care = application.care()
    link = care.ask(who["lee"], "ann@example.org")
    care.accept(who["ann"], link.id, CONSENT_VERSION)
    [seen] = care.organisation_links(who["admin"])
    assert (seen.person_email, seen.clinician_email, seen.state) == (
        "ann@example.org",
        "lee@example.org",
        "active",
    )
    with pytest.raises(errors.AccountProblem):
        care.organisation_links(who["lee"])
    from tests.signing import add_account

    accounts = application.accounts()
    add_account(accounts, who["eli"].organisation_id, "oz@example.org", role="admin")
    [oz] = [a for a in accounts.members(who["eli"].organisation_id) if a.role == "admin"]
    assert care.organisation_links(oz) == []
    with pytest.raises(errors.NotLinked):
        care.end_as_administrator(oz, link.id)  # another organisation's link
    with pytest.raises(errors.NotLinked):
        care.end_as_administrator(who["lee"], link.id)  # not an administrator
    care.end_as_administrator(who["admin"], link.id)
    with pytest.raises(errors.NotLinked):
        care.person_records(who["lee"], who["ann"].id)
    with pytest.raises(errors.NotLinked):
        care.end_as_administrator(who["admin"], link.id)  # over already
