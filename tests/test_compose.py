from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]


def test_docker_compose_file_is_valid():
    tool = require_tool("docker-compose", "validating docker-compose.yml")
    env = {**os.environ, "SECRET_KEY": "x", "PORTAL_ENCRYPTION_KEY": "x", "POSTGRES_PASSWORD": "x"}
    result = subprocess.run(
        [tool, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
