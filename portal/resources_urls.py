from django.urls import path

from portal import resources_views

urlpatterns = [
    path("", resources_views.resource_list, name="resource_list"),
]
