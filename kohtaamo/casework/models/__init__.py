"""Case management models, one module per document family:

- `matter`: ClientMatter (asiakkuus), its team (MatterMember) and network, ContactNotification;
- `assessment`: the service need assessment (§ 36) and reuse of earlier ones;
- `plan`: the client plan (§ 39) with goals, steps and progress notes;
- `decision`: decisions (§ 45) with appeal instructions;
- `rehab`: social rehabilitation service periods, support meetings, start/end measurements;
- `followup`: tasks and reminders, and the ending of a matter;
- `quality`: answers to the PAKU client-centred quality criteria questionnaires.
"""

from kohtaamo.casework.models.assessment import (
    AssessmentReuse,
    DocumentStatus,
    ServiceNeedAssessment,
)
from kohtaamo.casework.models.decision import Decision
from kohtaamo.casework.models.followup import MatterEnding, Task
from kohtaamo.casework.models.matter import (
    ClientMatter,
    ClientMatterQuerySet,
    ContactNotification,
    MatterMember,
    NetworkMember,
)
from kohtaamo.casework.models.plan import ClientPlan, PlanGoal, PlanStep, ProgressNote, Variant
from kohtaamo.casework.models.quality import (
    QualityInvitation,
    QualityRating,
    QualityResponse,
    Rater,
)
from kohtaamo.casework.models.rehab import Measurement, ServicePeriod, SupportMeeting

__all__ = [
    "AssessmentReuse",
    "ClientMatter",
    "ClientMatterQuerySet",
    "ClientPlan",
    "ContactNotification",
    "Decision",
    "DocumentStatus",
    "MatterEnding",
    "MatterMember",
    "Measurement",
    "NetworkMember",
    "PlanGoal",
    "PlanStep",
    "ProgressNote",
    "QualityInvitation",
    "QualityRating",
    "QualityResponse",
    "Rater",
    "ServiceNeedAssessment",
    "ServicePeriod",
    "SupportMeeting",
    "Task",
    "Variant",
]
