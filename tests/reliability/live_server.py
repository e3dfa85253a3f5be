"""``remit serve`` as a subprocess on a loopback port, and a plain HTTP client for its API.

Used by the crash run (``crashing.py``) and ``benchmarks/concurrency.py``. The
client opens one connection per call and never retries, so an answer read is
exactly what the server said, and a refused or reset connection (``DOWN``) is
what a killed server looks like.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SECRET = "crash-run-secret-" + "0" * 32
DOWN = (OSError, http.client.HTTPException)  # what a killed server looks like to a client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """``remit --database URL serve`` on a loopback port, started and SIGKILLed on demand."""

    def __init__(self, url: str, port: int, log: Path) -> None:
        self.url = url
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts: list[float] = []  # seconds each start took until the API answered

    def start(self, api: Api, timeout: float = 180) -> None:
        remit = Path(sys.executable).with_name("remit")
        command = [str(remit), "--database", self.url, "serve", "--port", str(self.port)]
        env = {**os.environ, "REMIT_SECRET_KEY": SECRET}
        began = time.monotonic()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"remit serve exited with {self.process.returncode}; see {self.log}")
            try:
                if api.call("GET", "/api/v1/me", timeout=5)[0] == 200:
                    self.starts.append(time.monotonic() - began)
                    return
            except DOWN:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"remit serve did not answer within {timeout:.0f} s; see {self.log}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


class Api:
    """One HTTP connection per call, with the session cookie and CSRF header."""

    def __init__(self, port: int, token: str, csrf: str) -> None:
        self.port = port
        self.headers = {"Cookie": f"remit_session={token}", "X-CSRF-Token": csrf}

    def call(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = dict(self.headers)
            payload = None
            if body is not None:
                payload = json.dumps(body).encode("utf-8")
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, (json.loads(data) if data[:1] in (b"{", b"[") else None)
        finally:
            connection.close()
