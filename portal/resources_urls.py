from django.urls import path

from portal import resources_views as views

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("new/", views.resource_form, name="resource_add"),
    path("<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("<int:resource_id>/edit/", views.resource_form, name="resource_edit"),
    path("<int:resource_id>/health/", views.resource_health, name="resource_health"),
    path("<int:resource_id>/sync/", views.resource_sync, name="resource_sync"),
    path("<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
]
