"""SQL queries and server time of the dashboard and of a project's model list, with 100 and with
10,000 custom models over 100 projects.

    .venv/bin/python benchmarks/dashboard_queries.py          # SQLite (the embedded default)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python \
        benchmarks/dashboard_queries.py                       # a PostgreSQL database to fill

Rows are written straight into a throwaway database (no resource is called); pages are served by
Django's test client in this process, so the time is the server's, without the network.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.update(
    DEBUG="true",
    PORTAL_VAR_DIR=tempfile.mkdtemp(prefix="bench-dashboard-"),
    DJANGO_SETTINGS_MODULE="portal.settings.base",
    LOG_LEVEL="WARNING",
    ALLOWED_HOSTS="*",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from deployments.models import Endpoint  # noqa: E402
from portal.models import Membership, Role, SpeechResource, Team  # noqa: E402
from projects.models import Project  # noqa: E402
from training.models import CustomModel, Evaluation  # noqa: E402

PROJECTS = 100
REQUESTS = 40
API = "http://speech.test/speechtotext/v3.2"


def fill(models_per_project: int) -> Project:
    CustomModel.objects.all().delete()
    Evaluation.objects.all().delete()
    Endpoint.objects.all().delete()
    Project.objects.all().delete()
    team = Team.objects.get(name="Bench")
    resource = SpeechResource.objects.get(name="bench")
    now = timezone.now()
    projects = Project.objects.bulk_create(
        Project(
            resource=resource,
            team=team,
            display_name=f"Project {p:03d}",
            status="Succeeded",
            self_url=f"{API}/projects/{p}",
            locale="en-US",
        )
        for p in range(PROJECTS)
    )
    statuses = ["Succeeded"] * 17 + ["Failed", "Running", "NotStarted"]
    models = [
        CustomModel(
            resource=resource,
            project=project,
            display_name=f"Model {p}-{m}",
            locale="en-US",
            status=statuses[(p + m) % len(statuses)],
            self_url=f"{API}/models/{p}-{m}",
            remote_created_at=now - timedelta(days=m),
            transcription_until=now + timedelta(days=10 + (p * 7 + m) % 800),
            properties={"error": {"message": "Training failed: no usable text."}}
            if (p + m) % len(statuses) == 17
            else {},
        )
        for p, project in enumerate(projects)
        for m in range(models_per_project)
    ]
    CustomModel.objects.bulk_create(models, batch_size=2000)
    Evaluation.objects.bulk_create(
        Evaluation(
            resource=resource,
            project=project,
            display_name=f"Test {p}",
            status="Succeeded",
            self_url=f"{API}/evaluations/{p}",
            wer1=0.4,
            wer2=0.1 + p / 1000,
            model1_url=f"{API}/models/{p}-0",
            model2_url=f"{API}/models/{p}-1",
        )
        for p, project in enumerate(projects)
    )
    Endpoint.objects.bulk_create(
        Endpoint(
            resource=resource,
            project=project,
            display_name=f"Endpoint {p}",
            status="Succeeded",
            self_url=f"{API}/endpoints/{p}",
            model_url=f"{API}/models/{p}-0",
        )
        for p, project in enumerate(projects)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would do after a bulk load
    return projects[len(projects) // 2]


def measure(client: Client, url: str) -> tuple[int, float, float]:
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted at the cursor: Django empties connection.queries when a request starts.
    with connection.execute_wrapper(counted):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return len(queries), statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench", password="x")
    team = Team.objects.create(name="Bench")
    Membership.objects.create(team=team, user=user, role=Role.EDITOR)
    resource = SpeechResource(name="bench", kind="local", region="westus", default_team=team)
    resource.set_key("k" * 32)
    resource.save()
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; {REQUESTS} requests per page after one warm-up")
    print(f"{'models':>7} {'page':<22} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for per_project in (1, 100):
        project = fill(per_project)
        pages = {"dashboard": "/", "project model list": f"/projects/{project.id}/?tab=models"}
        for name, url in pages.items():
            count, p50, p95 = measure(client, url)
            print(f"{per_project * PROJECTS:>7} {name:<22} {count:>7} {p50:>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
