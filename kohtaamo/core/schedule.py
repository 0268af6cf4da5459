"""Periodic jobs: apps register a task (django-tasks) and an interval; `run_scheduler` enqueues
each when due, and `db_worker` runs them. A job's last run is kept in the database, so several
scheduler restarts do not enqueue a job twice within its interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django_tasks Task
    every: timedelta


_JOBS: dict[str, Job] = {}


def every(interval: timedelta, *, name: str | None = None):
    def decorator(task):
        job_name = name or f"{task.module_path}"
        _JOBS[job_name] = Job(job_name, task, interval)
        return task

    return decorator


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)
