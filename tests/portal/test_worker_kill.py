"""SIGKILL of a worker mid-task loses nothing: with acks_late and the broker's visibility
timeout, the task is delivered again to another worker, which finishes it once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import SpeechResource
from portal.tasks import resource_sync
from tests.conftest import IN_CI, wait_until
from tests.factories import make_team
from tests.portal.test_resources import register
from training.models import BaseModel

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_RESTORE_INTERVAL": "2",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "killtest",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_task_survives_its_worker_being_killed(live_server, tmp_path):
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set under CI")
        pytest.skip("needs Redis (REDIS_URL): the filesystem broker has no redelivery")
    team = make_team()
    # One request every 2 s: the sync's seven listings take a quarter of a minute.
    resource = register(live_server, team, budget_requests=1, budget_seconds=2)
    log = tmp_path / "worker.log"
    first = _worker(log)
    try:
        resource_sync.apply_async(args=[resource.id, True], queue="killtest")
        wait_until(lambda: BaseModel.objects.filter(resource=resource).exists(), timeout=60)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert SpeechResource.objects.get(id=resource.id).last_sync_at is None
        killed_at = time.monotonic()
        second = _worker(log)
        try:
            done = wait_until(
                lambda: SpeechResource.objects.filter(
                    id=resource.id, last_sync_at__isnull=False
                ).first(),
                timeout=120,
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=20)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert done.sync_error == ""
    assert BaseModel.objects.filter(resource=resource).count() == 10
    assert time.monotonic() - killed_at < 60, log.read_text()[-2000:]
