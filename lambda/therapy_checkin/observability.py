"""Logger and metrics, created once per process and shared by every request.

Nothing here may carry a rating, an utterance, or anything that stands for the user (not even a pseudonym):
log the request type, the intent name and the conversation mode, nothing more.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "therapy-checkin"
NAMESPACE = "TherapyCheckIn"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def count(name: str) -> None:
    """Add one to a count metric (check-ins started and completed, ratings saved, errors)."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
