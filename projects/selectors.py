"""Reads for projects."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.access import teams_for_user
from projects.models import Project


def projects_for_user(*, user) -> QuerySet[Project]:
    return (
        Project.objects.filter(team__in=teams_for_user(user), deleted_remotely_at__isnull=True)
        .select_related("resource", "team")
        .order_by("display_name")
    )
