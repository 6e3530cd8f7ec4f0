"""The only module that talks to DynamoDB.

Key design (one table, defined in ``template.yaml``)::

    pk = "ACCOUNT#<sha256 of the Alexa account ID>"
    sk = "<scope>#PROFILE"               one item: time zone, first visit, passcode hash, tries and lock rounds,
                                         the notes for the next therapy session (``notes``, a list),
                                         the weekly reminder's ID, the day of the latest progress report
    sk = "<scope>#CHECKIN#2026-W48"      one item per ISO week (attributes below)

A week item holds ``r_<sign>`` (the rating, 1-5) with ``t_<sign>`` beside it (when that rating was given,
ISO 8601 UTC to the second), ``skipped`` (a string set of sign IDs, never one that has a rating),
``startedAt``, ``updatedAt``, ``completedAt`` and ``streak`` (see domain/recap.py). Items written before
``t_<sign>`` existed have ratings without times; they read the same, and any later rating replaces them.

``scope`` is ``A`` for the account, or ``P`` and the first 32 hex digits of the sha256 of the voice profile ID
when Alexa recognises who is speaking, so two people on one device keep separate check-ins. Raw Alexa IDs are
never stored.

"CHECKIN" sorts before "PROFILE", so one descending Query over ``begins_with(sk, "<scope>#")`` with a small
``Limit`` returns the profile first and then the newest weeks: launch costs one bounded read, whatever the
length of the history.

Answers are written with one UpdateItem per week (:meth:`CheckInStore.save_week`), however many are waiting,
and it sets only the attributes of the signs it carries, so two devices answering at once never overwrite each
other's answers. Each rating is written only if the stored one is not newer (``t_<sign>``), so an answer kept
in a session while the table was down can never replace one given later on another device; a skip is added
only where the sign has no rating.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from botocore.exceptions import BotoCoreError, ClientError

from therapy_checkin import budget
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.notes import MAX_NOTE_CHARACTERS, MAX_NOTES, Note, kept_with
from therapy_checkin.domain.passcode import LOCK_DURATIONS, MAX_FAILURES, PasscodeHash, lock_duration
from therapy_checkin.domain.signs import is_sign
from therapy_checkin.domain.weeks import is_week_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
else:
    DynamoDBClient = Any

RATING_PREFIX = "r_"
TIME_PREFIX = "t_"
ACCOUNT_PREFIX = "ACCOUNT#"
PROFILE_SUFFIX = "PROFILE"
CHECKIN_SUFFIX = "CHECKIN#"
ACCOUNT_SCOPE = "A"
NOTES_ATTRIBUTE = "notes"

CONNECT_TIMEOUT_SECONDS = 0.3
READ_TIMEOUT_SECONDS = 0.4
MAX_ATTEMPTS = 2
"""Bounds for one DynamoDB call, retries included (botocore "standard" mode, first try plus one retry).

A healthy call takes about 10 ms in-region. A hung one costs at most 2 attempts x (0.3 s connect + 0.4 s read)
plus one standard-mode backoff of at most 1 s: 2.4 s. After one failed call a turn makes no further calls, and
no answer is written once less than 2.5 s of the function's time is left (see :mod:`therapy_checkin.saving`),
so even with the table down or throttling the answer comes inside the function's 7 s and Alexa's 8 s."""


def build_client(endpoint_url: str | None = None) -> DynamoDBClient:
    """A DynamoDB client with the bounds above, from botocore itself.

    Not ``boto3.client``: boto3 adds nothing to a DynamoDB client, and its import (s3transfer, the resource
    layer) costs 10 to 15 ms of every cold start beyond botocore's, measured here. Region, credentials and an
    endpoint override (``AWS_ENDPOINT_URL_DYNAMODB``) come from the environment, as with boto3; local tools and
    tests may name the endpoint instead. Creating the client reads only files in the bundle and the runtime: no
    network call.
    """
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    client = _botocore_session().create_client("dynamodb", endpoint_url=endpoint_url, config=config)
    return cast("DynamoDBClient", client)


@functools.cache
def _botocore_session() -> Any:
    """One botocore session per process: a second client from it skips reloading the service model (about 10 ms
    against 90 ms or more), which matters wherever clients are built more than once, such as the tests."""
    from botocore.loaders import Loader
    from botocore.session import get_session

    class DynamoDBModels(Loader):
        """botocore's model loader, told that DynamoDB is the one service this process uses.

        Before it loads a service's model, botocore lists every service it ships, to check the name: some 400
        folders read, once for the model and once for its endpoint rules, about 17 ms of a cold start here.
        """

        def list_available_services(self, type_name: str) -> list[str]:
            return ["dynamodb"]

    session = get_session()
    session.register_component("data_loader", DynamoDBModels())
    return session


class StorageUnavailable(Exception):
    """The table could not be reached, or refused the call: throttled, a 5xx, a timeout, access denied.

    Callers catch this one type and decide what the user hears; what was said is never lost because of it.
    """

    def __init__(self, operation: str, code: str) -> None:
        super().__init__(f"{operation} failed: {code}")
        self.operation = operation
        self.code = code


_outage_this_turn: contextvars.ContextVar[bool] = contextvars.ContextVar("outage_this_turn", default=False)


def begin_turn() -> None:
    """Forget any outage seen by an earlier request: each turn tries the table afresh, once."""
    _outage_this_turn.set(False)


class _OutageAwareClient:
    """Wraps the DynamoDB client so every failed call surfaces as :class:`StorageUnavailable`.

    A failed condition check passes through unchanged: it is an answer from the table, not an outage.
    Wrapping the client, rather than each method, means a new storage method cannot forget it.

    Without a client given, it builds one (:func:`build_client`) when first used, so a turn that never touches
    the table, such as a crisis answer on a cold start, never waits for botocore.
    """

    def __init__(self, client: Any | None) -> None:
        self._built = client

    def connect(self) -> Any:
        """The client underneath, built now if it was not given."""
        if self._built is None:
            self._built = build_client()
        return self._built

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.connect(), name)
        if name.startswith("_") or name in ("exceptions", "meta") or not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args: Any, **kwargs: Any) -> Any:
            if _outage_this_turn.get():
                # One failed call per turn is enough to know: do not spend the user's time on another.
                raise StorageUnavailable(name, "SkippedAfterOutage")
            if not budget.time_for_a_call():
                # A call started now could outlast the function: the turn answers with what it has.
                raise StorageUnavailable(name, "OutOfTime")
            try:
                return attribute(*args, **kwargs)
            except ClientError as error:
                code = str(error.response.get("Error", {}).get("Code", "Unknown"))
                if code == "ConditionalCheckFailedException":
                    raise
                _outage_this_turn.set(True)
                raise StorageUnavailable(name, code) from error
            except BotoCoreError as error:
                _outage_this_turn.set(True)
                raise StorageUnavailable(name, type(error).__name__) from error

        return call


def pseudonym(raw_id: str) -> str:
    """A one-way hash of an Alexa ID: stable, so it can key data, but the raw ID never leaves the request."""
    return hashlib.sha256(raw_id.encode("utf-8")).hexdigest()


_SCOPE = re.compile(r"A|P[0-9a-f]{32}")


def is_scope(value: object) -> TypeGuard[str]:
    """Whether a value is a scope as :meth:`UserKey.from_ids` makes them (anything from a session is suspect)."""
    return isinstance(value, str) and _SCOPE.fullmatch(value) is not None


@dataclass(frozen=True)
class UserKey:
    """Whose data a request reads and writes: an account, and within it one voice profile or the account."""

    account: str
    scope: str

    @classmethod
    def from_ids(cls, user_id: str, person_id: str | None = None) -> UserKey:
        scope = f"P{pseudonym(person_id)[:32]}" if person_id else ACCOUNT_SCOPE
        return cls(account=pseudonym(user_id), scope=scope)

    @property
    def pk(self) -> str:
        return f"{ACCOUNT_PREFIX}{self.account}"

    @property
    def sk_prefix(self) -> str:
        return f"{self.scope}#"

    def checkin_sk(self, week: str) -> str:
        return f"{self.scope}#{CHECKIN_SUFFIX}{week}"

    @property
    def profile_sk(self) -> str:
        return f"{self.scope}#{PROFILE_SUFFIX}"

    @property
    def is_account_scope(self) -> bool:
        """True when no voice was recognised: the account's own check-ins, which anyone on the account may use."""
        return self.scope == ACCOUNT_SCOPE

    @property
    def session_owner(self) -> str:
        """A one-way fingerprint of this scope, kept in session state so a turn can tell whose state it holds."""
        return pseudonym(f"session:{self.account}:{self.scope}")[:16]


@dataclass(frozen=True)
class Profile:
    """What the skill remembers about a person between weeks (never their ratings)."""

    first_seen: str | None = None
    time_zone: str | None = None
    time_zone_at: str | None = None
    """When the time zone was last read from Alexa (ISO timestamp), so it can be refreshed now and then."""
    notes: tuple[Note, ...] = ()
    """Notes for the next therapy session, oldest first (see domain/notes.py); read only through the gate."""
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class History:
    """The profile and the newest weeks of check-ins, newest first."""

    profile: Profile | None
    weeks: Sequence[WeekAnswers]
    streaks: Mapping[str, int] = field(default_factory=dict)
    """Week key -> the streak stored on that week's item when its first answer was saved (see domain/recap.py)."""

    def week(self, week: str) -> WeekAnswers | None:
        return next((answers for answers in self.weeks if answers.week == week), None)


def _number(value: Any) -> int:
    return int(value["N"])


def _week_from_item(item: Mapping[str, Any]) -> WeekAnswers:
    week = item["sk"]["S"].rsplit(CHECKIN_SUFFIX, 1)[1]
    ratings = {
        name[len(RATING_PREFIX) :]: _number(value)
        for name, value in item.items()
        if name.startswith(RATING_PREFIX) and is_sign(name[len(RATING_PREFIX) :])
    }
    skipped = frozenset(s for s in item.get("skipped", {}).get("SS", []) if is_sign(s))
    return WeekAnswers(week=week, ratings=ratings, skipped=skipped, completed="completedAt" in item)


def _profile_from_item(item: Mapping[str, Any]) -> Profile:
    return Profile(
        first_seen=item.get("firstSeen", {}).get("S"),
        time_zone=item.get("timeZone", {}).get("S"),
        time_zone_at=item.get("timeZoneAt", {}).get("S"),
        notes=_notes_from_item(item),
        attributes={k: v for k, v in item.items() if k not in ("pk", "sk", NOTES_ATTRIBUTE)},
    )


def _notes_from_item(item: Mapping[str, Any]) -> tuple[Note, ...]:
    """The profile's notes; an entry that is not a well-formed note is left out, never read aloud."""
    notes = []
    for entry in item.get(NOTES_ATTRIBUTE, {}).get("L", [])[: MAX_NOTES * 2]:
        fields = entry.get("M", {}) if isinstance(entry, dict) else {}
        text, week, at = (fields.get(name, {}).get("S") for name in ("text", "week", "at"))
        if isinstance(text, str) and 0 < len(text) <= MAX_NOTE_CHARACTERS and is_week_key(week) and isinstance(at, str):
            notes.append(Note(text=text, week=str(week), at=at))
    return tuple(notes)


def _note_item(note: Note) -> dict[str, Any]:
    return {"M": {"text": {"S": note.text}, "week": {"S": note.week}, "at": {"S": note.at}}}


def _iso(moment: datetime) -> dict[str, str]:
    return {"S": moment.isoformat(timespec="seconds")}


def _stamp(moment: datetime) -> dict[str, str]:
    """An answer's time in one fixed form (UTC, to the second), so stored times compare correctly as strings."""
    return {"S": moment.astimezone(UTC).isoformat(timespec="seconds")}


@dataclass(frozen=True)
class TimedRating:
    value: int
    at: datetime
    """When the user gave it: a rating is stored only over an older one."""


@dataclass(frozen=True)
class WeekUpdate:
    """Answers for one week, folded so that they reach the table in one UpdateItem.

    ``ratings`` and ``skips`` never share a sign: a rating always wins over a skip of the same sign.
    """

    ratings: Mapping[str, TimedRating] = field(default_factory=dict)
    skips: Mapping[str, datetime] = field(default_factory=dict)
    """Signs to mark skipped, with when; a skip is never stored where the sign has a rating."""
    completed_at: datetime | None = None
    streak: int | None = None
    """With a week's first answer: kept only if the item has no streak yet."""

    @property
    def times(self) -> list[datetime]:
        moments = [rating.at for rating in self.ratings.values()] + list(self.skips.values())
        return moments + ([self.completed_at] if self.completed_at is not None else [])

    def with_streak(self, streak: int | None) -> WeekUpdate:
        return self if streak is None else replace(self, streak=streak)


def _week_update_request(update: WeekUpdate) -> dict[str, Any]:
    """The UpdateItem arguments (expression, condition, names, values) that store ``update`` in one call.

    The condition holds only when no answer predates a deletion of the week, every rating is newer than the
    stored one of its sign, no skip lands on a rated sign and, when skips are added, no rated sign is in the
    stored skipped set (DynamoDB cannot ADD to
    and DELETE from one set in one call). When it fails, nothing is written and the caller goes sign by sign.
    """
    times = update.times
    if not times:
        raise ValueError("a week update carries at least one answer")
    sets = ["updatedAt = :last", "startedAt = if_not_exists(startedAt, :first)"]
    # An answer given before the week's data was deleted never brings it back (see CheckInStore.delete_user).
    conditions: list[str] = [f"(attribute_not_exists({DELETED_ATTRIBUTE}) OR {DELETED_ATTRIBUTE} < :first)"]
    names: dict[str, str] = {}
    values: dict[str, Any] = {":first": _stamp(min(times)), ":last": _stamp(max(times))}
    for i, (sign_id, rating) in enumerate(update.ratings.items()):
        names[f"#r{i}"], names[f"#t{i}"] = f"{RATING_PREFIX}{sign_id}", f"{TIME_PREFIX}{sign_id}"
        values[f":r{i}"], values[f":t{i}"] = {"N": str(rating.value)}, _stamp(rating.at)
        sets.append(f"#r{i} = :r{i}, #t{i} = :t{i}")
        # Equal times (Alexa's timestamps are to the second) let the later write win, as it always did.
        conditions.append(f"(attribute_not_exists(#t{i}) OR #t{i} <= :t{i})")
    for i, sign_id in enumerate(update.skips):
        names[f"#s{i}"] = f"{RATING_PREFIX}{sign_id}"
        conditions.append(f"attribute_not_exists(#s{i})")
    if update.completed_at is not None:
        sets.append("completedAt = if_not_exists(completedAt, :done)")
        values[":done"] = _stamp(update.completed_at)
    if update.streak is not None:
        sets.append("streak = if_not_exists(streak, :streak)")
        values[":streak"] = {"N": str(update.streak)}
    expression = "SET " + ", ".join(sets)
    if update.skips:
        expression += " ADD skipped :skips"
        values[":skips"] = {"SS": sorted(update.skips)}
        for i, sign_id in enumerate(update.ratings):
            values[f":k{i}"] = {"S": sign_id}
            conditions.append(f"NOT contains(skipped, :k{i})")
    elif update.ratings:
        expression += " DELETE skipped :rated"
        values[":rated"] = {"SS": sorted(update.ratings)}
    request: dict[str, Any] = {"UpdateExpression": expression, "ExpressionAttributeValues": values}
    if names:
        request["ExpressionAttributeNames"] = names
    request["ConditionExpression"] = " AND ".join(conditions)
    return request


PASSCODE_ATTRIBUTE = "passcode"
PASSCODE_FAILURES_ATTRIBUTE = "passcodeFailures"
"""Tries counted in the current round (each counted before its digits are compared)."""
PASSCODE_LAST_TRY_ATTRIBUTE = "passcodeLastTry"
"""When the latest counted try came (server time, UTC): a full round is locked for a while after it."""
PASSCODE_ROUND_ATTRIBUTE = "passcodeRound"
"""Full rounds in a row before the current one (absent: none), which sets how long the next lock lasts."""
LEGACY_LOCKED_UNTIL_ATTRIBUTE = "passcodeLockedUntil"
"""Written by earlier versions; removed whenever the passcode attributes are cleared."""
REMINDER_ATTRIBUTE = "reminderId"
"""The ID Alexa gave the speaker's weekly reminder (its alert token). The reminder itself is held by Amazon."""
REPORT_DAY_ATTRIBUTE = "reportDay"
"""The day (the person's own date, ISO 8601) their latest progress report was sent: one a day. Never the
address or anything the report held."""
DELETED_ATTRIBUTE = "deletedAt"
"""On a deletion mark: when the week's data was deleted (UTC, to the second, as answers' times are stored)."""
EXPIRES_ATTRIBUTE = "expiresAt"
"""The table's time-to-live attribute (epoch seconds): set only on deletion marks."""
DELETION_MARK_SECONDS = 86_400
"""How long a deletion mark is kept: far longer than any session can stay open."""
BATCH_WRITE_LIMIT = 25
"""DynamoDB's maximum number of requests in one BatchWriteItem."""
BATCH_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4)
"""Pauses before re-sending deletes DynamoDB left unprocessed (throttling): at most 0.75 s in all."""


@dataclass(frozen=True)
class PasscodeGuard:
    """A profile's passcode (its hash only), the tries counted in this round, and the rounds before it."""

    passcode: PasscodeHash | None = None
    failures: int = 0
    rounds: int = 0
    """Full rounds in a row before this one, since the last right passcode."""
    last_try: datetime | None = None

    @property
    def locked_until(self) -> datetime | None:
        """When the lock of a full round ends (``None`` while the round still has tries)."""
        if self.failures < MAX_FAILURES or self.last_try is None:
            return None
        return self.last_try + lock_duration(self.rounds)

    def locked(self, now: datetime) -> bool:
        """Whether recaps are locked at ``now``, which must be the server's clock (:mod:`therapy_checkin.clock`)."""
        until = self.locked_until
        return until is not None and now < until


MAX_REMINDER_ID_LENGTH = 512


def report_day_of(profile: Profile | None) -> str | None:
    """The day (ISO date, in the person's time zone) of the latest emailed report, if one was sent."""
    value = profile.attributes.get(REPORT_DAY_ATTRIBUTE, {}).get("S") if profile else None
    return value if isinstance(value, str) else None


def reminder_id_of(profile: Profile | None) -> str | None:
    """The stored ID of the speaker's weekly reminder, if one was set (anything malformed counts as none)."""
    value = profile.attributes.get(REMINDER_ATTRIBUTE, {}).get("S") if profile else None
    return value if isinstance(value, str) and 0 < len(value) <= MAX_REMINDER_ID_LENGTH else None


def passcode_guard(profile: Profile | None) -> PasscodeGuard:
    """Read the passcode attributes of a profile item; anything malformed counts as absent."""
    if profile is None:
        return PasscodeGuard()
    return _guard_from_attributes(profile.attributes)


def _guard_from_attributes(attributes: Mapping[str, Any]) -> PasscodeGuard:
    passcode: PasscodeHash | None = None
    stored = attributes.get(PASSCODE_ATTRIBUTE, {}).get("M")
    if isinstance(stored, Mapping):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            passcode = PasscodeHash(
                salt=bytes(stored["salt"]["B"]),
                digest=bytes(stored["hash"]["B"]),
                n=_number(stored["n"]),
                r=_number(stored["r"]),
                p=_number(stored["p"]),
                algorithm=str(stored["alg"]["S"]),
            )
    failures = rounds = 0
    with contextlib.suppress(KeyError, TypeError, ValueError):
        failures = _number(attributes[PASSCODE_FAILURES_ATTRIBUTE])
    with contextlib.suppress(KeyError, TypeError, ValueError):
        rounds = _number(attributes[PASSCODE_ROUND_ATTRIBUTE])
    last_try: datetime | None = None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        last_try = datetime.fromisoformat(attributes[PASSCODE_LAST_TRY_ATTRIBUTE]["S"])
    if last_try is not None and last_try.tzinfo is None:
        last_try = None
    return PasscodeGuard(passcode=passcode, failures=failures, rounds=rounds, last_try=last_try)


def _utc(moment: datetime) -> dict[str, str]:
    """A server time as stored for the lock: UTC, to the second, so stored times compare as strings."""
    return _iso(moment.astimezone(UTC))


def _passcode_item(passcode: PasscodeHash) -> dict[str, Any]:
    return {
        "M": {
            "alg": {"S": passcode.algorithm},
            "n": {"N": str(passcode.n)},
            "r": {"N": str(passcode.r)},
            "p": {"N": str(passcode.p)},
            "salt": {"B": passcode.salt},
            "hash": {"B": passcode.digest},
        }
    }


class CheckInStore:
    """Reads and writes one table. Construct once per process; each method is one DynamoDB call, except the
    deletions, which page through a user's keys.

    ``client`` is for tests and tools that bring their own; without it, the store builds its client
    (:func:`build_client`) on its first call, so constructing a store costs nothing at import.
    """

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._connection = _OutageAwareClient(client)
        self._client = cast("DynamoDBClient", self._connection)

    def connect(self) -> DynamoDBClient:
        """The DynamoDB client, built now if it was not yet: SnapStart priming builds it before the snapshot,
        and tests hook into its events."""
        return cast("DynamoDBClient", self._connection.connect())

    def load_history(self, user: UserKey, weeks: int) -> History:
        """The profile and up to ``weeks`` newest check-ins, in one Query over this user's key range."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": user.pk}, ":prefix": {"S": user.sk_prefix}},
            ScanIndexForward=False,
            Limit=weeks + 1,
            ConsistentRead=True,
        )
        profile: Profile | None = None
        found: list[WeekAnswers] = []
        streaks: dict[str, int] = {}
        for item in response.get("Items", []):
            sk = item["sk"]["S"]
            if sk == user.profile_sk:
                profile = _profile_from_item(item)
            elif sk.startswith(user.sk_prefix + CHECKIN_SUFFIX):
                found.append(_week_from_item(item))
                if "streak" in item:
                    streaks[found[-1].week] = _number(item["streak"])
        return History(profile=profile, weeks=found[:weeks], streaks=streaks)

    def save_week(self, user: UserKey, week: str, update: WeekUpdate) -> bool:
        """Store a week's answers in one UpdateItem. False when the table refused them as a whole: a newer
        rating of one of the signs is stored, a skip met a rating, or a rated sign is still marked skipped.
        Then nothing was written; storing the same answers sign by sign settles each one."""
        try:
            self._client.update_item(
                TableName=self._table, Key=self._week_key(user, week), **_week_update_request(update)
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def save_rating(
        self, user: UserKey, week: str, sign_id: str, rating: int, now: datetime, streak: int | None = None
    ) -> bool:
        """Store one rating given at ``now``, unless a newer one of the same sign is stored."""
        ratings = {sign_id: TimedRating(rating, now)}
        return self.save_week(user, week, WeekUpdate(ratings=ratings, streak=streak))

    def save_profile(self, user: UserKey, now: datetime, time_zone: str | None = None) -> None:
        """Create the profile on a first visit, or update its time zone; the first visit date never changes."""
        names = "SET firstSeen = if_not_exists(firstSeen, :now), updatedAt = :now"
        values: dict[str, Any] = {":now": _iso(now)}
        extra: dict[str, Any] = {}
        if time_zone:
            # TIMEZONE is a DynamoDB reserved word: the attribute is named through a placeholder.
            names += ", #tz = :tz, timeZoneAt = :now"
            values[":tz"] = {"S": time_zone}
            extra["ExpressionAttributeNames"] = {"#tz": "timeZone"}
        self._client.update_item(
            TableName=self._table,
            Key=self._profile_key(user),
            UpdateExpression=names,
            ExpressionAttributeValues=values,
            **extra,
        )

    # Deleting data: every item, in pages of keys, with BatchWriteItem (the function may not call DeleteItem).

    def delete_user(self, user: UserKey, now: datetime, open_weeks: Sequence[str] = ()) -> int:
        """Delete everything of one person, or of the account's own scope: every week, the profile, all else.

        Then each of ``open_weeks`` (the weeks a session on another device may still be answering) gets a
        deletion mark: an item holding only the time of the deletion, which refuses any answer given before it
        (see :func:`_week_update_request`), so an open session cannot bring a deleted week back. DynamoDB's
        time to live removes a mark a day later. Returns how many items were deleted. Raises
        :class:`StorageUnavailable` if any are left.
        """
        deleted = self._delete_under(user.pk, user.sk_prefix)
        if open_weeks:
            self._mark_deleted(user, open_weeks, now)
        return deleted

    def _mark_deleted(self, user: UserKey, weeks: Sequence[str], now: datetime) -> None:
        """Put a deletion mark on each week's item, in one call (a put replaces anything written meanwhile)."""
        expires = {"N": str(int(now.timestamp()) + DELETION_MARK_SECONDS)}
        marks: Any = [
            {
                "PutRequest": {
                    "Item": {**self._week_key(user, week), DELETED_ATTRIBUTE: _stamp(now), EXPIRES_ATTRIBUTE: expires}
                }
            }
            for week in dict.fromkeys(weeks)
        ]
        self._client.batch_write_item(RequestItems={self._table: marks})

    def delete_account(self, account: str) -> int:
        """Delete every item of an account, in every scope (the account's own and each voice profile's)."""
        return self._delete_under(f"{ACCOUNT_PREFIX}{account}", None)

    def _delete_under(self, pk: str, prefix: str | None) -> int:
        condition = "pk = :pk AND begins_with(sk, :prefix)" if prefix else "pk = :pk"
        values: dict[str, Any] = {":pk": {"S": pk}}
        if prefix:
            values[":prefix"] = {"S": prefix}
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ProjectionExpression": "pk, sk",
            "ConsistentRead": True,
        }
        deleted = 0
        while True:
            response = self._client.query(**query)
            keys = [{"pk": item["pk"], "sk": item["sk"]} for item in response.get("Items", [])]
            for start in range(0, len(keys), BATCH_WRITE_LIMIT):
                self._batch_delete(keys[start : start + BATCH_WRITE_LIMIT])
            deleted += len(keys)
            last = response.get("LastEvaluatedKey")
            if not last:
                return deleted
            query["ExclusiveStartKey"] = last

    def _batch_delete(self, keys: Sequence[Mapping[str, Any]]) -> None:
        requests: Any = [{"DeleteRequest": {"Key": dict(key)}} for key in keys]
        for delay in (*BATCH_RETRY_DELAYS, None):
            response = self._client.batch_write_item(RequestItems={self._table: requests})
            requests = response.get("UnprocessedItems", {}).get(self._table, [])
            if not requests:
                return
            if delay is not None:
                time.sleep(delay)
        raise StorageUnavailable("batch_write_item", "UnprocessedItems")

    # The recap passcode: attributes of the profile item, each change one UpdateItem.

    _CLEARED = (
        f"{PASSCODE_FAILURES_ATTRIBUTE}, {PASSCODE_LAST_TRY_ATTRIBUTE}, {PASSCODE_ROUND_ATTRIBUTE}, "
        f"{LEGACY_LOCKED_UNTIL_ATTRIBUTE}"
    )

    def save_passcode(self, user: UserKey, passcode: PasscodeHash, now: datetime) -> bool:
        """Store a new passcode's hash (never the digits) and clear any earlier tries or lock, only where none is
        set: False when one was set meanwhile (another device), which then stays as it is."""
        return self._update_profile(
            user,
            f"SET {PASSCODE_ATTRIBUTE} = :code, updatedAt = :now REMOVE {self._CLEARED}",
            {":code": _passcode_item(passcode), ":now": _iso(now)},
            condition=f"attribute_not_exists({PASSCODE_ATTRIBUTE})",
        )

    def remove_passcode(self, user: UserKey, now: datetime) -> None:
        self._update_profile(
            user, f"SET updatedAt = :now REMOVE {PASSCODE_ATTRIBUTE}, {self._CLEARED}", {":now": _iso(now)}
        )

    def reserve_passcode_try(self, user: UserKey, now: datetime) -> PasscodeGuard | None:
        """Count one try before its digits are compared; ``None`` when none may be made (locked, or no passcode).

        The count is a conditional write, so of many guesses sent at once only as many as the round has left
        are let through, whatever order they arrive in, and a try that is never finished (a timeout) still
        counts. Returns the profile as the write left it: the passcode to compare with, and the count.
        ``now`` is the server's clock.
        """
        for attempt in (self._try_in_round, self._try_in_new_round, self._try_in_round):
            try:
                return attempt(user, now)
            except self._client.exceptions.ConditionalCheckFailedException:
                continue  # the round is full, or a new one was just opened by another guess: look again
        return None

    def _try_in_round(self, user: UserKey, now: datetime) -> PasscodeGuard:
        """One more try in the current round, while it has tries left."""
        return self._reserve(
            user,
            f"SET {PASSCODE_LAST_TRY_ATTRIBUTE} = :now, updatedAt = :now ADD {PASSCODE_FAILURES_ATTRIBUTE} :one",
            f"attribute_exists({PASSCODE_ATTRIBUTE}) AND "
            f"(attribute_not_exists({PASSCODE_FAILURES_ATTRIBUTE}) OR {PASSCODE_FAILURES_ATTRIBUTE} < :limit)",
            {":now": _utc(now), ":one": {"N": "1"}, ":limit": {"N": str(MAX_FAILURES)}},
        )

    def _try_in_new_round(self, user: UserKey, now: datetime) -> PasscodeGuard:
        """The first try of a new round, once the lock of the full one has ended (its length set by the rounds
        before it, all in this one condition, so nothing read earlier can be out of date)."""
        values: dict[str, Any] = {":now": _utc(now), ":one": {"N": "1"}, ":limit": {"N": str(MAX_FAILURES)}}
        ended = []
        for rounds, duration in enumerate(LOCK_DURATIONS):
            values[f":r{rounds}"] = {"N": str(rounds)}
            values[f":open{rounds}"] = _utc(now - duration)
            last = rounds == len(LOCK_DURATIONS) - 1
            which = f"{PASSCODE_ROUND_ATTRIBUTE} {'>=' if last else '='} :r{rounds}"
            if rounds == 0:
                which = f"(attribute_not_exists({PASSCODE_ROUND_ATTRIBUTE}) OR {which})"
            ended.append(f"({which} AND {PASSCODE_LAST_TRY_ATTRIBUTE} <= :open{rounds})")
        return self._reserve(
            user,
            f"SET {PASSCODE_FAILURES_ATTRIBUTE} = :one, {PASSCODE_LAST_TRY_ATTRIBUTE} = :now, updatedAt = :now "
            f"ADD {PASSCODE_ROUND_ATTRIBUTE} :one",
            f"attribute_exists({PASSCODE_ATTRIBUTE}) AND {PASSCODE_FAILURES_ATTRIBUTE} >= :limit AND "
            f"({' OR '.join(ended)})",
            values,
        )

    def _reserve(self, user: UserKey, update: str, condition: str, values: dict[str, Any]) -> PasscodeGuard:
        response = self._client.update_item(
            TableName=self._table,
            Key=self._profile_key(user),
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return _guard_from_attributes(response.get("Attributes", {}))

    def load_passcode_guard(self, user: UserKey) -> PasscodeGuard:
        """The passcode attributes as they are now (a strongly consistent read of the profile item).

        A Query on the item's own key rather than a GetItem, so the function needs no permission beyond the three
        calls it makes anyway."""
        key = self._profile_key(user)
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND sk = :sk",
            ExpressionAttributeValues={":pk": key["pk"], ":sk": key["sk"]},
            ProjectionExpression=f"{PASSCODE_ATTRIBUTE}, {self._CLEARED}",
            ConsistentRead=True,
        )
        items = response.get("Items", [])
        return _guard_from_attributes(items[0] if items else {})

    def clear_passcode_failures(self, user: UserKey, now: datetime) -> None:
        """The right passcode was given: forget the tries and the rounds, so the next lock is short again."""
        self._update_profile(user, f"SET updatedAt = :now REMOVE {self._CLEARED}", {":now": _iso(now)})

    # The weekly reminder: only its ID, on the profile item, in one UpdateItem.

    def save_reminder_id(self, user: UserKey, reminder_id: str | None, now: datetime) -> None:
        """Remember the ID of the speaker's weekly reminder, or forget it (``None``) once it is gone."""
        if reminder_id is None:
            self._update_profile(user, f"SET updatedAt = :now REMOVE {REMINDER_ATTRIBUTE}", {":now": _iso(now)})
            return
        self._update_profile(
            user,
            f"SET {REMINDER_ATTRIBUTE} = :reminder, updatedAt = :now",
            {":reminder": {"S": reminder_id}, ":now": _iso(now)},
        )

    # Notes for the next session: a list on the profile item, written whole, so notes no longer read are dropped.

    def save_note(self, user: UserKey, note: Note, seen: Sequence[Note], now: datetime) -> bool | None:
        """Keep ``note`` beside the notes still read. ``seen`` is the profile's notes as this turn read them: the
        list is written only if the stored one still has as many entries, so a note kept meanwhile on another
        device is never overwritten (then False: read again and retry). ``None`` when the list is full."""
        kept = kept_with(seen, note)
        if kept is None:
            return None
        condition = f"attribute_not_exists({NOTES_ATTRIBUTE})" if not seen else f"size({NOTES_ATTRIBUTE}) = :seen"
        values: dict[str, Any] = {":notes": {"L": [_note_item(entry) for entry in kept]}, ":now": _iso(now)}
        if seen:
            values[":seen"] = {"N": str(len(seen))}
        return self._update_profile(user, f"SET {NOTES_ATTRIBUTE} = :notes, updatedAt = :now", values, condition)

    def clear_notes(self, user: UserKey, now: datetime) -> None:
        """Forget every note of this person (the profile item's other attributes stay)."""
        self._update_profile(user, f"SET updatedAt = :now REMOVE {NOTES_ATTRIBUTE}", {":now": _iso(now)})

    # The progress report: the day of the latest one, on the profile item, so only one is sent a day.

    def reserve_report_day(self, user: UserKey, day: str, now: datetime) -> bool:
        """Mark ``day`` as the day of this person's report, unless it already is: False then, and nothing changes.

        A conditional write, so two requests at once (two devices) cannot both send one."""
        return self._update_profile(
            user,
            f"SET {REPORT_DAY_ATTRIBUTE} = :day, updatedAt = :now",
            {":day": {"S": day}, ":now": _iso(now)},
            condition=f"attribute_not_exists({REPORT_DAY_ATTRIBUTE}) OR {REPORT_DAY_ATTRIBUTE} <> :day",
        )

    def release_report_day(self, user: UserKey, day: str, now: datetime) -> None:
        """The report reserved for ``day`` was not sent after all: let the person ask again today."""
        self._update_profile(
            user,
            f"SET updatedAt = :now REMOVE {REPORT_DAY_ATTRIBUTE}",
            {":day": {"S": day}, ":now": _iso(now)},
            condition=f"{REPORT_DAY_ATTRIBUTE} = :day",
        )

    def _update_profile(
        self, user: UserKey, expression: str, values: dict[str, Any], condition: str | None = None
    ) -> bool:
        """One UpdateItem on the profile item. With ``condition``, nothing is written where it does not hold, and
        the answer is False."""
        extra: dict[str, Any] = {"ConditionExpression": condition} if condition else {}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._profile_key(user),
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
                **extra,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    @staticmethod
    def _profile_key(user: UserKey) -> dict[str, Any]:
        return {"pk": {"S": user.pk}, "sk": {"S": user.profile_sk}}

    @staticmethod
    def _week_key(user: UserKey, week: str) -> dict[str, Any]:
        return {"pk": {"S": user.pk}, "sk": {"S": user.checkin_sk(week)}}
