"""The deployment bundle, built the way it is deployed, answers a real request.

``sam build`` (no Docker: a local interpreter matching the function's ``Runtime``) builds the bundle into a
temporary folder. A separate interpreter of the runtime's version then imports the skill from the BUILT
bundle alone, plus boto3 (which Lambda's Python runtime provides), and answers a LaunchRequest with DynamoDB
served by dynalite. This catches what in-process tests cannot: a dependency missing from
``lambda/requirements.txt``, code that does not run on the runtime's Python, or files left out of the bundle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from devtools.conversation import plain_text
from devtools.dynalite import dynamodb_client, running_dynalite
from devtools.envelopes import TEST_SKILL_ID, Device, envelope, launch_request
from devtools.fake_alexa_api import FakeAlexaApi
from devtools.table import create_table, load_template

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
SAM = ROOT / ".venv-sam" / "bin" / "sam"
BUILD_CACHE = ROOT / "build" / "sam-cache"
RUNTIME_LIBRARIES = ROOT / "build" / "lambda-runtime"
FUNCTION = "CheckInFunction"
TABLE = "therapy-checkin-bundle"

INVOKE = """
import json, sys
from pathlib import Path

class Context:
    function_name = "therapy-checkin"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:therapy-checkin"
    aws_request_id = "bundle-test"
    def get_remaining_time_in_millis(self):
        return 7000

import therapy_checkin
from therapy_checkin.handler import lambda_handler

result = lambda_handler(json.loads(sys.stdin.read()), Context())
Path(sys.argv[1]).write_text(json.dumps({
    "result": result,
    "skill_from": therapy_checkin.__file__,
    "python": list(sys.version_info[:2]),
}))
"""


def function_properties() -> dict[str, object]:
    properties: dict[str, object] = load_template(TEMPLATE)["Resources"][FUNCTION]["Properties"]
    return properties


def runtime_version() -> str:
    """ "3.13" for ``Runtime: python3.13``."""
    runtime = str(function_properties()["Runtime"])
    assert runtime.startswith("python"), runtime
    return runtime.removeprefix("python")


def _works(interpreter: Path) -> bool:
    try:
        return subprocess.run([interpreter, "-c", "pass"], capture_output=True, timeout=30, check=False).returncode == 0
    except OSError:
        return False


@cache
def find_runtime_python(version: str) -> Path | None:
    """A real ``python<version>``: on PATH (pyenv's shims only work with PYENV_VERSION set, so they are passed
    over), or installed by pyenv."""
    name = f"python{version}"
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder) / name
        if "shims" not in Path(folder).parts and candidate.is_file() and _works(candidate):
            return candidate
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(pyenv_root.glob(f"versions/{version}.*/bin/{name}"), reverse=True):
        if _works(candidate):
            return candidate
    return None


@pytest.fixture(scope="module")
def runtime_python() -> Path:
    version = runtime_version()
    found = find_runtime_python(version)
    if found is None:
        message = f"python{version} (the function's runtime) is needed to build the bundle without Docker"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def sam_environment(runtime_python: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "PATH": f"{runtime_python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def run(command: list[str | Path], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600, **options)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def bundle(runtime_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sam build`` into a temporary folder (dependencies cached under build/ between runs)."""
    if not SAM.exists():
        pytest.fail(f"{SAM.relative_to(ROOT)} is missing: make test creates it from infrastructure/")
    build_dir = tmp_path_factory.mktemp("sam") / "build"
    built = run(
        [SAM, "build", "--template-file", TEMPLATE, "--build-dir", build_dir, "--cache-dir", BUILD_CACHE, "--cached"],
        cwd=ROOT,
        env=sam_environment(runtime_python),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return build_dir / FUNCTION


@pytest.fixture(scope="module")
def lambda_runtime_libraries(runtime_python: Path) -> Path:
    """boto3, which Lambda's Python runtime provides, installed once for the runtime's interpreter."""
    pinned = re.search(r"^boto3==(\S+)", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)
    assert pinned, "requirements-dev.txt pins boto3"
    target = RUNTIME_LIBRARIES / f"python{runtime_version()}-boto3-{pinned.group(1)}"
    if not (target / "boto3").is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        installed = run(
            [runtime_python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
             "--target", partial, f"boto3=={pinned.group(1)}"],
        )  # fmt: skip
        assert installed.returncode == 0, installed.stderr
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return target


@pytest.fixture
def dynamodb_endpoint() -> Iterator[str]:
    with running_dynalite(None) as server:
        create_table(dynamodb_client(server.endpoint), TABLE)
        yield server.endpoint


def test_cfn_lint_passes() -> None:
    linted = run([Path(sys.executable).parent / "cfn-lint", TEMPLATE], cwd=ROOT)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_sam_validate_with_lint_passes() -> None:
    if not SAM.exists():
        pytest.fail(f"{SAM.relative_to(ROOT)} is missing: make test creates it from infrastructure/")
    validated = run(
        [SAM, "validate", "--lint", "--template-file", TEMPLATE, "--region", "us-east-1"],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_bundle_holds_the_skill_and_its_dependencies_but_no_local_tools(bundle: Path) -> None:
    assert (bundle / "therapy_checkin" / "handler.py").is_file()
    for package in ("ask_sdk_core", "ask_sdk_model", "aws_lambda_powertools"):
        assert (bundle / package).is_dir(), f"{package} missing from the bundle"
    # Lambda's Python runtime has botocore and boto3: a second copy would only make the bundle bigger (the X-Ray
    # SDK behind Powertools Tracer used to bring one).
    for package in ("botocore", "boto3", "s3transfer", "aws_xray_sdk"):
        assert not (bundle / package).exists(), f"{package} is in the bundle"
    assert not (bundle / "devtools").exists()
    assert not (bundle / "tests").exists()


def test_built_bundle_answers_a_launch_request_on_the_runtime_python(
    bundle: Path,
    runtime_python: Path,
    lambda_runtime_libraries: Path,
    dynamodb_endpoint: str,
    alexa_api: FakeAlexaApi,
    tmp_path: Path,
) -> None:
    from therapy_checkin.speech import speech_for

    device = Device(api_endpoint=alexa_api.url)
    alexa_api.time_zone(device.device_id, "Europe/Berlin")
    event = envelope(device, launch_request(), "amzn1.echo-api.session.bundle", {}, True)
    output = tmp_path / "reply.json"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": f"{bundle}{os.pathsep}{lambda_runtime_libraries}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        "TABLE_NAME": TABLE,
        "SKILL_ID": TEST_SKILL_ID,
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "TherapyCheckIn",
    }
    # -S: no site-packages at all, so everything the skill imports comes from the bundle (or boto3's folder).
    invoked = run([runtime_python, "-S", "-c", INVOKE, output], input=json.dumps(event), env=environment, cwd=tmp_path)
    assert invoked.returncode == 0, invoked.stderr
    answer = json.loads(output.read_text())
    assert tuple(answer["python"]) == tuple(int(part) for part in runtime_version().split("."))
    assert Path(answer["skill_from"]).is_relative_to(bundle)
    speech = plain_text(answer["result"]["response"]["outputSpeech"]["ssml"])
    english = speech_for("en-US")
    assert speech.startswith(english("welcome_first")), speech
    assert english("disclaimer") in speech
    assert answer["result"]["response"].get("reprompt"), "the welcome waits for an answer"
    assert alexa_api.time_zone_requests(device.device_id), "the built skill asked Alexa for the time zone"
    items = dynamodb_client(dynamodb_endpoint).scan(TableName=TABLE)["Items"]
    profiles = [item for item in items if item["sk"]["S"] == "A#PROFILE"]
    assert len(profiles) == 1, "the first visit was stored in DynamoDB"
    assert profiles[0]["timeZone"]["S"] == "Europe/Berlin"
