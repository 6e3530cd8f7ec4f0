"""Deployment checks: template.yaml (SAM), infrastructure/fill_endpoint.py and skill-package/skill.json.

Everything here runs offline. The template is read with cfn-lint's YAML loader, which turns the short-form
tags (!Ref, !GetAtt, !Sub, ...) into their long form ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...). The function's
permissions are checked on the template as deployed: after the SAM transform (aws-sam-translator), which is where
SAM adds implicit roles, managed policies and Lambda permissions that the source does not show.
"""

from __future__ import annotations

import copy
import datetime
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cfnlint.api import lint, lint_file
from cfnlint.decode.cfn_yaml import loads
from samtranslator.translator.transform import transform

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
SKILL_JSON = ROOT / "skill-package" / "skill.json"
INTERACTION_MODEL = ROOT / "skill-package" / "interactionModels" / "custom" / "en-US.json"
FILL_ENDPOINT = ROOT / "infrastructure" / "fill_endpoint.py"
STORAGE = ROOT / "lambda" / "therapy_checkin" / "storage.py"

TABLE_ACTIONS = {"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}
UNUSED_TABLE_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"}
LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}
# Active tracing: Lambda sends the invocation's segments with the function's role. X-Ray defines no resource
# type for these actions, so "*" is the only Resource they accept.
XRAY_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# Every (action, resource) the function's role grants, resources named "Resource.Attribute" for a Fn::GetAtt.
# The log group's Arn attribute is arn:...:log-group:/aws/lambda/<stack name>:*, the group and its streams.
EXPECTED_GRANTS = {
    *((action, "CheckInTable.Arn") for action in TABLE_ACTIONS),
    *((action, "CheckInLogGroup.Arn") for action in LOG_ACTIONS),
    *((action, "*") for action in XRAY_ACTIONS),
}
REGION = "us-east-1"
REPORT_SENDER = "reports@therapy-checkin.example.org"
REPORT_IDENTITY_ARN = {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${ReportSender}"}
CLOUDWATCH_RETENTION_DAYS = {
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
}  # fmt: skip
PLACEHOLDER_ARN = "arn:aws:lambda:REGION:ACCOUNT_ID:function:FUNCTION_NAME"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:therapy-checkin"
SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"


# --------------------------------------------------------------------------------------------------------------
# Helpers


def _resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == resource_type}


def _get_att(value: Any) -> tuple[str, str]:
    """(resource, attribute) of a Fn::GetAtt in either of its two long forms."""
    assert isinstance(value, dict), value
    assert set(value) == {"Fn::GetAtt"}, value
    target = value["Fn::GetAtt"]
    if isinstance(target, str):
        resource, _, attribute = target.partition(".")
        return resource, attribute
    resource, attribute = target
    return str(resource), str(attribute)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a value, intrinsic functions included (Fn::Sub text, Fn::Join parts, ...)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _iam_statements(value: Any) -> Iterator[dict[str, Any]]:
    """Every IAM statement anywhere in the template (inline policies, role policies, resource policies)."""
    if isinstance(value, dict):
        statements = value.get("Statement")
        if statements is not None:
            for statement in _as_list(statements):
                assert isinstance(statement, dict), statement
                yield statement
        for item in value.values():
            yield from _iam_statements(item)
    elif isinstance(value, list):
        for item in value:
            yield from _iam_statements(item)


def _resource_name(value: Any) -> str:
    """A resource as the grant tables name it: "CheckInTable.Arn" for a Fn::GetAtt, a literal as it is."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        return ".".join(_get_att(value))
    return json.dumps(value, sort_keys=True)


def _function_role(expanded: dict[str, Any]) -> dict[str, Any]:
    """The IAM role resource the expanded function runs with."""
    function = expanded["Resources"]["CheckInFunction"]
    assert function["Type"] == "AWS::Lambda::Function"
    role_name, attribute = _get_att(function["Properties"]["Role"])
    assert attribute == "Arn"
    role: dict[str, Any] = expanded["Resources"][role_name]
    assert role["Type"] == "AWS::IAM::Role"
    return role


def _role_statements(expanded: dict[str, Any], report_sender: str = "") -> list[dict[str, Any]]:
    """The statements of the function role's own policies (not its trust policy), as deployed with the
    ReportSender parameter set to ``report_sender`` (its condition decided, as CloudFormation decides it)."""
    role = _resolve_conditions(_function_role(expanded), {"HasReportSender": report_sender != ""})
    statements: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        statements.extend(_as_list(policy["PolicyDocument"]["Statement"]))
    return statements


NO_VALUE = {"Ref": "AWS::NoValue"}


def _resolve_conditions(value: Any, conditions: dict[str, bool]) -> Any:
    """``value`` with every Fn::If on one of ``conditions`` replaced by the branch it takes, and AWS::NoValue
    dropped from the lists and mappings that hold it, as CloudFormation does."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            assert name in conditions, f"undecided condition {name}"
            return _resolve_conditions(when_true if conditions[name] else when_false, conditions)
        resolved = {key: _resolve_conditions(item, conditions) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item != NO_VALUE}
    if isinstance(value, list):
        items = [_resolve_conditions(item, conditions) for item in value]
        return [item for item in items if item != NO_VALUE]
    return value


def _grants(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(action, resource) for every action and resource the statements allow."""
    grants: set[tuple[str, str]] = set()
    for statement in statements:
        assert statement["Effect"] == "Allow", statement
        for key in ("NotAction", "NotResource", "Condition"):
            assert key not in statement, f"{key} in {statement}"
        for action in _as_list(statement["Action"]):
            for resource in _as_list(statement["Resource"]):
                grants.add((str(action), _resource_name(resource)))
    return grants


def _dynamodb_calls_in_storage() -> set[str]:
    """The IAM actions of the DynamoDB calls storage.py makes: every ``self._client.<method>(``, with boto3's own
    map from method to operation name (``batch_write_item`` -> ``BatchWriteItem``)."""
    methods = set(re.findall(r"self\._client\.(\w+)\s*\(", STORAGE.read_text(encoding="utf-8")))
    assert methods, f"no self._client.<method>( call found in {STORAGE}"
    client = boto3.client("dynamodb", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    operations = client.meta.method_to_api_mapping
    assert methods <= set(operations), f"not DynamoDB operations: {sorted(methods - set(operations))}"
    return {f"dynamodb:{operations[method]}" for method in methods}


class _NoManagedPolicyNames:
    """The translator's managed policy loader, offline. SAM asks it for the ARN of each managed policy a template
    names by name (the real loader lists them from IAM, which needs an account); this template names none."""

    def load(self) -> dict[str, str]:
        return {}


def _load_fill_endpoint() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fill_endpoint", FILL_ENDPOINT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _find_smapi_spec() -> Path | None:
    """spec.json of the npm package ask-smapi-model, if it is installed somewhere we know of."""
    candidates = [
        os.environ.get("ASK_SMAPI_SPEC", ""),
        str(ROOT / "node_modules" / "ask-smapi-model" / "spec.json"),
        str(ROOT / "devtools" / "node_modules" / "ask-smapi-model" / "spec.json"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded = loads(TEMPLATE.read_text(encoding="utf-8"), str(TEMPLATE))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def function(template: dict[str, Any]) -> dict[str, Any]:
    functions = _resources_of_type(template, "AWS::Serverless::Function")
    assert list(functions) == ["CheckInFunction"]
    properties: dict[str, Any] = functions["CheckInFunction"]["Properties"]
    return properties


@pytest.fixture(scope="module")
def expanded(template: dict[str, Any]) -> dict[str, Any]:
    """template.yaml as CloudFormation deploys it: after the SAM transform, implicit resources included.

    ``sam package`` replaces the local CodeUri with the S3 address of the uploaded bundle, the only form the
    translator accepts, so a stand-in address takes its place. The translator reads the region from boto3.
    """
    source = copy.deepcopy(template)
    source["Resources"]["CheckInFunction"]["Properties"]["CodeUri"] = "s3://therapy-checkin-artifacts/bundle.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        result = transform(source, {"SkillId": SKILL_ID}, _NoManagedPolicyNames())
    assert isinstance(result, dict)
    assert "Transform" not in result
    return result


def _expand(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    source = copy.deepcopy(template)
    source["Resources"]["CheckInFunction"]["Properties"]["CodeUri"] = "s3://therapy-checkin-artifacts/bundle.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        result = transform(source, {"SkillId": SKILL_ID, **parameters}, _NoManagedPolicyNames())
    assert isinstance(result, dict)
    return result


def _resolve_parameters(value: Any, parameters: dict[str, str]) -> Any:
    """A template with every Ref to one of ``parameters`` replaced by its value, as CloudFormation would."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in parameters:
            return parameters[value["Ref"]]
        return {key: _resolve_parameters(item, parameters) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_parameters(item, parameters) for item in value]
    return value


@pytest.fixture(scope="module", params=["None", "PublishedVersions"])
def snapstart(request: pytest.FixtureRequest, template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Each setting of the SnapStart parameter, with the template as SAM expands it and the parameter resolved."""
    setting = str(request.param)
    return setting, _resolve_parameters(_expand(template, {"SnapStart": setting}), {"SnapStart": setting})


@pytest.fixture(scope="module")
def fill_endpoint() -> ModuleType:
    return _load_fill_endpoint()


@pytest.fixture(scope="module")
def skill_manifest() -> dict[str, Any]:
    loaded = json.loads(SKILL_JSON.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


# --------------------------------------------------------------------------------------------------------------
# template.yaml


def test_cfn_lint_reports_nothing() -> None:
    matches = lint_file(TEMPLATE)
    assert [str(match) for match in matches] == []


def test_template_is_sam(template: dict[str, Any]) -> None:
    assert template["Transform"] == "AWS::Serverless-2016-10-31"


def test_skill_id_parameter(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["SkillId"]
    assert parameter["Type"] == "String"
    assert parameter["AllowedPattern"] == r"amzn1\.ask\.skill\.[0-9a-f-]+"
    assert "Default" not in parameter


def test_alexa_skill_event_is_restricted_to_the_skill_id_parameter(function: dict[str, Any]) -> None:
    events = function["Events"]
    assert [event["Type"] for event in events.values()] == ["AlexaSkill"]
    (event,) = events.values()
    assert event["Properties"]["SkillId"] == {"Ref": "SkillId"}


def test_function_settings(function: dict[str, Any]) -> None:
    assert function["CodeUri"] == "lambda/"
    assert function["Handler"] == "therapy_checkin.handler.lambda_handler"
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] in (["arm64"], ["x86_64"])
    assert function["MemorySize"] == 512
    assert function["Timeout"] == 7, "Alexa waits 8 seconds for an answer"
    assert function["Tracing"] == "Active"


def test_function_environment(function: dict[str, Any]) -> None:
    variables = function["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "CheckInTable"}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["POWERTOOLS_SERVICE_NAME"] == "therapy-checkin"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "TherapyCheckIn"
    assert variables["POWERTOOLS_LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
    # Nothing a user said, and no response text (it repeats ratings), goes to logs.
    assert variables["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    # Traces are Lambda's own (active tracing): the function carries no tracer whose settings could matter.
    assert not [name for name in variables if name.startswith("POWERTOOLS_TRACE")]


def test_function_runs_with_the_role_declared_beside_it(template: dict[str, Any], function: dict[str, Any]) -> None:
    """With ``Role`` set, SAM generates no role and ignores ``Policies``: a policy added there would do nothing."""
    assert _get_att(function["Role"]) == ("CheckInFunctionRole", "Arn")
    assert "Policies" not in function
    assert template["Resources"]["CheckInFunctionRole"]["Type"] == "AWS::IAM::Role"


def test_table_definition(template: dict[str, Any]) -> None:
    tables = _resources_of_type(template, "AWS::DynamoDB::Table")
    assert list(tables) == ["CheckInTable"]
    table = tables["CheckInTable"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert properties["AttributeDefinitions"] == [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}, "deletion marks"
    for absent in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "TableName"):
        assert absent not in properties


def test_table_keys_are_plain_data(template: dict[str, Any]) -> None:
    """Local tools create the table from these two lists as they are: no intrinsic functions allowed."""
    properties = template["Resources"]["CheckInTable"]["Properties"]
    for item in [*properties["KeySchema"], *properties["AttributeDefinitions"]]:
        assert all(isinstance(value, str) for value in item.values()), item


def test_log_group(template: dict[str, Any], function: dict[str, Any]) -> None:
    groups = _resources_of_type(template, "AWS::Logs::LogGroup")
    assert list(groups) == ["CheckInLogGroup"]
    group = groups["CheckInLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # The function writes to this group, and the group is named like Lambda's own default.
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "CheckInLogGroup"}
    assert function["FunctionName"] == {"Ref": "AWS::StackName"}
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${AWS::StackName}"}


def test_log_parameters(template: dict[str, Any]) -> None:
    retention = template["Parameters"]["LogRetentionDays"]
    assert retention["Type"] == "Number"
    assert retention["Default"] == 30
    assert set(retention["AllowedValues"]) == CLOUDWATCH_RETENTION_DAYS
    assert template["Parameters"]["LogLevel"]["Default"] == "INFO"


def test_alarms(template: dict[str, Any], function: dict[str, Any]) -> None:
    alarms = _resources_of_type(template, "AWS::CloudWatch::Alarm")
    by_metric = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]): a for a in alarms.values()}
    assert set(by_metric) == {
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "Duration"),
        ("TherapyCheckIn", "Errors"),
    }
    for namespace, metric in [("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("AWS/Lambda", "Duration")]:
        properties = by_metric[namespace, metric]["Properties"]
        assert properties["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "CheckInFunction"}}]
        assert properties["Period"] == 300
    for key in [("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("TherapyCheckIn", "Errors")]:
        properties = by_metric[key]["Properties"]
        assert properties["Statistic"] == "Sum"
        assert properties["Threshold"] == 1
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    duration = by_metric["AWS/Lambda", "Duration"]["Properties"]
    assert duration["ExtendedStatistic"] == "p99"
    assert duration["Threshold"] == 3000
    assert duration["ComparisonOperator"] == "GreaterThanThreshold"
    # The custom metric is the one Powertools emits: namespace and service dimension from the environment.
    variables = function["Environment"]["Variables"]
    custom = by_metric["TherapyCheckIn", "Errors"]["Properties"]
    assert custom["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
    assert custom["Dimensions"] == [{"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}]
    for alarm in alarms.values():
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
        assert alarm["Properties"]["AlarmActions"] == {
            "Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]
        }


def test_alarm_topic_only_with_an_email(template: dict[str, Any]) -> None:
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert template["Conditions"]["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    topics = _resources_of_type(template, "AWS::SNS::Topic")
    assert list(topics) == ["AlarmTopic"]
    assert topics["AlarmTopic"]["Condition"] == "HasAlarmEmail"


def test_outputs(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert _get_att(outputs["CheckInFunctionArn"]["Value"]) == ("CheckInFunction", "Arn")
    assert outputs["CheckInTableName"]["Value"] == {"Ref": "CheckInTable"}


# --------------------------------------------------------------------------------------------------------------
# template.yaml as SAM expands it (what CloudFormation deploys)


def test_expanded_template_passes_cfn_lint(expanded: dict[str, Any]) -> None:
    assert [str(match) for match in lint(json.dumps(expanded))] == []


def test_expanded_function_role_is_lambdas_alone_with_no_managed_policy(expanded: dict[str, Any]) -> None:
    """Managed policies are the ones SAM adds on its own (AWSLambdaBasicExecutionRole writes to every log group
    in the account); separate policy resources could add statements to the role from outside."""
    role = _function_role(expanded)["Properties"]
    assert role.get("ManagedPolicyArns", []) == []
    assert "PermissionsBoundary" not in role
    for policy_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
        assert _resources_of_type(expanded, policy_type) == {}
    (trust,) = _as_list(role["AssumeRolePolicyDocument"]["Statement"])
    assert trust["Effect"] == "Allow"
    assert _as_list(trust["Action"]) == ["sts:AssumeRole"]
    assert set(trust["Principal"]) == {"Service"}
    assert _as_list(trust["Principal"]["Service"]) == ["lambda.amazonaws.com"]
    assert "Condition" not in trust


def test_expanded_function_role_grants_exactly_what_the_skill_uses(expanded: dict[str, Any]) -> None:
    assert _grants(_role_statements(expanded)) == EXPECTED_GRANTS


def test_expanded_wildcard_resource_only_for_the_two_xray_actions(expanded: dict[str, Any]) -> None:
    """Every IAM statement in the deployed template, trust policies included: a "*" anywhere in an action or a
    resource is allowed once, as the Resource of the statement that holds exactly the two X-Ray actions."""
    assert expanded["Resources"]["CheckInFunction"]["Properties"]["TracingConfig"] == {"Mode": "Active"}
    wildcard_statements = []
    for statement in _iam_statements(expanded["Resources"]):
        for key in ("NotAction", "NotResource"):
            assert key not in statement, f"{key} in {statement}"
        for action in _strings(statement.get("Action", [])):
            assert "*" not in action, f"wildcard action: {statement}"
        if any("*" in text for text in _strings(statement.get("Resource", []))):
            wildcard_statements.append(statement)
    assert len(wildcard_statements) == 1, wildcard_statements
    (statement,) = wildcard_statements
    assert _as_list(statement["Resource"]) == ["*"]
    assert set(_as_list(statement["Action"])) == XRAY_ACTIONS
    assert len(_as_list(statement["Action"])) == len(XRAY_ACTIONS)


def test_expanded_logs_actions_only_on_the_functions_own_log_group(expanded: dict[str, Any]) -> None:
    log_grants = {(a, r) for a, r in _grants(_role_statements(expanded)) if a.startswith("logs:")}
    assert log_grants == {(action, "CheckInLogGroup.Arn") for action in LOG_ACTIONS}
    # The group is the function's: Lambda's default name for it, and the group its LoggingConfig names.
    group = expanded["Resources"]["CheckInLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${AWS::StackName}"}
    function = expanded["Resources"]["CheckInFunction"]["Properties"]
    assert function["LoggingConfig"] == {"LogGroup": {"Ref": "CheckInLogGroup"}}
    assert function["FunctionName"] == {"Ref": "AWS::StackName"}


def test_expanded_table_actions_exactly_on_the_one_table(expanded: dict[str, Any]) -> None:
    table_grants = {(a, r) for a, r in _grants(_role_statements(expanded)) if a.startswith("dynamodb:")}
    assert table_grants == {(action, "CheckInTable.Arn") for action in TABLE_ACTIONS}
    assert {action for action, _ in table_grants}.isdisjoint(UNUSED_TABLE_ACTIONS)
    assert list(_resources_of_type(expanded, "AWS::DynamoDB::Table")) == ["CheckInTable"]


def test_granted_table_actions_are_the_calls_storage_makes(expanded: dict[str, Any]) -> None:
    """A new DynamoDB call in storage.py needs its grant here, and a grant no code uses must go."""
    granted = {action for action, _ in _grants(_role_statements(expanded)) if action.startswith("dynamodb:")}
    called = _dynamodb_calls_in_storage()
    assert called - granted == set(), "called by storage.py but not granted"
    assert granted - called == set(), "granted but never called by storage.py"


def test_expanded_function_is_invocable_by_the_skill_alone(expanded: dict[str, Any]) -> None:
    """Through the alias `live` only (the skill's endpoint); the unqualified function has no permission at all."""
    permissions = _resources_of_type(expanded, "AWS::Lambda::Permission")
    assert len(permissions) == 1
    (permission,) = permissions.values()
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": "CheckInFunctionAliaslive"},
        "Principal": "alexa-appkit.amazon.com",
        "EventSourceToken": {"Ref": "SkillId"},
    }


# --------------------------------------------------------------------------------------------------------------
# infrastructure/fill_endpoint.py


def _manifest_with_placeholders() -> dict[str, Any]:
    return {
        "manifest": {
            "publishingInformation": {"locales": {"en-US": {"name": "Therapy Check-In"}}},
            "apis": {"custom": {"endpoint": {"uri": PLACEHOLDER_ARN}, "interfaces": []}},
            "events": {"subscriptions": [{"eventName": "SKILL_DISABLED"}], "endpoint": {"uri": PLACEHOLDER_ARN}},
        }
    }


def test_with_endpoint_sets_both_endpoints_and_nothing_else(fill_endpoint: ModuleType) -> None:
    original = _manifest_with_placeholders()
    before = copy.deepcopy(original)
    updated = fill_endpoint.with_endpoint(original, ARN)
    assert original == before, "the input manifest must not change"
    assert updated["manifest"]["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert updated["manifest"]["events"]["endpoint"] == {"uri": ARN}
    expected = copy.deepcopy(before)
    expected["manifest"]["apis"]["custom"]["endpoint"]["uri"] = ARN
    expected["manifest"]["events"]["endpoint"]["uri"] = ARN
    assert updated == expected


def test_with_endpoint_without_events_section(fill_endpoint: ModuleType) -> None:
    manifest = _manifest_with_placeholders()
    del manifest["manifest"]["events"]
    updated = fill_endpoint.with_endpoint(manifest, ARN)
    assert updated["manifest"]["apis"]["custom"]["endpoint"]["uri"] == ARN
    assert "events" not in updated["manifest"]


def test_with_endpoint_is_idempotent(fill_endpoint: ModuleType) -> None:
    once = fill_endpoint.with_endpoint(_manifest_with_placeholders(), ARN)
    assert fill_endpoint.with_endpoint(once, ARN) == once


@pytest.mark.parametrize(
    "arn",
    [
        PLACEHOLDER_ARN,
        "",
        "arn:aws:lambda:us-east-1:123456789012:layer:x",
        "arn:aws:iam::123456789012:role/x",
        "https://example.com/skill",
        ARN + "*",
    ],
)
def test_with_endpoint_rejects_what_is_not_a_function_arn(fill_endpoint: ModuleType, arn: str) -> None:
    with pytest.raises(fill_endpoint.EndpointError):
        fill_endpoint.with_endpoint(_manifest_with_placeholders(), arn)


def test_with_endpoint_accepts_a_qualified_arn(fill_endpoint: ModuleType) -> None:
    updated = fill_endpoint.with_endpoint(_manifest_with_placeholders(), ARN + ":live")
    assert updated["manifest"]["apis"]["custom"]["endpoint"]["uri"] == ARN + ":live"


def test_with_endpoint_needs_a_custom_api(fill_endpoint: ModuleType) -> None:
    with pytest.raises(fill_endpoint.EndpointError):
        fill_endpoint.with_endpoint({"manifest": {"apis": {}}}, ARN)


def _stubbed_cloudformation(parameters: list[dict[str, str]], outputs: list[dict[str, str]]) -> tuple[Any, Stubber]:
    client = boto3.client(
        "cloudformation", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stubber = Stubber(client)
    stack = {
        "StackName": "therapy-checkin",
        "CreationTime": datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        "StackStatus": "CREATE_COMPLETE",
        "Parameters": parameters,
        "Outputs": outputs,
    }
    stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "therapy-checkin"})
    return client, stubber


def test_arn_from_stack_reads_the_output(fill_endpoint: ModuleType) -> None:
    client, stubber = _stubbed_cloudformation(
        [{"ParameterKey": "SkillId", "ParameterValue": SKILL_ID}],
        [
            {"OutputKey": "CheckInTableName", "OutputValue": "therapy-checkin-CheckInTable-1"},
            {"OutputKey": "CheckInFunctionArn", "OutputValue": ARN},
        ],
    )
    with stubber:
        assert fill_endpoint.arn_from_stack(client, "therapy-checkin", SKILL_ID) == ARN
    stubber.assert_no_pending_responses()


def test_arn_from_stack_prefers_the_alias(fill_endpoint: ModuleType) -> None:
    """The alias is the skill's endpoint: the AlexaSkill permission (and SnapStart) are on it alone."""
    client, stubber = _stubbed_cloudformation(
        [{"ParameterKey": "SkillId", "ParameterValue": SKILL_ID}],
        [
            {"OutputKey": "CheckInFunctionArn", "OutputValue": ARN},
            {"OutputKey": "CheckInAliasArn", "OutputValue": ARN + ":live"},
        ],
    )
    with stubber:
        assert fill_endpoint.arn_from_stack(client, "therapy-checkin", SKILL_ID) == ARN + ":live"


def test_template_outputs_what_fill_endpoint_reads(template: dict[str, Any], fill_endpoint: ModuleType) -> None:
    outputs = template["Outputs"]
    assert outputs[fill_endpoint.ALIAS_OUTPUT_KEY]["Value"] == {"Ref": "CheckInFunction.Alias"}
    assert _get_att(outputs[fill_endpoint.OUTPUT_KEY]["Value"]) == ("CheckInFunction", "Arn")


def test_arn_from_stack_refuses_another_skill(fill_endpoint: ModuleType) -> None:
    client, stubber = _stubbed_cloudformation(
        [{"ParameterKey": "SkillId", "ParameterValue": "amzn1.ask.skill.other"}],
        [{"OutputKey": "CheckInFunctionArn", "OutputValue": ARN}],
    )
    with stubber, pytest.raises(fill_endpoint.EndpointError, match="deployed for skill"):
        fill_endpoint.arn_from_stack(client, "therapy-checkin", SKILL_ID)


def test_arn_from_stack_without_the_output(fill_endpoint: ModuleType) -> None:
    client, stubber = _stubbed_cloudformation([], [])
    with stubber, pytest.raises(fill_endpoint.EndpointError, match="CheckInFunctionArn"):
        fill_endpoint.arn_from_stack(client, "therapy-checkin")


def test_command_line_writes_the_manifest(fill_endpoint: ModuleType, tmp_path: Path) -> None:
    target = tmp_path / "skill.json"
    target.write_text(SKILL_JSON.read_text(encoding="utf-8"), encoding="utf-8")
    assert fill_endpoint.main(["--function-arn", ARN, "--manifest", str(target)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["manifest"]["apis"]["custom"]["endpoint"]["uri"] == ARN
    assert written["manifest"]["events"]["endpoint"]["uri"] == ARN
    assert fill_endpoint.main(["--function-arn", "not-an-arn", "--manifest", str(target)]) == 1


# --------------------------------------------------------------------------------------------------------------
# skill-package/skill.json


def test_skill_manifest_content(skill_manifest: dict[str, Any]) -> None:
    manifest = skill_manifest["manifest"]
    assert manifest["manifestVersion"] == "1.0"
    publishing = manifest["publishingInformation"]
    locale = publishing["locales"]["en-US"]
    assert locale["name"] == "Therapy Check-In"
    assert "This skill is a reflection aid, not therapy or medical advice." in locale["description"]
    assert locale["examplePhrases"] == [
        "Alexa, open therapy check in",
        "Alexa, ask therapy check in how am I doing",
        "Alexa, ask therapy check in to start my check in",
    ]
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert publishing["testingInstructions"]
    privacy = manifest["privacyAndCompliance"]
    assert privacy["locales"]["en-US"]["privacyPolicyUrl"].startswith("https://")
    assert privacy["usesPersonalInfo"] is True
    assert privacy["isChildDirected"] is False
    assert privacy["isExportCompliant"] is True
    assert privacy["containsAds"] is False
    assert privacy["allowsPurchases"] is False
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    interfaces = manifest["apis"]["custom"]["interfaces"]
    assert [interface["type"] for interface in interfaces] == ["ALEXA_PRESENTATION_APL"]
    assert {viewport["mode"] for viewport in interfaces[0]["supportedViewports"]} == {"HUB", "TV"}


def test_skill_endpoints_are_the_placeholder_or_one_function(skill_manifest: dict[str, Any]) -> None:
    """Committed: the placeholder. After fill_endpoint.py: one Lambda ARN in both places."""
    manifest = skill_manifest["manifest"]
    custom = manifest["apis"]["custom"]["endpoint"]["uri"]
    events = manifest["events"]["endpoint"]["uri"]
    assert custom == events
    if custom != PLACEHOLDER_ARN:
        _load_fill_endpoint().check_function_arn(custom)


def test_example_phrases_match_the_interaction_model(skill_manifest: dict[str, Any]) -> None:
    if not INTERACTION_MODEL.is_file():
        pytest.skip("no interaction model yet")
    model = json.loads(INTERACTION_MODEL.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    invocation = model["invocationName"]
    samples = {sample.lower() for intent in model["intents"] for sample in intent.get("samples", [])}
    for phrase in skill_manifest["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"]:
        assert phrase.startswith("Alexa, ")
        words = phrase.removeprefix("Alexa, ")
        if words.startswith("open "):
            assert words == f"open {invocation}"
            continue
        assert words.startswith(f"ask {invocation} "), phrase
        utterance = words.removeprefix(f"ask {invocation} ").removeprefix("to ").lower()
        assert utterance in samples, f"{phrase!r}: {utterance!r} is not a sample utterance"


def test_skill_manifest_matches_the_smapi_schema(skill_manifest: dict[str, Any]) -> None:
    from jsonschema import Draft4Validator

    spec_path = _find_smapi_spec()
    if spec_path is None:
        pytest.skip("ask-smapi-model not installed (npm install ask-smapi-model, or set ASK_SMAPI_SPEC)")
    definitions = json.loads(spec_path.read_text(encoding="utf-8"))["definitions"]

    def validator(name: str) -> Draft4Validator:
        schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
        return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)

    errors = [
        error.message for error in validator("v1.skill.Manifest.SkillManifestEnvelope").iter_errors(skill_manifest)
    ]
    # The envelope does not follow the interface discriminator, so check the APL interface on its own.
    for interface in skill_manifest["manifest"]["apis"]["custom"]["interfaces"]:
        errors += [e.message for e in validator("v1.skill.Manifest.InterfaceType").iter_errors(interface["type"])]
        errors += [
            e.message for e in validator("v1.skill.Manifest.AlexaPresentationAplInterface").iter_errors(interface)
        ]
    assert errors == []


# --------------------------------------------------------------------------------------------------------------
# SnapStart (parameter SnapStart): both settings, as SAM expands the template


def test_report_sender_parameter_is_empty_unless_given(template: dict[str, Any], function: dict[str, Any]) -> None:
    parameter = template["Parameters"]["ReportSender"]
    assert parameter["Type"] == "String"
    assert parameter["Default"] == ""
    pattern = re.compile(parameter["AllowedPattern"])
    for good in ("", REPORT_SENDER):
        assert pattern.fullmatch(good)
    for bad in ("reports", "a@b.c, d@e.f", "a@b.c>", "two words@b.c"):
        assert not pattern.fullmatch(bad), bad
    assert template["Conditions"]["HasReportSender"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ReportSender"}, ""]}]}
    assert function["Environment"]["Variables"]["REPORT_SENDER"] == {"Ref": "ReportSender"}


def test_expanded_role_without_a_report_sender_grants_no_ses_at_all(expanded: dict[str, Any]) -> None:
    grants = _grants(_role_statements(expanded, report_sender=""))
    assert grants == EXPECTED_GRANTS
    assert not [action for action, _ in grants if action.startswith("ses:")]


def test_expanded_role_with_a_report_sender_may_only_send_from_that_identity(template: dict[str, Any]) -> None:
    expanded = _expand(template, {"ReportSender": REPORT_SENDER})
    grants = _grants(_role_statements(expanded, report_sender=REPORT_SENDER))
    ses = {(action, resource) for action, resource in grants if action.startswith("ses:")}
    assert ses == {("ses:SendEmail", _resource_name(REPORT_IDENTITY_ARN))}
    assert grants - ses == EXPECTED_GRANTS
    # The identity's ARN, as CloudFormation fills it in: this sender's identity in the stack's own region.
    arn = REPORT_IDENTITY_ARN["Fn::Sub"]
    for name, value in {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": "123456789012"}.items():
        arn = arn.replace("${" + name + "}", value)
    assert (
        arn.replace("${ReportSender}", REPORT_SENDER) == f"arn:aws:ses:{REGION}:123456789012:identity/{REPORT_SENDER}"
    )
    assert [str(match) for match in lint(json.dumps(expanded))] == []


def test_the_report_is_sent_with_the_one_ses_call_granted() -> None:
    """mailer.py calls SES v2 SendEmail and nothing else: SendEmail is the only SES action granted."""
    source = (ROOT / "lambda" / "therapy_checkin" / "mailer.py").read_text(encoding="utf-8")
    assert re.findall(r"\.(send_\w+)\(", source) == ["send_email"]
    assert 'create_client("sesv2"' in source


def test_snapstart_parameter_is_off_unless_asked_for(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["SnapStart"]
    assert parameter["Default"] == "None"
    assert parameter["AllowedValues"] == ["None", "PublishedVersions"]


def test_expanded_function_applies_snapstart_as_the_parameter_says(snapstart: tuple[str, dict[str, Any]]) -> None:
    setting, expanded = snapstart
    function = expanded["Resources"]["CheckInFunction"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": setting}
    assert function["Runtime"] == "python3.13", "SnapStart for Python needs 3.12 or later"


def test_expanded_template_publishes_one_version_behind_the_alias(snapstart: tuple[str, dict[str, Any]]) -> None:
    """SnapStart snapshots published versions only: the skill must call a version, through the alias."""
    _, expanded = snapstart
    versions = _resources_of_type(expanded, "AWS::Lambda::Version")
    assert len(versions) == 1
    ((version_name, version),) = versions.items()
    assert version["Properties"]["FunctionName"] == {"Ref": "CheckInFunction"}
    # A replaced version is deleted, so no old version keeps a cached snapshot (and its charge).
    assert version["DeletionPolicy"] == "Delete"
    aliases = _resources_of_type(expanded, "AWS::Lambda::Alias")
    assert list(aliases) == ["CheckInFunctionAliaslive"]
    alias = aliases["CheckInFunctionAliaslive"]["Properties"]
    assert alias["Name"] == "live"
    assert alias["FunctionName"] == {"Ref": "CheckInFunction"}
    assert _get_att(alias["FunctionVersion"]) == (version_name, "Version")


def test_expanded_alexa_permission_is_on_the_alias_alone(snapstart: tuple[str, dict[str, Any]]) -> None:
    _, expanded = snapstart
    permissions = _resources_of_type(expanded, "AWS::Lambda::Permission")
    assert len(permissions) == 1
    (permission,) = (resource["Properties"] for resource in permissions.values())
    assert permission["FunctionName"] == {"Ref": "CheckInFunctionAliaslive"}
    assert permission["Principal"] == "alexa-appkit.amazon.com"
    assert permission["EventSourceToken"] == {"Ref": "SkillId"}
    assert permission["Action"] == "lambda:InvokeFunction"


def test_expanded_template_outputs_the_alias_as_the_skill_endpoint(snapstart: tuple[str, dict[str, Any]]) -> None:
    _, expanded = snapstart
    assert expanded["Outputs"]["CheckInAliasArn"]["Value"] == {"Ref": "CheckInFunctionAliaslive"}


def test_expanded_template_with_either_setting_passes_cfn_lint(
    snapstart: tuple[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    setting, _ = snapstart
    expanded = _expand(template, {"SnapStart": setting})  # the parameter still referenced, as deployed
    assert [str(match) for match in lint(json.dumps(expanded))] == []


def test_expanded_role_is_the_same_with_either_setting(snapstart: tuple[str, dict[str, Any]]) -> None:
    """SnapStart needs no permission of its own: the grants stay exactly what the skill uses."""
    _, expanded = snapstart
    assert _grants(_role_statements(expanded)) == EXPECTED_GRANTS
