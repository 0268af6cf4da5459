"""Operations of case management. Every function writes its own audit entries: reads of client
documents go to the access log, changes to the change history, in the same transaction.

The functions live in one module per document family and are re-exported here, so callers write
`from kohtaamo.casework import actions` and `actions.open_client_matter(...)`.
"""

from kohtaamo.casework.actions.assessment import (
    create_assessment,
    open_assessment,
    reuse_assessment,
    sign_assessment,
    start_correction,
    update_assessment,
)
from kohtaamo.casework.actions.common import CaseworkError
from kohtaamo.casework.actions.decision import (
    create_decision,
    open_decision,
    sign_decision,
    start_decision_correction,
    update_decision,
)
from kohtaamo.casework.actions.ending import end_matter
from kohtaamo.casework.actions.followup import (
    complete_task,
    create_reminders,
    create_task,
    tasks_for,
)
from kohtaamo.casework.actions.matters import (
    MATTER,
    NOTIFICATION,
    SPECIAL_GROUP_START_WORKING_DAYS,
    assessment_start_by,
    create_contact_notification,
    deadlines_for,
    log_listed,
    open_client_matter,
    queue_for,
    start_assessment,
    take_contact_notification,
)
from kohtaamo.casework.actions.plan import (
    StaleEdit,
    add_goal,
    add_progress_note,
    add_step,
    agree_plan,
    create_plan,
    mark_step_done,
    open_plan,
    review_goal,
    update_goal,
    update_plan,
)
from kohtaamo.casework.actions.rehab import (
    MeasurementError,
    end_period,
    record_measurement,
    record_meeting,
    start_period,
    update_meeting,
)
from kohtaamo.casework.actions.team import (
    add_member,
    add_network_member,
    caseload_for,
    end_member,
    matter_overview,
    open_matter,
    person_timeline,
    remove_network_member,
    set_responsible_worker,
    update_matter,
)

__all__ = [
    "MATTER",
    "NOTIFICATION",
    "SPECIAL_GROUP_START_WORKING_DAYS",
    "CaseworkError",
    "MeasurementError",
    "StaleEdit",
    "add_goal",
    "add_member",
    "add_network_member",
    "add_progress_note",
    "add_step",
    "agree_plan",
    "assessment_start_by",
    "caseload_for",
    "complete_task",
    "create_assessment",
    "create_contact_notification",
    "create_decision",
    "create_plan",
    "create_reminders",
    "create_task",
    "deadlines_for",
    "end_matter",
    "end_member",
    "end_period",
    "log_listed",
    "mark_step_done",
    "matter_overview",
    "person_timeline",
    "open_assessment",
    "open_client_matter",
    "open_decision",
    "open_matter",
    "open_plan",
    "queue_for",
    "record_measurement",
    "record_meeting",
    "remove_network_member",
    "reuse_assessment",
    "review_goal",
    "set_responsible_worker",
    "sign_assessment",
    "sign_decision",
    "start_assessment",
    "start_correction",
    "start_decision_correction",
    "start_period",
    "take_contact_notification",
    "tasks_for",
    "update_assessment",
    "update_decision",
    "update_goal",
    "update_matter",
    "update_meeting",
    "update_plan",
]
