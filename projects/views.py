from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.access import teams_for_user


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user)
    return render(request, "projects/project_list.html", {"teams": teams, "projects": []})
