import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skm.config.settings")
application = get_wsgi_application()

# Development (SKM_TASKS=web): run the background tasks that wait since the last start.
from skm.config.tasks import run_waiting_tasks_in_process  # noqa: E402

run_waiting_tasks_in_process()
