"""The only module that talks to DynamoDB.

Key design (one table, defined in ``template.yaml``)::

    pk = "ACCOUNT#<sha256 of the Alexa account ID>"
    sk = "<scope>#PROFILE"               one item: time zone, first visit, passcode hash, wrong tries, lock
    sk = "<scope>#CHECKIN#2026-W48"      one item per ISO week: r_<sign> ratings, skipped set, timestamps

``scope`` is ``A`` for the account, or ``P<sha256 of the voice profile ID>`` when Alexa recognises who is
speaking, so two people on one device keep separate check-ins. Raw Alexa IDs are never stored.

"CHECKIN" sorts before "PROFILE", so one descending Query over ``begins_with(sk, "<scope>#")`` with a small
``Limit`` returns the profile first and then the newest weeks: launch costs one bounded read, whatever the
length of the history. Each rating is one UpdateItem that sets only that sign's attribute, so two devices
answering at once never overwrite each other's answers.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.passcode import PasscodeHash
from therapy_checkin.domain.signs import is_sign

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
else:
    DynamoDBClient = Any

RATING_PREFIX = "r_"
ACCOUNT_PREFIX = "ACCOUNT#"
PROFILE_SUFFIX = "PROFILE"
CHECKIN_SUFFIX = "CHECKIN#"
ACCOUNT_SCOPE = "A"

CONNECT_TIMEOUT_SECONDS = 0.3
READ_TIMEOUT_SECONDS = 0.4
MAX_ATTEMPTS = 2
"""Bounds for one DynamoDB call, retries included (botocore "standard" mode, first try plus one retry).

A healthy call takes about 10 ms in-region. A hung one costs at most 2 attempts x (0.3 s connect + 0.4 s read)
plus one standard-mode backoff of at most 1 s: 2.4 s. After one failed call a turn makes no further calls
(see :mod:`therapy_checkin.saving`), so even with the table down the answer comes well inside Alexa's 8 s."""


def build_client() -> DynamoDBClient:
    """A DynamoDB client with the bounds above, from botocore itself.

    Not ``boto3.client``: importing boto3 imports s3transfer, about 100 ms of every cold start for S3 code this
    skill never runs, and boto3 adds nothing to a DynamoDB client. Region, credentials and an endpoint override
    (``AWS_ENDPOINT_URL_DYNAMODB``) come from the environment, as with boto3. Creating the client reads only
    files in the bundle and the runtime: no network call.
    """
    from botocore.config import Config
    from botocore.session import get_session

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    return cast("DynamoDBClient", get_session().create_client("dynamodb", config=config))


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
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or name in ("exceptions", "meta") or not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args: Any, **kwargs: Any) -> Any:
            if _outage_this_turn.get():
                # One failed call per turn is enough to know: do not spend the user's time on another.
                raise StorageUnavailable(name, "SkippedAfterOutage")
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
        attributes={k: v for k, v in item.items() if k not in ("pk", "sk")},
    )


def _iso(moment: datetime) -> dict[str, str]:
    return {"S": moment.isoformat(timespec="seconds")}


def _streak_update(streak: int | None) -> tuple[str, dict[str, Any]]:
    """The SET clause that stores a week's streak once: a later write never changes it."""
    if streak is None:
        return "", {}
    return ", streak = if_not_exists(streak, :streak)", {":streak": {"N": str(streak)}}


PASSCODE_ATTRIBUTE = "passcode"
PASSCODE_FAILURES_ATTRIBUTE = "passcodeFailures"
PASSCODE_LOCKED_UNTIL_ATTRIBUTE = "passcodeLockedUntil"
BATCH_WRITE_LIMIT = 25
"""DynamoDB's maximum number of requests in one BatchWriteItem."""
BATCH_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4)
"""Pauses before re-sending deletes DynamoDB left unprocessed (throttling): at most 0.75 s in all."""


@dataclass(frozen=True)
class PasscodeGuard:
    """A profile's passcode (its hash only), wrong tries since the last right one, and any lock on recaps."""

    passcode: PasscodeHash | None = None
    failures: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def passcode_guard(profile: Profile | None) -> PasscodeGuard:
    """Read the passcode attributes of a profile item; anything malformed counts as absent."""
    if profile is None:
        return PasscodeGuard()
    attributes = profile.attributes
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
    failures = 0
    with contextlib.suppress(KeyError, TypeError, ValueError):
        failures = _number(attributes[PASSCODE_FAILURES_ATTRIBUTE])
    locked_until: datetime | None = None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        locked_until = datetime.fromisoformat(attributes[PASSCODE_LOCKED_UNTIL_ATTRIBUTE]["S"])
    return PasscodeGuard(passcode=passcode, failures=failures, locked_until=locked_until)


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
    deletions, which page through a user's keys."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = cast("DynamoDBClient", _OutageAwareClient(client))

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

    def save_rating(
        self, user: UserKey, week: str, sign_id: str, rating: int, now: datetime, streak: int | None = None
    ) -> None:
        """Store one rating the moment it is given. Only this sign's attribute changes.

        ``streak`` is given with a week's first answer and kept only if the item has none yet.
        """
        streak_set, streak_values = _streak_update(streak)
        self._client.update_item(
            TableName=self._table,
            Key=self._week_key(user, week),
            UpdateExpression="SET #rating = :rating, updatedAt = :now, startedAt = if_not_exists(startedAt, :now)"
            f"{streak_set} DELETE skipped :sign",
            ExpressionAttributeNames={"#rating": f"{RATING_PREFIX}{sign_id}"},
            ExpressionAttributeValues={
                ":rating": {"N": str(rating)},
                ":now": _iso(now),
                ":sign": {"SS": [sign_id]},
                **streak_values,
            },
        )

    def save_skip(self, user: UserKey, week: str, sign_id: str, now: datetime, streak: int | None = None) -> None:
        """Mark a sign as skipped this week. A skipped sign counts as unanswered, never as zero."""
        streak_set, streak_values = _streak_update(streak)
        # If the sign was rated meanwhile (another device, or earlier this week), the rating wins over a skip.
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table,
                Key=self._week_key(user, week),
                UpdateExpression="SET updatedAt = :now, startedAt = if_not_exists(startedAt, :now)"
                f"{streak_set} ADD skipped :sign",
                ConditionExpression="attribute_not_exists(#rating)",
                ExpressionAttributeNames={"#rating": f"{RATING_PREFIX}{sign_id}"},
                ExpressionAttributeValues={":now": _iso(now), ":sign": {"SS": [sign_id]}, **streak_values},
            )

    def mark_completed(self, user: UserKey, week: str, now: datetime) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=self._week_key(user, week),
            UpdateExpression="SET completedAt = :now, updatedAt = :now",
            ExpressionAttributeValues={":now": _iso(now)},
        )

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

    def delete_user(self, user: UserKey) -> int:
        """Delete everything of one person, or of the account's own scope: every week, the profile, all else.

        Returns how many items were deleted. Raises :class:`StorageUnavailable` if any are left.
        """
        return self._delete_under(user.pk, user.sk_prefix)

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

    def save_passcode(self, user: UserKey, passcode: PasscodeHash, now: datetime) -> None:
        """Store a new passcode's hash (never the digits) and clear any earlier wrong tries or lock."""
        self._update_profile(
            user,
            f"SET {PASSCODE_ATTRIBUTE} = :code, updatedAt = :now "
            f"REMOVE {PASSCODE_FAILURES_ATTRIBUTE}, {PASSCODE_LOCKED_UNTIL_ATTRIBUTE}",
            {":code": _passcode_item(passcode), ":now": _iso(now)},
        )

    def remove_passcode(self, user: UserKey, now: datetime) -> None:
        self._update_profile(
            user,
            f"SET updatedAt = :now "
            f"REMOVE {PASSCODE_ATTRIBUTE}, {PASSCODE_FAILURES_ATTRIBUTE}, {PASSCODE_LOCKED_UNTIL_ATTRIBUTE}",
            {":now": _iso(now)},
        )

    def record_passcode_failure(self, user: UserKey, now: datetime) -> int:
        """Count one wrong passcode; returns the count since the last right one (kept across sessions)."""
        response = self._client.update_item(
            TableName=self._table,
            Key=self._profile_key(user),
            UpdateExpression=f"SET updatedAt = :now ADD {PASSCODE_FAILURES_ATTRIBUTE} :one",
            ExpressionAttributeValues={":now": _iso(now), ":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return _number(response.get("Attributes", {}).get(PASSCODE_FAILURES_ATTRIBUTE, {"N": "1"}))

    def lock_passcode(self, user: UserKey, until: datetime, now: datetime) -> None:
        """Lock recaps until ``until``; the count of wrong tries starts again after the lock."""
        self._update_profile(
            user,
            f"SET {PASSCODE_LOCKED_UNTIL_ATTRIBUTE} = :until, updatedAt = :now REMOVE {PASSCODE_FAILURES_ATTRIBUTE}",
            {":until": _iso(until), ":now": _iso(now)},
        )

    def clear_passcode_failures(self, user: UserKey, now: datetime) -> None:
        self._update_profile(
            user,
            f"SET updatedAt = :now REMOVE {PASSCODE_FAILURES_ATTRIBUTE}, {PASSCODE_LOCKED_UNTIL_ATTRIBUTE}",
            {":now": _iso(now)},
        )

    def _update_profile(self, user: UserKey, expression: str, values: dict[str, Any]) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=self._profile_key(user),
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
        )

    @staticmethod
    def _profile_key(user: UserKey) -> dict[str, Any]:
        return {"pk": {"S": user.pk}, "sk": {"S": user.profile_sk}}

    @staticmethod
    def _week_key(user: UserKey, week: str) -> dict[str, Any]:
        return {"pk": {"S": user.pk}, "sk": {"S": user.checkin_sk(week)}}
