# gunicorn for skm (docs/operations.md): sync workers, 2 per core, behind nginx.
import multiprocessing

bind = "127.0.0.1:8000"
workers = 2 * multiprocessing.cpu_count()
worker_class = "sync"
timeout = 60
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"
# The access log keeps neither client addresses nor URLs: URLs carry one-time tokens
# (survey invitations ?t=..., password and role invitation links), and docs/privacy.md
# promises that no raw address is kept. Time, method, status, bytes and duration only
# (tests/test_deploy_config.py).
accesslog = "-"
access_log_format = '%(t)s "%(m)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
