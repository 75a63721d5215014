"""The database tables (SQLAlchemy Core). Every table is keyed by a person from the start."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def person_column() -> Column[int]:
    return Column(
        "person_id",
        Integer,
        ForeignKey("persons.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def account_column(name: str = "account_id") -> Column[int]:
    """The account a row of the shared server's tables belongs to (issue 20)."""
    return Column(
        name,
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # ISO 3166 code, chosen with the screening: it sets the emergency number (issue 14).
    Column("country", String(2), nullable=True),
    # "monday" or "sunday": the day the person's calendar weeks start on (issue 17); none until
    # they choose, and the week then starts as it does where they are.
    Column("week_start", String(6), nullable=True),
)

profiles = Table(
    "profiles",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

screenings = Table(
    "screenings",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("taken_on", Date, nullable=False),
    Column("source", String(20), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("tier", String(10), nullable=False),
    Column("restrictions", JSON, nullable=False),
    Column("flagged", JSON, nullable=False),
    # What set the tier, in words (issue 14); none for screenings stored before.
    Column("findings", JSON, nullable=True),
    Column("pain", JSON, nullable=False),
    Column("cleared_on", Date, nullable=True),
    Column("clearance_note", Text, nullable=True),
    Column("cleared_by", String(200), nullable=True),
    # Set when the person said, on the result page, that they answered by mistake (issue 12).
    Column("withdrawn_at", UTCDateTime, nullable=True),
)

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("day", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
)

# A person's programme (issue 17): the latest row is the current one; older rows show how it
# changed (renewals every three weeks, swaps, places refilled).
programmes = Table(
    "programmes",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("started_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("status", String(10), nullable=False),
    Column("paced", Boolean, nullable=False),
    Column("steps_total", Integer, nullable=False),
    # Random, per session: writes from a player carry it, since ids restart after `forget`.
    Column("session_key", String(24), nullable=True),
)

session_steps = Table(
    "session_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("item_index", Integer, nullable=False),
    Column("exercise_id", String(80), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("set_number", Integer, nullable=False),
    Column("side", String(5), nullable=True),
    Column("direction", String(40), nullable=True),
    Column("reps", Integer, nullable=True),
    Column("hold_s", Float, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("skipped", Boolean, nullable=False),
    Column("idempotency_key", String(120), nullable=False),
    # Seconds paused during the step (issue 15); None for steps stored before it.
    Column("paused_s", Float, nullable=True),
    # One row per step of a session, and one per client key: a repeated event is stored once
    # (INSERT ... ON CONFLICT DO NOTHING, never check-then-insert).
    UniqueConstraint("session_id", "step_index", name="uq_session_steps_session_step"),
    UniqueConstraint("person_id", "idempotency_key", name="uq_session_steps_person_key"),
)

# A run of a session: one page (or terminal) playing it from `resume_at`, its events timed as
# monotonic offsets from `started_at`, the server's wall time when the run began (issue 15).
session_runs = Table(
    "session_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("resume_at", Integer, nullable=False),
    # Each area's pain as the run began, fixed then: the pain limits the player and every replay
    # of the run apply are the same whatever check-in comes later.
    Column("start_pain", JSON, nullable=False),
    # How many of the replay's writes are stored: a replay stores only the ones after these.
    Column("applied", Integer, nullable=False, default=0),
)

# What happened in a run, as it arrived: the engine replays these to write the records.
session_events = Table(
    "session_events",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("run_id", Integer, ForeignKey("session_runs.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("offset_s", Float, nullable=False),
    Column("data", JSON, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    # An event sent twice (a lost answer, a retry) is stored once.
    UniqueConstraint("run_id", "seq", name="uq_session_events_run_seq"),
)

efforts = Table(
    "efforts",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("item_index", Integer, nullable=False),
    Column("exercise_id", String(80), nullable=False),
    Column("reps_in_reserve", Integer, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("session_id", "item_index", name="uq_efforts_session_item"),
)

pain_reports = Table(
    "pain_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("item_index", Integer, nullable=False),
    Column("exercise_id", String(80), nullable=False),
    Column("area", String(20), nullable=False),
    Column("score", Integer, nullable=False),
    Column("symptoms", JSON, nullable=False),
    Column("reported_at", UTCDateTime, nullable=False),
)

aggravations = Table(
    "aggravations",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("exercise_id", String(80), primary_key=True),
    Column("marked_at", UTCDateTime, nullable=False),
)

Index("ix_sessions_person_started", sessions.c.person_id, sessions.c.started_at)

# The label of the one person of a local, login-free unknot.
LOCAL_LABEL = "me"
# The organisation of the local person's account when the local app lets their own devices in
# (issue 21): not a clinic, so it does not count as "this unknot has accounts".
LOCAL_ORGANISATION = "this computer"
# The database itself keeps one local person and one active session per person, whatever
# several server processes do at once (issue 13: 40 concurrent first writes made two "me").
Index(
    "uq_persons_local",
    persons.c.label,
    unique=True,
    sqlite_where=persons.c.label == LOCAL_LABEL,
    postgresql_where=persons.c.label == LOCAL_LABEL,
)
Index(
    "uq_sessions_one_active",
    sessions.c.person_id,
    unique=True,
    sqlite_where=sessions.c.status == "active",
    postgresql_where=sessions.c.status == "active",
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("day", Date, nullable=False),
    Column("moment", String(10), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True),
    Column("pain", JSON, nullable=False),
    Column("note", Text, nullable=True),
)

function_ratings = Table(
    "function_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("day", Date, nullable=False),
    Column("activity", String(120), nullable=False),
    Column("score", Integer, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

advice_dismissals = Table(
    "advice_dismissals",
    metadata,
    Column("id", Integer, primary_key=True),
    person_column(),
    Column("concern", String(20), nullable=False),
    Column("choice", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("dismissed_at", UTCDateTime, nullable=False),
)

# Indexes for the reads every request makes, so that each costs the same at 1,000 past sessions
# as at none (issue 16): the latest session of each exercise, a day's plan and check-ins, a
# session's plan, runs, pain reports and check-ins.
Index(
    "ix_session_steps_person_exercise",
    session_steps.c.person_id,
    session_steps.c.exercise_id,
    session_steps.c.session_id,
    session_steps.c.kind,
)
Index("ix_plans_person_day", plans.c.person_id, plans.c.day)
Index("ix_sessions_plan", sessions.c.plan_id)
Index("ix_session_runs_session", session_runs.c.session_id)
Index("ix_pain_reports_session", pain_reports.c.session_id)
Index("ix_checkins_person_day", checkins.c.person_id, checkins.c.day)
Index("ix_checkins_session", checkins.c.session_id)

# Every table holding a person's records, parents before children (export, import, forget).
PERSON_TABLES: tuple[Table, ...] = (
    persons,
    profiles,
    screenings,
    plans,
    programmes,
    sessions,
    session_steps,
    session_runs,
    session_events,
    efforts,
    pain_reports,
    aggravations,
    checkins,
    function_ratings,
    advice_dismissals,
)

# Accounts (issue 20): the shared server's organisations, their people, clinicians and
# administrators, sign-in sessions, one-time links and the audit log. A local unknot has none
# of these rows.

ROLES = ("person", "clinician", "admin")

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "organisation_id",
        Integer,
        ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # Stored lower-cased; none until a one-time link sets it (the upgraded local person).
    Column("email", String(254), nullable=True, unique=True),
    Column("password_hash", String(255), nullable=True),
    Column("role", String(10), nullable=False),
    # A person's own records; none for clinicians and administrators.
    Column(
        "person_id",
        Integer,
        ForeignKey("persons.id", ondelete="CASCADE"),
        nullable=True,
        unique=True,
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=True),
    # The TOTP secret (base32), set at enrolment and confirmed by the first good code; the time
    # step of the last code taken, so that no code is taken twice (migration 0012).
    # Sealed with the server's key (services.sealing) since migration 0015.
    Column("totp_secret", String(255), nullable=True),
    Column("totp_confirmed_at", UTCDateTime, nullable=True),
    Column("totp_last_step", Integer, nullable=True),
    # Migration 0015: an administrator switched the account off (no sign-in until switched on);
    # an address the owner asked to change to, until its link is opened; a new authenticator
    # being set up from the account page, until its first code.
    Column("disabled_at", UTCDateTime, nullable=True),
    Column("new_email", String(254), nullable=True),
    Column("totp_new_secret", String(255), nullable=True),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    account_column(),
    # SHA-256 of the code: each is 40 random bits, shown once, used once.
    Column("code_hash", String(64), nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    # SHA-256 of the cookie's token: a copy of the table signs nobody in.
    Column("token_hash", String(64), nullable=False, unique=True),
    account_column(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("authenticated_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("idle_s", Integer, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("address", String(45), nullable=True),
    Column("agent", String(200), nullable=True),
    # Migration 0016, the local app on a network (issue 21): "computer" (signed in through the
    # link `unknot serve` prints) or "device" (a paired phone, named when it asked to join).
    Column("kind", String(10), nullable=True),
    Column("device_name", String(80), nullable=True),
)

# A phone asking to join the local app (issue 21): the QR code's token and the short code, both
# stored hashed, for 5 minutes; the name the phone gave, and the computer's answer.
device_pairings = Table(
    "device_pairings",
    metadata,
    Column("id", Integer, primary_key=True),
    account_column(),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    # Wrong short codes typed while it was open: at 5 the code stops working.
    Column("wrong_codes", Integer, nullable=False, default=0),
    # "open", "asked" (a device gave its name), "admitted", "refused", "joined", "cancelled" or
    # "contested" (a second device tried the same pairing: nobody is admitted).
    Column("state", String(10), nullable=False),
    Column("device_name", String(80), nullable=True),
    # Where the asking device was and what browser it named, for the computer to check.
    Column("asked_address", String(45), nullable=True),
    Column("asked_agent", String(200), nullable=True),
    # SHA-256 of the waiting phone's cookie: only that phone collects the sign-in.
    Column("waiting_hash", String(64), nullable=True, unique=True),
    Column("asked_at", UTCDateTime, nullable=True),
    Column(
        "login_id", Integer, ForeignKey("login_sessions.id", ondelete="SET NULL"), nullable=True
    ),
)

# The local app listening on the network since someone pressed "Use unknot on your phone"
# (issue 21): one row while it lasts, kept fresh by the process that listens, so that every
# process of the app asks for a sign-in meanwhile, and none does once it has stopped.
network_listening = Table(
    "network_listening",
    metadata,
    Column("id", Integer, primary_key=True),
    # The addresses phones use, comma-separated, the one the QR code names first.
    Column("urls", String(1000), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("pid", Integer, nullable=False),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    # "account:<e-mail>" or "address:<ip>": both are limited, so several processes share them.
    Column("key", String(300), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_sign_in_failures_key_at", sign_in_failures.c.key, sign_in_failures.c.at)

one_time_links = Table(
    "one_time_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    account_column(),
    # "invitation", "reset", "claim" (the local person's first sign-in), "second_step" or
    # "email" (confirming a new address).
    Column("purpose", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

# Append-only: triggers refuse UPDATE and DELETE (migration 0011), and each row carries the hash
# of the one before, so a row taken out or changed outside the database breaks the chain. No
# foreign keys: the log outlives the accounts it names.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_account_id", Integer, nullable=True),
    Column("action", String(40), nullable=False),
    Column("subject_account_id", Integer, nullable=True),
    Column("detail", JSON, nullable=False),
    Column("address", String(45), nullable=True),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_audit_log_subject", audit_log.c.subject_account_id)


# A clinician reaches a person's records only through a link the person accepted (migration
# 0013); either side ends it, at once.
care_links = Table(
    "care_links",
    metadata,
    Column("id", Integer, primary_key=True),
    account_column("person_account_id"),
    account_column("clinician_account_id"),
    Column("asked_at", UTCDateTime, nullable=False),
    # The consent text's version the person accepted (services.care.CONSENT_VERSION).
    Column("consent_version", String(20), nullable=True),
    Column("accepted_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_by", Integer, nullable=True),
)

# A clinician's notes for a person: written by the clinician only, read by both.
care_notes = Table(
    "care_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "link_id",
        Integer,
        ForeignKey("care_links.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("written_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
)


# Passkeys (WebAuthn, migration 0014): an account's credentials, and the challenges of
# registrations and sign-ins under way (kept in the database: the answer may reach another
# process than the one that asked).
passkeys = Table(
    "passkeys",
    metadata,
    Column("id", Integer, primary_key=True),
    account_column(),
    Column("credential_id", String(1400), nullable=False, unique=True),
    Column("public_key", Text, nullable=False),
    Column("sign_count", Integer, nullable=False),
    Column("name", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
)

passkey_challenges = Table(
    "passkey_challenges",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    # "register" (for `account_id`) or "sign_in" (for whoever's passkey answers).
    Column("purpose", String(10), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("challenge", String(100), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# When the person means to exercise, and the calendar events published for them (issue 22):
# each planned day's event keeps its UID; its SEQUENCE goes up when what it says changes.
session_times = Table(
    "session_times",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

calendar_events = Table(
    "calendar_events",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("content", String(200), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("modified_at", UTCDateTime, nullable=False),
)

# A subscribable calendar feed (issue 22, the shared server): its token, stored hashed, in the
# query string so that access logs (paths only) never hold it; revoked, it serves nothing.
calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("persons.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

# Reminders (issue 22): the person's settings; each reminder due, a row a worker claims for a
# while (`claimed_until`) and marks done; and each delivery, one per (person, occurrence,
# channel) whatever happens to the workers, carrying the Message-ID a repeat reuses.
reminder_settings = Table(
    "reminder_settings",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The last local day whose reminders are rows (scheduling runs once a day, not per pass).
    Column("scheduled_through", Date, nullable=True),
)

reminders_due = Table(
    "reminders_due",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("occurrence", String(40), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("day", Date, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    Column("claimed_by", String(80), nullable=True),
    Column("done_at", UTCDateTime, nullable=True),
    UniqueConstraint("person_id", "occurrence", "channel"),
    Index("ix_reminders_due_waiting", "done_at", "due_at"),
)

reminder_deliveries = Table(
    "reminder_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("occurrence", String(40), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    # sending, sent, failed or skipped.
    Column("status", String(10), nullable=False),
    Column("message_id", String(200), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("detail", String(300), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("person_id", "occurrence", "channel"),
    Index("ix_reminder_deliveries_person", "person_id", "due_at"),
)

# Desk breaks (issue 22): each offer of the companion and its answer, and each time away from
# the desk long enough to count as a break; a pain check-in after a started routine.
desk_breaks = Table(
    "desk_breaks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    # offer (then `answer`: started, later or skipped) or away (locked, idle or suspended).
    Column("kind", String(10), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("answer", String(10), nullable=True),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("routine", JSON, nullable=True),
    Column("idle_source", String(20), nullable=False),
    Column("away_s", Integer, nullable=True),
    Column("pain_after", Integer, nullable=True),
    Index("ix_desk_breaks_person", "person_id", "at"),
)

# Exported, imported and forgotten with the rest of the person's records (what was published to
# calendars, feeds and reminders still to come are made again from these).
PERSON_TABLES = (*PERSON_TABLES, session_times, reminder_settings, reminder_deliveries, desk_breaks)

# The shared server's tables, keyed by organisation and account rather than by person.
ACCOUNT_TABLES = (
    organisations,
    accounts,
    recovery_codes,
    login_sessions,
    sign_in_failures,
    one_time_links,
    audit_log,
    care_links,
    care_notes,
    passkeys,
    passkey_challenges,
    device_pairings,
    network_listening,
)
