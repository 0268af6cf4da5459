"""Operations of outreach work, by sub-domain. Each writes its own log and audit entries:
the shift's log (`ShiftEvent`) for shifts and safety, the change history for places, observations
and (through the desk's `record_encounter`) field contacts. Import from here:
`from kohtaamo.outreach import actions`.
"""

from kohtaamo.outreach.actions.base import (
    FIELD_CHANNEL,
    ONLINE_CHANNEL,
    PLACE_KINDS,
    Refused,
    Timing,
    log_event,
    margin,
)
from kohtaamo.outreach.actions.field import (
    ContactInput,
    FieldEntry,
    FieldRecorded,
    check_field_contact,
    record_field_contact,
    record_field_contacts,
    record_observation,
    save_field_contact,
)
from kohtaamo.outreach.actions.places import PlaceInput, save_outreach_place
from kohtaamo.outreach.actions.shifts import (
    VisitInput,
    WorkerState,
    acknowledge_alert,
    ask_for_help,
    cancel_shift,
    check_in,
    confirm_safe,
    lock_shift,
    notify_pending,
    plan_shift,
    raise_overdue_alerts,
    send_alert,
    start_shift,
    worker_states,
)

__all__ = [
    "FIELD_CHANNEL",
    "ONLINE_CHANNEL",
    "PLACE_KINDS",
    "ContactInput",
    "FieldEntry",
    "FieldRecorded",
    "PlaceInput",
    "Refused",
    "Timing",
    "VisitInput",
    "WorkerState",
    "acknowledge_alert",
    "ask_for_help",
    "cancel_shift",
    "check_field_contact",
    "check_in",
    "confirm_safe",
    "lock_shift",
    "log_event",
    "margin",
    "notify_pending",
    "plan_shift",
    "raise_overdue_alerts",
    "record_field_contact",
    "record_field_contacts",
    "record_observation",
    "save_field_contact",
    "save_outreach_place",
    "send_alert",
    "start_shift",
    "worker_states",
]
