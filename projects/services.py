"""Writes for projects. Remote writes happen in tasks, each safe to run twice."""

from __future__ import annotations

from django.db import transaction

from portal.models import SpeechResource, Team
from portal.speech.client import SpeechClient
from projects.models import Project


def project_create(
    *, team: Team, resource: SpeechResource, display_name: str, locale: str, description: str = ""
) -> Project:
    """Saves the intent; the task creates it on the resource."""
    from projects import tasks

    with transaction.atomic():
        project = Project.objects.create(
            team=team,
            resource=resource,
            display_name=display_name,
            locale=locale,
            description=description,
            status="NotStarted",
        )
        tasks.project_create_remote.delay_on_commit(project.id)
    return project


def project_create_remote(*, project: Project, client: SpeechClient | None = None) -> Project:
    """Creates the project on its resource once. A retry, or a run after a lost answer, finds
    the project of the first attempt by its portalRequestId instead of making a second one."""
    if project.remote_id:
        return project
    from portal.sync import upsert

    own_client = client is None
    client = client or SpeechClient.for_resource(project.resource)
    try:
        request_id = str(project.request_id)
        existing = next(
            (
                body
                for body in client.projects_list()
                if (body.get("customProperties") or {}).get("portalRequestId") == request_id
            ),
            None,
        )
        body = existing or client.project_create(
            {
                "displayName": project.display_name,
                "description": project.description,
                "locale": project.locale,
                "customProperties": {"portalRequestId": request_id},
            }
        )
    finally:
        if own_client:
            client.close()
    row, _ = upsert(project.resource, "projects", body)
    return row
