"""The audit log: who created, trained, tested, deployed, copied and deleted what, and when."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models import AuditAction, AuditEvent

# The kind shown for each mirrored model class.
_KINDS = {
    "Project": "project",
    "Dataset": "dataset",
    "CustomModel": "model",
    "Evaluation": "test",
    "Endpoint": "endpoint",
    "DatasetUpload": "dataset",
}


def record(
    *, user, action: AuditAction, target, project=None, team=None, detail: str = ""
) -> AuditEvent:
    """Records one action. `target` is a mirrored row (its kind and name are copied)."""
    project = project if project is not None else getattr(target, "project", None)
    if project is None and type(target).__name__ == "Project":
        project = target
    team = team if team is not None else project.team
    authenticated = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        team=team,
        project=project,
        project_name=project.display_name if project else "",
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        target_kind=_KINDS.get(type(target).__name__, type(target).__name__.lower()),
        target_name=str(target)[:500],
        detail=detail[:500],
    )


def events_for(*, teams, project_id=None, username: str = "", action: str = "") -> QuerySet:
    events = AuditEvent.objects.filter(team__in=teams)
    if project_id:
        events = events.filter(project_id=project_id)
    if username:
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    return events
