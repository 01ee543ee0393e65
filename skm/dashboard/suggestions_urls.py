"""Suggestions inbox: /staf/unit/<unit>/saran/..."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
