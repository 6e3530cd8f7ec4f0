"""A real DynamoDB-compatible server on this machine: dynalite (npm), with its data kept in a folder.

The console and the end-to-end tests both talk to the skill through this server, so the skill's boto3 calls go
over HTTP exactly as they do in Lambda. :func:`running_dynalite` starts it in its own process group, waits until
it answers, and stops the whole group on exit, on an exception and at interpreter exit, so no server outlives
the program that started it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DYNALITE = ROOT / "node_modules" / ".bin" / "dynalite"
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0


class DynaliteError(RuntimeError):
    """dynalite is not installed, or did not start."""


@dataclass(frozen=True)
class DynaliteServer:
    """A running server: pass ``endpoint`` to boto3, or set it as ``AWS_ENDPOINT_URL_DYNAMODB``."""

    endpoint: str
    port: int
    data_dir: Path | None
    pid: int


def free_port(host: str = HOST) -> int:
    """A port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: politely first, then for good."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


def _output(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace").strip()


@contextlib.contextmanager
def running_dynalite(data_dir: Path | None = None, port: int = 0) -> Iterator[DynaliteServer]:
    """Run dynalite for the duration of the ``with`` block.

    ``data_dir`` keeps the tables on disk across runs (LevelDB); ``None`` keeps them in memory only. ``port=0``
    picks a free port.
    """
    if not DYNALITE.exists():
        raise DynaliteError(f"{DYNALITE.relative_to(ROOT)} is missing: run `npm ci` (or `make demo`) first.")
    port = port or free_port()
    command = [str(DYNALITE), "--host", HOST, "--port", str(port)]
    command += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        command += ["--path", str(data_dir)]
    with tempfile.TemporaryFile() as log:
        # A process group of its own: the server is stopped as a whole, and Ctrl-C in a terminal reaches only us.
        process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        stop = functools.partial(_stop, process)
        atexit.register(stop)
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not _answers(HOST, port):
                if process.poll() is not None:
                    raise DynaliteError(f"dynalite exited with code {process.returncode}: {_output(log)}")
                if time.monotonic() > deadline:
                    raise DynaliteError(f"dynalite did not answer on port {port}: {_output(log)}")
                time.sleep(0.05)
            yield DynaliteServer(f"http://{HOST}:{port}", port, data_dir, process.pid)
        finally:
            stop()
            atexit.unregister(stop)


def dynamodb_client(endpoint: str, region: str = "us-east-1") -> Any:
    """A boto3 client for the server, with dummy credentials (dynalite accepts any)."""
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - dynalite checks only that a signature is present
    )
