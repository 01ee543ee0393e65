"""Tests only (tests/faults/test_worker_abort.py): run an `skm` command with the response
file reader patched so that reading a file that contains ``ABORT-WORKER`` aborts the whole
process (``os.abort()``, as a crash in native code would), after noting the abort in the
file named by ``SKM_FAULT_ABORT_LOG``.

    python -m tests.faults.abort_worker importworker

Nothing of this is in the application: the patch is applied here, before the command runs.
"""

from __future__ import annotations

import os
import sys

MARK = b"ABORT-WORKER"


def main() -> None:
    import django

    django.setup()
    from skm.transfer import readers

    original = readers.open_response_file

    def open_or_abort(path, *args, **kwargs):
        with open(path, "rb") as fh:
            if MARK in fh.read():
                with open(os.environ["SKM_FAULT_ABORT_LOG"], "a", encoding="utf-8") as log:
                    log.write(f"{os.getpid()}\n")
                os.abort()
        return original(path, *args, **kwargs)

    readers.open_response_file = open_or_abort

    from django.core.management import execute_from_command_line

    execute_from_command_line(["skm", *sys.argv[1:]])


if __name__ == "__main__":
    main()
