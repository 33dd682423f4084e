"""Requests an incremental sync spends, and how fast the portal sees 200 status changes under
the documented budget (100 requests per 10 s).

    .venv/bin/python benchmarks/sync_budget.py

Runs the bundled speech service in-process on a free port over a throwaway SQLite database,
registers it as a resource, and counts the requests that reach it. Prints figures only.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(name, None)
os.environ.update(
    DEBUG="true",
    PORTAL_VAR_DIR=tempfile.mkdtemp(prefix="bench-sync-"),
    DJANGO_SETTINGS_MODULE="portal.settings.base",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.utils import timezone  # noqa: E402

from localspeech.models import Entity, Kind, Status  # noqa: E402
from localspeech.services.keys import resource_create  # noqa: E402
from portal import sync  # noqa: E402
from portal.models import SpeechResource, Team  # noqa: E402
from training.models import CustomModel  # noqa: E402

SEEN = {"api": 0}


class Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def counting(app):
    def wrapped(environ, start_response):
        if environ["PATH_INFO"].startswith("/speechtotext/"):
            SEEN["api"] += 1
        return app(environ, start_response)

    return wrapped


def serve() -> str:
    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(counting(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def models(local, count: int, status: str, age: timedelta) -> list[Entity]:
    """Models created evenly over the last `age`."""
    start = timezone.now() - age
    step = age / count
    rows = [
        Entity(
            resource=local,
            kind=Kind.MODEL,
            display_name=f"model {i}",
            locale="en-US",
            status=status,
            created_at=start + step * i,
            last_action_at=start + step * i,
            doc={"datasets": []},
        )
        for i in range(count)
    ]
    return Entity.objects.bulk_create(rows, batch_size=1000)


def spent(action) -> tuple[int, float, object]:
    before, start = SEEN["api"], time.perf_counter()
    result = action()
    return SEEN["api"] - before, time.perf_counter() - start, result


def until_all_succeeded(remote_ids, threads: int = 2) -> float:
    """Beat every second, workers run what it plans; seconds until every row shows Succeeded."""
    start = time.perf_counter()
    pool = ThreadPoolExecutor(threads)
    while CustomModel.objects.filter(remote_id__in=remote_ids).exclude(status="Succeeded").exists():
        listed, polls = sync.poll_plan()
        jobs = [
            pool.submit(sync.resource_sync, SpeechResource.objects.get(id=r), full=False)
            for r in listed
        ]
        jobs += [pool.submit(sync.entity_poll, kind, pk) for kind, pk in polls]
        for job in jobs:
            job.result()
        time.sleep(1)
    pool.shutdown()
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    base = serve()
    local, key = resource_create(name="bench", region="westus")
    team = Team.objects.create(name="Bench")
    resource = SpeechResource(
        name="bench",
        kind="local",
        region="westus",
        management_url=base,
        recognition_url=base,
        default_team=team,
    )
    resource.set_key(key)
    resource.save()

    rows = models(local, 5000, Status.SUCCEEDED, timedelta(hours=3))
    requests, seconds, _ = spent(lambda: sync.resource_sync(resource, full=True))
    print(f"full sync of 5,000 models: {requests} requests in {seconds:.1f} s")

    changed = rows[:10]
    Entity.objects.filter(id__in=[r.id for r in changed]).update(
        display_name="renamed", last_action_at=timezone.now()
    )
    resource.refresh_from_db()
    requests, _, _ = spent(lambda: sync.resource_sync(resource, full=False))
    renamed = CustomModel.objects.filter(display_name="renamed").count()
    print(
        f"incremental sync, 10 of 5,000 changed: {requests} requests "
        f"(7 listings: base models + 6 entity kinds, one page each); {renamed} renamed rows seen"
    )

    for label, threshold in (("one listing per resource", 10), ("one GET per entity", 10**6)):
        from django.conf import settings

        settings.PORTAL_POLL_LIST_THRESHOLD = threshold
        flight = models(local, 200, Status.RUNNING, timedelta(milliseconds=200))
        resource.refresh_from_db()
        sync.resource_sync(resource, full=False)
        time.sleep(1.1)  # the change happens after the portal last looked
        Entity.objects.filter(id__in=[r.id for r in flight]).update(
            status=Status.SUCCEEDED, last_action_at=timezone.now()
        )
        CustomModel.objects.filter(remote_id__in=[r.id for r in flight]).update(
            next_poll_at=timezone.now()
        )
        requests, seconds, _ = spent(lambda f=flight: until_all_succeeded([r.id for r in f]))
        print(
            f"200 in-flight models finish, polled by {label}: all seen in {seconds:.1f} s, "
            f"{requests} requests"
        )


if __name__ == "__main__":
    main()
