from django.urls import path

from lifecycle import views

urlpatterns = [
    path("plans/<int:plan_id>/swap/", views.swap, name="plan_swap"),
]
