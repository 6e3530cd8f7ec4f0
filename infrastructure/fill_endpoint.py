#!/usr/bin/env python3
"""Write the deployed Lambda function's ARN into ``skill-package/skill.json``.

The ARN comes either from the CloudFormation stack (``--stack-name``, optionally
``--region``) or straight from ``--function-arn``. From the stack it is the output
``CheckInAliasArn`` (the alias ``live``, the only target the skill may invoke, and the
only one SnapStart serves) when the stack has it, else ``CheckInFunctionArn`` (stacks
deployed before the alias existed).
It replaces the endpoint of the custom API (``manifest.apis.custom.endpoint.uri``)
and, where the manifest subscribes to skill events, the events endpoint
(``manifest.events.endpoint.uri``). Nothing else in the manifest changes.

``--skill-id`` is a safety check only: with ``--stack-name`` it must equal the
stack's ``SkillId`` parameter, the only skill the function accepts. It is not
written anywhere.

Examples::

    python infrastructure/fill_endpoint.py --stack-name therapy-checkin --region us-east-1
    python infrastructure/fill_endpoint.py --function-arn arn:aws:lambda:us-east-1:123456789012:function:therapy-checkin
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

PLACEHOLDER_ARN = "arn:aws:lambda:REGION:ACCOUNT_ID:function:FUNCTION_NAME"
OUTPUT_KEY = "CheckInFunctionArn"
ALIAS_OUTPUT_KEY = "CheckInAliasArn"
SKILL_ID_PARAMETER = "SkillId"
DEFAULT_MANIFEST = Path(__file__).resolve().parent.parent / "skill-package" / "skill.json"

_LAMBDA_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(?::[A-Za-z0-9$_-]{1,128})?$"
)


class EndpointError(ValueError):
    """The ARN, the manifest or the stack is not what this helper expects."""


class CloudFormationClient(Protocol):
    """The one boto3 CloudFormation call this helper makes."""

    def describe_stacks(self, *, StackName: str) -> Mapping[str, Any]: ...


def check_function_arn(arn: str) -> str:
    """Return ``arn`` if it is a Lambda function ARN, else raise ``EndpointError``."""
    if not _LAMBDA_ARN.fullmatch(arn):
        raise EndpointError(f"not a Lambda function ARN: {arn!r}")
    return arn


def with_endpoint(manifest: dict[str, Any], arn: str) -> dict[str, Any]:
    """Return a copy of ``manifest`` whose skill endpoints point at ``arn``.

    Sets ``manifest.apis.custom.endpoint.uri`` and, when the manifest has an
    ``events`` section, ``manifest.events.endpoint.uri``. The input is left as it was.
    """
    check_function_arn(arn)
    result = copy.deepcopy(manifest)
    body = result.get("manifest")
    if not isinstance(body, dict):
        raise EndpointError("skill.json has no 'manifest' object")
    apis = body.get("apis")
    custom = apis.get("custom") if isinstance(apis, dict) else None
    if not isinstance(custom, dict):
        raise EndpointError("skill.json has no 'manifest.apis.custom' object")
    custom.setdefault("endpoint", {})["uri"] = arn
    events = body.get("events")
    if isinstance(events, dict):
        events.setdefault("endpoint", {})["uri"] = arn
    return result


def _stack(client: CloudFormationClient, stack_name: str) -> Mapping[str, Any]:
    stacks: Sequence[Mapping[str, Any]] = client.describe_stacks(StackName=stack_name).get("Stacks", [])
    if not stacks:
        raise EndpointError(f"stack {stack_name!r} not found")
    return stacks[0]


def arn_from_stack(client: CloudFormationClient, stack_name: str, skill_id: str | None = None) -> str:
    """Read the skill endpoint from the stack's outputs (the alias when there is one), checking ``skill_id``."""
    stack = _stack(client, stack_name)
    if skill_id is not None:
        parameters = {p.get("ParameterKey"): p.get("ParameterValue") for p in stack.get("Parameters", [])}
        deployed = parameters.get(SKILL_ID_PARAMETER)
        if deployed != skill_id:
            raise EndpointError(
                f"stack {stack_name!r} was deployed for skill {deployed!r}, not {skill_id!r}: "
                "redeploy with the right SkillId first"
            )
    outputs = {output.get("OutputKey"): output.get("OutputValue", "") for output in stack.get("Outputs", [])}
    for key in (ALIAS_OUTPUT_KEY, OUTPUT_KEY):
        if key in outputs:
            return check_function_arn(str(outputs[key]))
    raise EndpointError(f"stack {stack_name!r} has no output {OUTPUT_KEY!r} (is the deployment finished?)")


def _cloudformation(region: str | None) -> CloudFormationClient:
    boto3 = importlib.import_module("boto3")
    client: CloudFormationClient = boto3.client("cloudformation", region_name=region)
    return client


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write the skill's Lambda ARN into skill-package/skill.json.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--stack-name", help="stack to read the CheckInAliasArn (else CheckInFunctionArn) output from")
    source.add_argument("--function-arn", help="use this Lambda function ARN instead of reading a stack")
    parser.add_argument("--region", help="AWS region of the stack (default: the AWS CLI/SDK configuration)")
    parser.add_argument("--skill-id", help="check that the stack was deployed for this skill ID")
    parser.add_argument(
        "--manifest",
        type=Path,
        default=DEFAULT_MANIFEST,
        help=f"skill manifest to update (default: {DEFAULT_MANIFEST})",
    )
    args = parser.parse_args(argv)
    if args.skill_id is not None and args.stack_name is None:
        parser.error("--skill-id needs --stack-name (it is checked against the stack's SkillId parameter)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = _parse_args(argv)
    manifest_path: Path = args.manifest
    try:
        if args.function_arn is not None:
            arn = check_function_arn(args.function_arn)
        else:
            arn = arn_from_stack(_cloudformation(args.region), args.stack_name, args.skill_id)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        updated = with_endpoint(manifest, arn)
    except (EndpointError, OSError, json.JSONDecodeError) as exc:
        print(f"fill_endpoint: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - boto3/botocore errors: no credentials, no stack, no network
        print(f"fill_endpoint: could not read stack {args.stack_name!r}: {exc}", file=sys.stderr)
        return 1
    if updated != manifest:
        manifest_path.write_text(json.dumps(updated, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{manifest_path}: endpoint set to {arn}")
    else:
        print(f"{manifest_path}: endpoint already {arn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
