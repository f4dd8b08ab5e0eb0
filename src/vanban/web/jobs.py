"""Reading uploads off the request path: a job record per uploaded file, a process pool owned by
the app that reads, parses, stores and tracks it.

A request saves the upload under ``<home>/uploads/``, adds a ``queued`` job and answers at once;
a worker process claims the job (``running``), adds the file to the archive (reading, OCR and
parsing are the slow part: a subprocess and CPU-bound Python, kept away from the event loop),
tracks it (tasks from the document, the report it is) and records ``done`` with the document, or
``failed`` with the reason in Vietnamese. Jobs a crashed server left ``running`` are queued again
when the app starts (:meth:`JobRunner.resume`).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import os
import shutil
import signal
import socket
import threading
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..messages import msg
from ..store import Archive
from ..store.db import Base
from ..store.models import DocumentRow
from ..track import audit, service
from ..track.models import utcnow
from .deps import begin_write

__all__ = ["FINAL", "Job", "JobRunner", "run_job"]

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINAL = frozenset({DONE, FAILED})
UPLOADS = "uploads"  # staged uploads, under the archive's data directory


class Job(Base):
    """One uploaded file on its way into the archive (migration ``jobs_0001``)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    name: Mapped[str] = mapped_column(String(200))  # the upload's (safe) file name
    path: Mapped[str] = mapped_column(String(500))  # the staged upload, relative to the data directory
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    on_date: Mapped[dt.date] = mapped_column(Date)  # "today" of the upload, for the tracker
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # archive status, task and report ids
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, for the user
    owner: Mapped[str | None] = mapped_column(String(200))  # host:pid:claim of the run
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @property
    def status_label(self) -> str:
        """The status in words."""
        return msg(f"web.job.status_{self.status}")


def server_id() -> str:
    """``host:pid`` of this server process."""
    return f"{socket.gethostname()}:{os.getpid()}"


# --- the worker process --------------------------------------------------------------------

_ARCHIVE: Archive | None = None


def _init_worker(home: str, db_url: str, server_pid: int) -> None:
    """Open the archive once per worker process, and end the process when the app's process
    is gone (killed: nothing told the pool; its job, left running, is resumed at the next start)."""
    global _ARCHIVE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the pool
    threading.Thread(target=_watch, args=(server_pid,), name="watch-server", daemon=True).start()
    _ARCHIVE = Archive.open(home, db_url)


def _watch(pid: int, every: float = 1.0) -> None:
    while not _gone(pid):
        time.sleep(every)
    os._exit(1)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie has: it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return Path("/proc/self/stat").exists() or not _alive(str(pid))
    except OSError:
        return not _alive(str(pid))
    return stat.rsplit(b")", 1)[-1].split()[:1] == [b"Z"]


def _set(s: Session, job_id: int, owner: str, **values: Any) -> bool:
    """Update the job while this run owns it; whether it did."""
    n = s.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.owner == owner).values(**values)
    ).rowcount
    s.commit()
    return bool(n)


def run_job(job_id: int, server: str) -> str:
    """Claim a queued job, add its file to the archive, track it; its final status.

    Runs in a worker process (:func:`_init_worker` opened the archive). A job another run has
    claimed, or that is no longer queued, is left alone.
    """
    arc = _ARCHIVE
    assert arc is not None, "the worker process was not initialised"
    owner = f"{server}:{uuid.uuid4().hex[:12]}"
    with arc.Session() as s:
        claimed = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(status=RUNNING, progress=10, owner=owner, started_at=utcnow())
        ).rowcount
        s.commit()
        if not claimed:
            return ""
        job = s.get(Job, job_id)
        assert job is not None
        name, rel, user_id, on = job.name, job.path, job.user_id, job.on_date
    path = arc.home / rel
    try:
        status, values = _add(arc, job_id, owner, path, name, user_id, on)
    except Exception as exc:  # a bug must not leave the job running forever
        log.exception("job %s", job_id)
        status, values = FAILED, {"error": msg("web.job.crashed", error=f"{type(exc).__name__}: {exc}")}
    with arc.Session() as s:
        if _set(s, job_id, owner, status=status, progress=100, finished_at=utcnow(), **values):
            shutil.rmtree(path.parent, ignore_errors=True)
    return status


def _add(
    arc: Archive, job_id: int, owner: str, path: Path, name: str, user_id: int | None, on: dt.date
) -> tuple[str, dict[str, Any]]:
    """Add and track the file: the job's final status and the columns to record."""
    if not path.is_file():
        return FAILED, {"error": msg("web.job.missing", name=name)}
    res = arc.add_file(path)
    if res.document_id is None:
        return FAILED, {"error": msg("web.job.not_stored", name=name, error=res.error or res.status)}
    with arc.Session() as s:
        _set(s, job_id, owner, progress=80, document_id=res.document_id)
        begin_write(s)
        doc = s.get(DocumentRow, res.document_id)
        if doc is None:
            return FAILED, {"error": msg("web.job.not_stored", name=name, error=res.status)}
        audit.log(
            s,
            user_id,
            "add",
            "document",
            doc.id,
            None,
            {"name": name, "status": res.status, "number": doc.number},
        )
        out = service.track_document(s, doc, user_id=user_id, today=on)
        s.commit()
        result = {
            "status": res.status,
            "tasks": [t.id for t in out.proposals],
            "reports": [r.id for r in out.reports],
            "elsewhere": out.elsewhere,
        }
        if doc.status != "ok":
            error = msg("web.job.unreadable", name=name, error=doc.error or res.error or doc.status)
            return FAILED, {"result": result, "error": error}
    return DONE, {"result": result}


# --- the app's side ------------------------------------------------------------------------


class JobRunner:
    """The app's pool of worker processes (started on first use) and its job bookkeeping."""

    def __init__(self, arc: Archive, workers: int = 1, context: BaseContext | None = None) -> None:
        self.arc = arc
        self.workers = workers
        self.context = context or _default_context()
        self.target = run_job  # what a worker runs for a job (a module-level function)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Whether the worker processes are running."""
        return self._pool is not None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                url = self.arc.engine.url.render_as_string(hide_password=False)
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=self.context,
                    initializer=_init_worker,
                    initargs=(str(self.arc.home), url, os.getpid()),
                )
            return self._pool

    def start(self) -> list[int]:
        """At the app's start: start the worker processes now rather than at the first upload,
        and :meth:`resume` the jobs left over; the ids of the jobs started."""
        for _ in range(self.workers):
            self._executor().submit(_ready)
        return self.resume()

    def staging(self) -> Path:
        """A fresh private directory for one upload."""
        root = self.arc.home / UPLOADS / uuid.uuid4().hex
        root.mkdir(parents=True, mode=0o700)
        return root

    def create(self, s: Session, path: Path, name: str, user_id: int, on: dt.date) -> Job:
        """A queued job for a staged upload (in the caller's transaction)."""
        job = Job(
            status=QUEUED,
            progress=0,
            name=name,
            path=str(path.relative_to(self.arc.home)),
            user_id=user_id,
            on_date=on,
            created_at=utcnow(),
        )
        s.add(job)
        s.flush()
        return job

    def submit(self, job_id: int) -> Future[str]:
        """Start the job in a worker process; the future ends with its final status."""
        try:
            fut = self._executor().submit(self.target, job_id, server_id())
        except (BrokenProcessPool, RuntimeError):
            self._reset()
            fut = self._executor().submit(self.target, job_id, server_id())
        fut.add_done_callback(lambda f: self._settle(f, job_id))
        return fut

    def _settle(self, fut: Future[str], job_id: int) -> None:
        """Record a run that died without recording its end (the worker was killed…)."""
        if fut.cancelled():
            return  # still queued: taken up again at the next start
        exc = fut.exception()
        if exc is None:
            return
        if isinstance(exc, BrokenProcessPool):
            self._reset()
        with self.arc.Session() as s:
            n = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_((QUEUED, RUNNING)))
                .values(
                    status=FAILED,
                    progress=100,
                    finished_at=utcnow(),
                    error=msg("web.job.crashed", error=type(exc).__name__),
                )
            ).rowcount
            s.commit()
            rel = s.scalar(select(Job.path).where(Job.id == job_id)) if n else None
        if rel:
            shutil.rmtree((self.arc.home / rel).parent, ignore_errors=True)

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def resume(self) -> list[int]:
        """Queue again the jobs a crashed server left running, then start every queued job."""
        me_host, _, me_pid = server_id().partition(":")
        with self.arc.Session() as s:
            for job in s.scalars(select(Job).where(Job.status == RUNNING)):
                host, _, rest = (job.owner or "").partition(":")
                pid = rest.partition(":")[0]
                if host == me_host and (pid == me_pid or not _alive(pid)):
                    job.status, job.owner, job.progress, job.started_at = QUEUED, None, 0, None
            s.commit()
            ids = list(s.scalars(select(Job.id).where(Job.status == QUEUED).order_by(Job.id)))
        for job_id in ids:
            self.submit(job_id)
        return ids

    def close(self) -> None:
        """Stop the pool: queued jobs stay queued (resumed at the next start), running ones finish."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _ready() -> None:
    """Nothing: a first task that makes the pool start its processes."""


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _default_context() -> BaseContext:
    """``forkserver`` (a clean process, the app's modules preloaded), where the OS has it."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["vanban.web.jobs"])
        return ctx
    return mp.get_context("spawn")
