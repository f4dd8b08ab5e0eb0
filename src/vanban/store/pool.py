"""Worker processes that end with the process that started them.

``kill -9`` of ``vanban add --jobs 2`` must not leave its workers behind: they would hold the
archive's writer lock (inherited when they were forked) and the next ``add`` would wait for them
forever. On Linux each worker asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), which works even while the worker is busy in C code; elsewhere a
thread in the worker watches the parent.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

__all__ = ["die_with_parent", "process_pool"]

_PR_SET_PDEATHSIG = 1


def process_pool(jobs: int) -> ProcessPoolExecutor | None:
    """A pool of ``jobs`` worker processes that die with this one; None for one job (work in process)."""
    if jobs <= 1:
        return None
    return ProcessPoolExecutor(jobs, initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """Make the calling process end when ``parent`` (the process that started it) ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                _exit_if_orphan(parent)  # the parent may have died before the request
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="vanban-parent-watch").start()


def _exit_if_orphan(parent: int) -> None:
    if os.getppid() != parent:
        os._exit(1)


def _watch(parent: int) -> None:
    while True:
        _exit_if_orphan(parent)
        time.sleep(0.5)
