"""The REST API (django-ninja): /api/v1/, OpenAPI schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="SKM API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
