"""``recoverly serve`` for real: a server process, HTTP over loopback, its access log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

RECOVERLY = Path(sys.executable).parent / "recoverly"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_server_answers_and_keeps_query_strings_out_of_its_log(tmp_path: Path) -> None:
    env = dict(os.environ, RECOVERLY_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}")
    made = subprocess.run(
        [RECOVERLY, "token", "create", "--role", "agent", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = json.loads(made.stdout)["token"]
    port = _free_port()
    server = subprocess.Popen(
        [RECOVERLY, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up in 30 s"
            time.sleep(0.2)
        auth = {"Authorization": f"Bearer {token}"}
        found = httpx.get(f"{base}/api/v1/debtors", params={"q": "Alice Archer"}, headers=auth)
        assert found.status_code == 200
        assert found.json()["total"] == 0
        assert httpx.get(f"{base}/api/v1/debtors").status_code == 401
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    log = out + err
    assert "/api/v1/debtors" in log
    assert "Alice" not in log
    assert "q=" not in log


def test_a_port_out_of_range_is_refused() -> None:
    done = subprocess.run(
        [RECOVERLY, "serve", "--port", "70000"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "--port" in done.stderr
