from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.selectors import projects_for_user


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "projects/project_list.html", {"projects": projects_for_user(user=request.user)}
    )
