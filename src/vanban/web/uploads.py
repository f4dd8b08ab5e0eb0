"""Uploading documents: the upload page and ``POST /api/v1/documents`` store the file and answer
at once with its job; the job page (``/jobs/{id}``, refreshing itself, or JSON for the upload
page's script) and ``GET /api/v1/jobs/{id}`` follow it until the document is read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..messages import msg
from ..track.roles import Action
from . import api, pages
from . import services as sv
from .jobs import FINAL, Job
from .security import Principal, check_csrf

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["vanban"])
RECENT = 50  # jobs on the list page


class JobResult(BaseModel):
    status: str  # the archive's: added, version, duplicate, retried, failed
    tasks: list[int]
    reports: list[int]


class JobOut(BaseModel):
    id: int
    name: str
    status: str  # queued, running, done, failed
    status_label: str
    progress: int
    document_id: int | None
    result: JobResult | None
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def job_out(job: Job) -> JobOut:
    """The job as the API shows it."""
    return JobOut(
        id=job.id,
        name=job.name,
        status=job.status,
        status_label=job.status_label,
        progress=job.progress,
        document_id=job.document_id,
        result=JobResult(**job.result) if job.result else None,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _visible_job(s: Session, p: Principal, job_id: int) -> Job:
    """The job, or 404 unless the user uploaded it or reads everything."""
    job = s.get(Job, job_id)
    if job is None or (job.user_id != p.user.id and not p.can(Action.READ_ALL)):
        raise HTTPException(404, msg("web.job.not_found"))
    return job


def _page_json(job: Job) -> dict[str, Any]:
    """What the upload page's script shows of a job."""
    out = job_out(job).model_dump(mode="json")
    res = job.result or {}
    out.update(
        url=f"/jobs/{job.id}",
        document_url=f"/documents/{job.document_id}" if job.document_id else None,
        tasks=len(res.get("tasks") or []),
        reports=len(res.get("reports") or []),
        final=job.status in FINAL,
    )
    return out


# --- pages ---------------------------------------------------------------------------------


@router.get("/upload")
def upload_form(request: Request, p: pages.Me) -> HTMLResponse:
    sv.require(p, Action.ADD_DOCUMENT)
    return pages.page(request, "upload.html", p)


@router.post("/upload")
async def upload(
    request: Request,
    s: pages.DB,
    p: pages.Me,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.ADD_DOCUMENT)
    queued = [(await sv.queue_document(request, s, p, f))[0] for f in files]
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"files": [_page_json(j) for j in queued]}, status_code=202)
    return RedirectResponse(f"/jobs/{queued[0].id}" if len(queued) == 1 else "/jobs", status_code=303)


@router.get("/jobs")
def job_list(request: Request, s: pages.DB, p: pages.Me) -> HTMLResponse:
    rows = list(s.scalars(select(Job).where(Job.user_id == p.user.id).order_by(Job.id.desc()).limit(RECENT)))
    pending = any(j.status not in FINAL for j in rows)
    return pages.page(request, "jobs.html", p, jobs=[(j, _page_json(j)) for j in rows], pending=pending)


@router.get("/jobs/{job_id}")
def job_page(request: Request, s: pages.DB, p: pages.Me, job_id: int) -> Response:
    job = _visible_job(s, p, job_id)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(_page_json(job))
    return pages.page(request, "job.html", p, job=job, info=_page_json(job))


# --- API -----------------------------------------------------------------------------------


@api_router.post(
    "/documents",
    response_model=JobOut,
    status_code=202,
    summary="Thêm văn bản (văn thư): tệp được lưu ngay, đọc trong nền; theo dõi ở /api/v1/jobs/{id}",
)
async def add_document(
    request: Request, response: Response, s: api.DB, p: api.Me, file: Annotated[UploadFile, File()]
) -> JobOut:
    sv.require(p, Action.ADD_DOCUMENT)
    job, _fut = await sv.queue_document(request, s, p, file)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return job_out(job)


@api_router.get("/jobs/{job_id}", response_model=JobOut, summary="Tình trạng đọc một tệp đã tải lên")
def job(s: api.DB, p: api.Me, job_id: int) -> JobOut:
    return job_out(_visible_job(s, p, job_id))


@api_router.get("/jobs", response_model=list[JobOut], summary="Các tệp mình đã tải lên, mới nhất trước")
def jobs(s: api.DB, p: api.Me, limit: int = RECENT) -> list[JobOut]:
    q = select(Job).where(Job.user_id == p.user.id).order_by(Job.id.desc()).limit(max(1, min(limit, 500)))
    return [job_out(j) for j in s.scalars(q)]
