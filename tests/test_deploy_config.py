"""Issue #12, finding 9: the shipped gunicorn and nginx configurations log neither client
addresses nor URLs (URLs carry one-time tokens: /s/...?t=..., /staf/sandi/...,
/staf/undangan/...)."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
# gunicorn's access log atoms that carry the address, the URL or headers that may hold them.
GUNICORN_UNSAFE = {"h", "r", "U", "q", "f", "a", "u", "{", "i", "o", "e"}
NGINX_UNSAFE = re.compile(
    r"\$(remote_addr|binary_remote_addr|realip_remote_addr|proxy_add_x_forwarded_for|"
    r"http_x_forwarded_for|http_x_real_ip|request|request_uri|uri|document_uri|args|"
    r"query_string|arg_\w+|http_referer|remote_user)\b"
)


def _gunicorn() -> dict:
    namespace: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return namespace


def test_gunicorn_access_log_has_no_address_and_no_url():
    conf = _gunicorn()
    if conf.get("accesslog") in (None, ""):
        return
    fmt = conf.get("access_log_format")
    # gunicorn's default format starts with %(h)s (the address) and has %(r)s (the URL).
    assert fmt, "an access log without access_log_format uses gunicorn's default"
    atoms = set(re.findall(r"%\((.)", fmt))
    assert atoms, fmt
    assert not atoms & GUNICORN_UNSAFE, atoms & GUNICORN_UNSAFE


def test_nginx_logs_have_no_address_and_no_url():
    text = (DEPLOY / "nginx-skm.conf").read_text()
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", body))
    assert formats, "the sample must define its own log format"
    for name, fmt in formats.items():
        assert not NGINX_UNSAFE.search(fmt), (name, NGINX_UNSAFE.search(fmt).group(0))
    servers = re.split(r"\bserver\s*\{", body)[1:]
    assert servers
    for server in servers:
        logs = re.findall(r"access_log\s+([^;]+);", server)
        assert logs, "every server sets its access log (nginx's default logs addresses)"
        for log in logs:
            parts = log.split()
            assert parts[0] == "off" or (len(parts) > 1 and parts[1] in formats), log
        errors = re.findall(r"error_log\s+([^;]+);", server)
        assert errors and all(e.split()[-1] in ("crit", "alert", "emerg") for e in errors)
