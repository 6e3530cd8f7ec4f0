"""The HTTP client the ASK SDK's service clients (the Settings API) call Alexa through.

Why not the SDK's ``DefaultApiClient``: it calls ``requests`` with no timeout, so a slow Alexa API could eat
the 8 seconds Alexa gives a response, and importing ``requests`` costs about 75 ms of every cold start. This
client uses the standard library (already loaded by the SDK's own imports) and bounds every connect and read.

Only HTTPS is allowed, as in the SDK, except plain HTTP to a loopback address: that is how local tools and
tests point ``context.System.apiEndpoint`` at a fake Alexa API. Nothing listens on loopback in Lambda, and
requests only reach the function from Alexa, so this opens nothing in production.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from therapy_checkin import budget

API_TIMEOUT_SECONDS = 1.0
"""Bound on connecting and on each read. The Settings API answers in tens of milliseconds; a second lets a
slow answer through while leaving the turn most of its 8 seconds."""
MAX_BODY_BYTES = 64 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})

if TYPE_CHECKING:
    from urllib.request import OpenerDirector


@cache
def _opener() -> OpenerDirector:
    """Built on first use (``urllib.request`` costs about 20 ms to import, and most turns never call Alexa).
    No proxies: the skill talks to Alexa directly, and a developer's proxy settings must not catch loopback."""
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TimedApiClient(ApiClient):
    """An ``ApiClient`` with a timeout. Every failure becomes ``ApiClientException``, as the SDK expects."""

    def __init__(self, timeout: float = API_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        import urllib.error
        import urllib.request

        if not budget.time_for_a_call():
            # A call started now could outlast the function: callers treat this as Alexa not answering.
            raise ApiClientException("Not enough of the turn's time left for the request")
        url = request.url or ""
        _check_scheme(url)
        headers = _headers(request.headers)
        data = _body(request.body, headers)
        method = (request.method or "GET").upper()
        outgoing = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - scheme checked
        try:
            with _opener().open(outgoing, timeout=self.timeout) as response:
                status, raw, reply_headers = response.status, response.read(MAX_BODY_BYTES), response.headers
        except urllib.error.HTTPError as error:
            # A non-2xx status is an answer, not a failure: the service client turns it into ServiceException.
            status, raw, reply_headers = error.code, error.read(MAX_BODY_BYTES), error.headers
            error.close()
        except Exception as error:
            raise ApiClientException(f"Error executing the request: {type(error).__name__}") from error
        return ApiClientResponse(
            headers=list(reply_headers.items()) if reply_headers else [],
            status_code=status,
            body=raw.decode("utf-8", errors="replace"),
        )


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return
    raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")


def _headers(pairs: list[tuple[str, str]] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in pairs or []:
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _body(body: Any, headers: dict[str, str]) -> bytes | None:
    if not body:
        return None
    content_type = next((value for key, value in headers.items() if key.lower() == "content-type"), "")
    text = json.dumps(body) if "json" in content_type and not isinstance(body, str) else str(body)
    return text.encode("utf-8")
