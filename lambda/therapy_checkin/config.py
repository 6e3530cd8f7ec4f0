"""Settings from the Lambda environment (set by ``template.yaml``), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    skill_id: str | None
    """Requests for any other skill are refused. Unset only in local tools that build their own requests."""
    report_sender: str | None = None
    """The verified SES identity the progress report is sent from; ``None``: the report is not set up."""


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", "therapy-checkin"),
        skill_id=os.environ.get("SKILL_ID") or None,
        report_sender=os.environ.get("REPORT_SENDER", "").strip() or None,
    )
