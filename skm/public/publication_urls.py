"""Public publication pages, widget and open data: /p/<unit>/..."""

from django.urls import path  # noqa: F401

app_name = "publication"

urlpatterns: list = []
