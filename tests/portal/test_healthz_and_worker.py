"""The health check over a real socket, and a real Celery worker seeing a task through."""

from __future__ import annotations

import os

import httpx
import pytest
from django.conf import settings

from portal.models import WorkerHeartbeat
from portal.tasks import heartbeat
from tests.conftest import wait_until


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_database_and_broker(live_server):
    response = httpx.get(f"{live_server.url}/healthz", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_the_broker(celery_worker):
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    heartbeat.delay()
    beat = wait_until(lambda: WorkerHeartbeat.objects.first(), timeout=30)
    assert beat.hostname
