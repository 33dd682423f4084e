"""The admin console's Speech resources (staff only; anyone else gets 404)."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from portal import selectors, services
from portal.forms import SpeechResourceForm
from portal.models import Health, SpeechResource


def staff_only(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
def resource_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/resource_list.html", {"resources": selectors.resources_overview()}
    )


@staff_only
def resource_form(request: HttpRequest, resource_id: int | None = None) -> HttpResponse:
    resource = get_object_or_404(SpeechResource, id=resource_id) if resource_id else None
    form = SpeechResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        services.resource_save(
            resource=saved, key=form.cleaned_data.get("key"), teams=form.cleaned_data["teams"]
        )
        messages.success(request, f"Speech resource {saved.name} saved; testing the connection.")
        return redirect("resource_detail", resource_id=saved.id)
    return render(request, "portal/resource_form.html", {"form": form, "resource": resource})


@staff_only
def resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(SpeechResource, id=resource_id)
    return render(request, "portal/resource_detail.html", selectors.resource_page(resource))


@staff_only
def resource_health(request: HttpRequest, resource_id: int) -> HttpResponse:
    """The health panel; while a check runs it polls itself, and stops when the check ends."""
    resource = get_object_or_404(SpeechResource, id=resource_id)
    if request.method == "POST":
        services.resource_test_start(resource=resource)
        resource.refresh_from_db()
    response = render(request, "portal/resource_detail.html#health", {"resource": resource})
    if request.method == "GET" and resource.health != Health.CHECKING:
        response.status_code = HTMX_STOP_POLLING
    return response


@staff_only
@require_POST
def resource_sync(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(SpeechResource, id=resource_id)
    services.resource_sync_start(resource=resource)
    messages.info(
        request, f"Syncing {resource.name}; its projects and models appear as they arrive."
    )
    return redirect("resource_detail", resource_id=resource.id)


@staff_only
@require_POST
def resource_delete(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(SpeechResource, id=resource_id)
    services.resource_delete(resource=resource)
    messages.success(
        request, f"{resource.name} removed from the portal; nothing was deleted on it."
    )
    return redirect("resource_list")
