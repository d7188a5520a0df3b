"""A patrol's plan: the job's options as stored, and the cases its list names.

The job row keeps everything a later run needs (``--resume``, a Celery
worker on another host): the capture options, the officers and the patrol
options.  Cases named in the list's ``case`` column that the store does not
hold yet are opened, with the list's ``subject``, and recorded in custody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import NotFoundError
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.patrol.jobs import cases_needed, create_job, job_options
from evidence_capture.patrol.listfile import PatrolItem
from evidence_capture.patrol.runner import PatrolOptions
from evidence_capture.storage import Store


@dataclass(frozen=True)
class JobPlan:
    """What every run of a job uses, whoever runs it."""

    capture: Mapping[str, Any]  # the keyword arguments of capture.policy.capture_options
    officers: tuple[Officer, ...]
    patrol: PatrolOptions

    def as_record(self) -> dict[str, Any]:
        return {"capture": dict(self.capture), "patrol": self.patrol.as_record(),
                "officers": [o.as_record() for o in self.officers]}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "JobPlan":
        patrol = dict(record["patrol"])
        return cls(dict(record["capture"]),
                   tuple(Officer(o["name"], o["cert_no"]) for o in record["officers"]),
                   PatrolOptions(workers=int(patrol["workers"]), per_host=int(patrol["per_host"]),
                                 host_delay=float(patrol["host_delay"]),
                                 sharing=str(patrol["browser_sharing"])))

    def capture_options(self) -> CaptureOptions:
        from evidence_capture.capture.policy import capture_options

        return capture_options(**self.capture)


def open_listed_cases(store: Store, items: Sequence[PatrolItem], *, source: str) -> list[str]:
    """Open each case the list names that the store does not hold; returns their ids."""
    opened = []
    for case_id, subject in cases_needed(items).items():
        try:
            store.get_case(case_id)
        except NotFoundError:
            store.open_case(CaseInfo(case_id, title=f"patrol {source}", subject=subject,
                                     purpose="patrol"))
            opened.append(case_id)
    return opened


def plan_job(store: Store, items: Sequence[PatrolItem], plan: JobPlan, *, source: str,
             mode: str) -> tuple[str, list[str]]:
    """Open the listed cases and write the job; returns (job id, cases opened)."""
    opened = open_listed_cases(store, items, source=source)
    return create_job(store, items, source=source, mode=mode, options=plan.as_record()), opened


def load_plan(store: Store, job_id: str) -> JobPlan:
    return JobPlan.from_record(job_options(store, job_id))
