"""The Amazon account's email address, from Alexa's Customer Profile API, for the progress report.

``GET {apiEndpoint}/v2/accounts/~current/settings/Profile.email`` with the request's ``apiAccessToken``, through
the skill's API client (:class:`therapy_checkin.alexa_api.TimedApiClient`, with its timeout).
Alexa answers the address as a JSON string (200), nothing (204: the account has none), or an error: 401 or 403
when the person has not granted the scope :data:`SCOPE` (declared in skill.json), 429 when busy.

The address is the account's, not the speaker's: in a shared home it may belong to someone else, which is why the
skill says where the report would go before sending it. It is never stored, logged or kept in the session: it is
read again on the turn that sends.
"""

from __future__ import annotations

from enum import Enum

from ask_sdk_core.handler_input import HandlerInput

from therapy_checkin.observability import count, logger

SCOPE = "alexa::profile:email:read"
PATH = "/v2/accounts/~current/settings/Profile.email"
"""The permission scope for reading the account's email address."""
MAX_ADDRESS_LENGTH = 254


class Failure(Enum):
    PERMISSION = "permission"
    """401 or 403: the person has not allowed the skill to read the address (or withdrew it)."""
    UNAVAILABLE = "unavailable"
    """429, 5xx, a timeout, no API endpoint in the request, or an answer that cannot be read."""


class EmailUnavailable(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(f"account email unavailable: {failure.value}")
        self.failure = failure


def account_email(handler_input: HandlerInput) -> str | None:
    """The account's email address, or ``None`` when the account has none. Raises :class:`EmailUnavailable`.

    A plain GET through the skill's API client rather than ``UpsServiceClient.get_profile_email``: the SDK reads
    an error's body into an enum of codes that does not list every code Alexa sends (a 403's ``ACCESS_DENIED``
    fails to deserialise), which would turn a missing permission into an outage. Only the status decides here.
    """
    import json

    from ask_sdk_model.services import ApiClientRequest

    factory = handler_input.service_client_factory
    configuration = factory.api_configuration if factory is not None else None
    endpoint = configuration.api_endpoint if configuration is not None else None
    token = configuration.authorization_value if configuration is not None else None
    if configuration is None or configuration.api_client is None or not endpoint or not token:
        raise EmailUnavailable(Failure.UNAVAILABLE)
    request = ApiClientRequest(
        url=f"{endpoint.rstrip('/')}{PATH}",
        method="GET",
        headers=[("Authorization", f"Bearer {token}"), ("Accept", "application/json")],
    )
    try:
        response = configuration.api_client.invoke(request)
    except Exception as error:  # noqa: BLE001 - the client raises ApiClientException, or anything on a bad answer
        logger.info("Account email unavailable", extra={"error_type": type(error).__name__})
        count("AccountEmailUnavailable")
        raise EmailUnavailable(Failure.UNAVAILABLE) from None
    status = response.status_code or 0
    if status == 204:
        return None
    if status != 200:
        failure = Failure.PERMISSION if status in (401, 403) else Failure.UNAVAILABLE
        logger.info("Account email unavailable", extra={"code": status, "reason": failure.value})
        count("AccountEmailUnavailable")
        raise EmailUnavailable(failure)
    try:
        address = json.loads(response.body or "null")
    except ValueError:
        address = None
    if address is None:
        return None
    if not isinstance(address, str) or not _usable(address.strip()):
        logger.info("Account email unusable")
        raise EmailUnavailable(Failure.UNAVAILABLE)
    return address.strip()


def _usable(address: str) -> bool:
    """One plain address: nothing that could add a recipient or a header."""
    local, at, domain = address.rpartition("@")
    return bool(
        at and local and domain and len(address) <= MAX_ADDRESS_LENGTH and not any(c in address for c in '\r\n,;<>"')
    )
