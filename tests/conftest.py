"""The shared test harness: a live server on a real socket, a Celery worker on all three queues
against the test database, and Chromium for browser tests.

DATABASE_URL / REDIS_URL select the real PostgreSQL and Redis (CI sets both); unset, the suite runs
on SQLite and the filesystem broker. Under CI=true nothing is skipped for lack of a tool.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would refuse DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Worker threads still log while pytest closes its captured streams at the end of the session.
logging.raiseExceptions = False

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(path_or_name: str, why: str) -> str:
    """The tool's path; skips the test without it, except under CI=true where that is a failure."""
    found = path_or_name if os.path.exists(path_or_name) else shutil.which(path_or_name)
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{path_or_name} is needed for {why} and CI must not skip it")
    pytest.skip(f"{path_or_name} is not installed ({why})")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Debian's Chromium: Playwright's own browser download does not work on these machines.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _chromium_for_browser_tests(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("browser"):
        require_tool(CHROMIUM, "browser tests")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[object]:
    """A real Celery worker (threads) consuming default, sync and engine from the configured broker.

    Tests that use it need `transactional_db`: the worker reads what the test committed.
    """
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.control.purge()
    with start_worker(
        app,
        pool="threads",
        concurrency=4,
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def celery_beat(tmp_path_factory, celery_worker) -> Iterator[subprocess.Popen]:
    """A real Celery beat process sending the schedule to the broker the test worker reads
    (polls every second here, so tests see remote status changes quickly). It lives for one
    test; what it queued and nobody ran yet is dropped after it, so no test sees another's."""
    from portal.celery import app

    folder = tmp_path_factory.mktemp("beat")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PORTAL_POLL_BEAT_SECONDS": "1",
    }
    log = (folder / "beat.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "-l",
            "info",
            "-s",
            str(folder / "schedule"),
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)
    log.close()
    app.control.purge()


def wait_until(check: Callable[[], object], timeout: float = 30.0, interval: float = 0.2):
    """Polls `check` until it returns something truthy; fails with what it last saw."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout:.0f} s (last value: {last!r})")
