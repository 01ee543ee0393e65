"""Staff results dashboard: /staf/unit/<unit>/hasil/..."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
