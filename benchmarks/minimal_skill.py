"""The least a Python skill can do on a cold start: the yardstick for the skill's own first answer.

Import boto3, create a DynamoDB client, make one Query (the read a first visit needs) and print a response. Run as
a fresh process by ``benchmarks/checkin.py`` against the same local DynamoDB endpoint as the skill, with the
same settings (``AWS_ENDPOINT_URL_DYNAMODB``, ``TABLE_NAME``), so the difference between the two is what the
skill itself adds: its imports, the ASK SDK's request parsing, its handlers.

It prints the seconds from its first line to the printed response, and the peak resident size in KiB.
"""

import time

start = time.perf_counter()

import json  # noqa: E402 - timed from the first line, as the skill is
import os  # noqa: E402
import resource  # noqa: E402

import boto3  # noqa: E402

client = boto3.session.Session().client("dynamodb")
found = client.query(
    TableName=os.environ["TABLE_NAME"],
    KeyConditionExpression="pk = :pk",
    ExpressionAttributeValues={":pk": {"S": "ACCOUNT#minimal"}},
    Limit=10,
)
reply = {
    "version": "1.0",
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": f"<speak>Welcome. {found['Count']} items.</speak>"},
        "shouldEndSession": False,
    },
}
print(json.dumps(reply))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
