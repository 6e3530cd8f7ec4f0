"""The skill's ``lambda_handler`` behind a plain HTTP endpoint on 127.0.0.1, for Alexa clients that POST
request envelopes (virtual-alexa in the end-to-end tests).

A development and test tool only, never the production endpoint: it checks no request signatures and listens
on the loopback interface alone. The skill in production is invoked by Alexa through Lambda.

    python -m devtools.http_server [--port 8000]     # with a local DynamoDB (dynalite) in .local/
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

from devtools.envelopes import FakeLambdaContext

HOST = "127.0.0.1"
MAX_BODY_BYTES = 256 * 1024
"""Alexa request envelopes are a few kilobytes; anything much larger is not one."""

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _default_handler() -> Handler:
    from devtools.local import make_skill_importable

    make_skill_importable()
    from therapy_checkin.handler import lambda_handler

    handler: Handler = lambda_handler
    return handler


def _request_handler(handler: Handler) -> type[BaseHTTPRequestHandler]:
    # One request at a time, as one Lambda instance handles them: the skill's logger and metrics are per process.
    lock = threading.Lock()

    class SkillRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY_BYTES:
                self._send(HTTPStatus.BAD_REQUEST, {"error": "expected a JSON request envelope"})
                return
            try:
                event = json.loads(self.rfile.read(length))
            except ValueError:
                self._send(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
                return
            if not isinstance(event, dict):
                self._send(HTTPStatus.BAD_REQUEST, {"error": "expected a JSON object"})
                return
            try:
                with lock:
                    result = handler(event, FakeLambdaContext())
            except Exception as error:  # noqa: BLE001 - the client gets a 500, as Lambda reports a failed invoke
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": type(error).__name__})
                return
            self._send(HTTPStatus.OK, result)

        def do_GET(self) -> None:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "POST an Alexa request envelope"})

        def _send(self, status: HTTPStatus, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: request lines would only repeat what the skill logs itself."""

    return SkillRequestHandler


def serve(port: int = 0, handler: Handler | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Serve in a background thread; returns the server (call ``shutdown()`` then ``server_close()``) and URL."""
    server = ThreadingHTTPServer((HOST, port), _request_handler(handler or _default_handler()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="skill-http-server", daemon=True)
    thread.start()
    return server, f"http://{HOST}:{server.server_address[1]}/"


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    from devtools.local import LOG_FILE, local_skill, send_skill_logs_to

    parser = argparse.ArgumentParser(
        prog="python -m devtools.http_server",
        description="Serve the skill on 127.0.0.1 for local Alexa clients, with DynamoDB from dynalite in .local/.",
    )
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks one)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    with local_skill() as dynamodb, LOG_FILE.open("a", encoding="utf-8") as log:
        handler = _default_handler()
        send_skill_logs_to(log)
        server, url = serve(args.port, handler)
        print(f"Skill endpoint: POST {url}  (DynamoDB: {dynamodb.endpoint}; logs: {LOG_FILE}). Ctrl-C stops.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nstopped")
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
