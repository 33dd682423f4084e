"""`make run`'s processes on the embedded defaults (SQLite, filesystem broker): the portal answers,
the demo login reaches the dashboard, and the worker runs what beat schedules."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_portal(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORTAL_ENCRYPTION_KEY"}
        and not k.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(DEBUG="true", PORTAL_VAR_DIR=str(tmp_path), PATH=f"{BIN}:{env['PATH']}")
    for command in (["migrate", "--noinput"], ["demo_user"], ["register_local_resource"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=180
        )
    port = _free_port()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from portal.models import SpeechResource; SpeechResource.objects.update("
            f"management_url='http://127.0.0.1:{port}', recognition_url='http://127.0.0.1:{port}')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "honcho.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "honcho.log"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _wait_for_json(url: str, key: str, timeout: float, log: Path) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200 and response.json().get(key):
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} had no {key} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def client_page(base: str, path: str) -> str:
    with httpx.Client(base_url=base, timeout=10) as client:
        login = client.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        client.post(
            "/login/",
            data={"username": "demo", "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
        )
        return client.get(path).text


def test_make_run_serves_the_portal_with_no_servers(embedded_portal):
    base, log = embedded_portal
    health = _wait_for_json(f"{base}/healthz", "status", 180, log)
    assert health["database"] == "ok" and health["broker"] == "ok"

    with httpx.Client(base_url=base, timeout=10) as client:
        login = client.get("/login/")
        assert login.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        response = client.post(
            "/login/",
            data={"username": "demo", "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "<h1>Dashboard</h1>" in response.text

    # Beat schedules the heartbeat at start; the worker runs it through the filesystem broker.
    _wait_for_json(f"{base}/healthz", "worker_last_seen", 90, log)

    # The bundled speech service is registered, and the worker's connection test reached it.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page = client_page(base, "/resources/")
        if "Connected" in page:
            break
        time.sleep(1)
    assert "Local speech (westus)" in page and "Connected" in page, log.read_text()[-3000:]
