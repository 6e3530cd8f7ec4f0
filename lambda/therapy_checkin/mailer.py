"""Sending the progress report: one SES v2 ``SendEmail`` call with the raw MIME message, and nothing else.

The message is built elsewhere (:mod:`therapy_checkin.domain.report`); this module only hands it to SES, from the
verified sender the deployment names (``REPORT_SENDER``, the template's ``ReportSender`` parameter). Without one,
the feature is not set up and the function has no SES permission at all.

The client is built on first use, so turns that never send pay nothing for it; its timeouts keep a slow SES
inside the turn's time (see :mod:`therapy_checkin.budget`). Only the error code is ever logged: never the
address, the subject or the content.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from therapy_checkin import budget
from therapy_checkin.observability import count, logger

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
"""One attempt, no retry: SES answers a send in well under a second; a second try could send the report twice."""


class ReportNotSent(Exception):
    """SES refused the message or could not be reached; as far as the skill can tell, nothing was sent."""


@functools.cache
def _client() -> Any:
    """An SES v2 client from botocore, region and credentials from the environment (Lambda's own)."""
    from botocore.config import Config
    from botocore.session import get_session

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    return get_session().create_client("sesv2", config=config)


def send_raw(sender: str, recipient: str, message: bytes) -> None:
    """Send ``message`` (MIME bytes) from ``sender`` to ``recipient``. Raises :class:`ReportNotSent`."""
    if not budget.time_for_a_call():
        logger.warning("Report not sent", extra={"code": "OutOfTime"})
        count("ReportNotSent")
        raise ReportNotSent("OutOfTime")
    try:
        _client().send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [recipient]},
            Content={"Raw": {"Data": message}},
        )
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        logger.warning("Report not sent", extra={"code": code})
        count("ReportNotSent")
        raise ReportNotSent(code) from None
    except BotoCoreError as error:
        logger.warning("Report not sent", extra={"code": type(error).__name__})
        count("ReportNotSent")
        raise ReportNotSent(type(error).__name__) from None
