"""Projects are seen through their team: another team's project answers 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.access import membership_for
from portal.models import Role
from projects.models import DatasetUpload, Project


def project_for_user(user, project_id: int, role: str = Role.VIEWER) -> Project:
    project = Project.objects.select_related("team", "resource").filter(id=project_id).first()
    if project is None:
        raise Http404("No such project")
    membership = membership_for(user, project.team)
    if membership is None:
        raise Http404("No such project")
    if not membership.allows(role):
        raise PermissionDenied(f"This needs the {Role(role).label} role in {project.team.name}.")
    return project


def upload_for_user(user, upload_id) -> DatasetUpload:
    upload = (
        DatasetUpload.objects.select_related("project__team", "project__resource")
        .filter(id=upload_id)
        .first()
    )
    if upload is None:
        raise Http404("No such upload")
    project_for_user(user, upload.project_id, Role.EDITOR)
    return upload
