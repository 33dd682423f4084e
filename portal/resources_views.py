"""The admin console's Speech resources (staff only)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@staff_member_required(login_url="login")
def resource_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/resource_list.html", {"resources": []})
