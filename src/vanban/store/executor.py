"""Where ingest parses: in this process, a local process pool (``pool``), or a Dask cluster.

Workers only run ``ingest.prepare_many`` on the originals' bytes and send the prepared rows
back; the one batch writer stays in this process. ``dask="local:N"`` starts a Dask
``LocalCluster`` of N worker processes on this machine; ``dask="tcp://HOST:PORT"`` (or any
address Dask's ``Client`` takes) uses a running scheduler and its workers. Workers on another
machine cannot share a local SQLite file's writer: with one, the archive must be PostgreSQL.
Dask (``pip install 'vanban[dask]'``) is imported only when asked for.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..messages import msg
from .errors import ArchiveError
from .pool import process_pool

__all__ = ["Workers", "workers"]

CONNECT_TIMEOUT = 30  # seconds to reach a Dask scheduler


@dataclass(frozen=True)
class Workers:
    """An executor for ``prepare_many`` (``None``: parse in this process) and how many tasks
    it runs at once."""

    executor: Executor | None
    width: int


@contextmanager
def workers(jobs: int = 1, dask: str | None = None, local_db: str | None = None) -> Iterator[Workers]:
    """The workers of one run, shut down after it: ``jobs`` local processes, or the Dask
    cluster ``dask``. ``local_db`` names the archive's SQLite file, if it is one: then every
    Dask worker must be on this machine. ``ArchiveError`` (in Vietnamese) when Dask is not
    installed, the address is wrong or unreachable, the cluster has no worker, or it fails
    during the run."""
    if dask is None:
        pool = process_pool(jobs)
        try:
            yield Workers(pool, jobs)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        return
    with _dask_client(dask) as client:
        info = client.scheduler_info()
        nthreads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        if not nthreads:
            raise ArchiveError(msg("ingest.dask_no_workers", address=dask))
        if local_db is not None:
            away = sorted(h for h in _hosts(info) if not _is_here(h))
            if away:
                raise ArchiveError(msg("ingest.dask_sqlite", db=local_db, hosts=", ".join(away)))
        executor = client.get_executor(pure=False)
        try:
            yield Workers(executor, nthreads)
        except _dask_errors() as exc:
            raise ArchiveError(msg("ingest.dask_failed", why=f"{type(exc).__name__}: {exc}")) from None
        finally:
            executor.shutdown(wait=False)


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    """A Dask ``Client`` of ``address`` (``local:N`` starts a ``LocalCluster``), closed after."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ArchiveError(msg("ingest.dask_missing")) from None
    cluster = None
    if address.startswith("local:"):
        n = address.removeprefix("local:")
        if not n.isdigit() or int(n) < 1:
            raise ArchiveError(msg("ingest.dask_address", address=address))
        cluster = LocalCluster(
            n_workers=int(n),
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # the scheduler's HTTP endpoint: loopback, a free port
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        if "://" not in address:
            raise ArchiveError(msg("ingest.dask_address", address=address))
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ArchiveError(msg("ingest.dask_unreachable", address=address, why=exc)) from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_errors() -> tuple[type[Exception], ...]:
    """Dask's errors for a task whose workers kept dying or a scheduler gone (imported with Dask)."""
    from distributed.comm import CommClosedError
    from distributed.scheduler import KilledWorker

    return KilledWorker, CommClosedError


def _hosts(info: dict[str, Any]) -> set[str]:
    """The hosts of a cluster's scheduler and workers (``scheduler_info()``)."""
    addresses = [info.get("address", ""), *info.get("workers", {})]
    return {urlsplit(a).hostname or "" for a in addresses if not a.startswith("inproc://")}


def _is_here(host: str) -> bool:
    """Whether ``host`` is this machine (a loopback address, or one of its own names or addresses)."""
    if host in ("", "localhost") or host.startswith("127.") or host == "::1":
        return True
    names = {socket.gethostname(), socket.getfqdn()}
    try:
        mine = {ai[4][0] for n in names for ai in socket.getaddrinfo(n, None)}
    except OSError:
        mine = set()
    return host in names | mine
