"""Evaluation models: program theory (logic models, adoptions, adaptations), experiments, social
reporting, research extracts and the pre-aggregated daily figures the dashboards read."""

from kohtaamo.evaluation.models.aggregates import (
    AggregateState,
    DirtyDay,
    EncounterDay,
    EncounterMonth,
    EncounterTermDay,
    EncounterTermMonth,
    ReferralDay,
    ReferralMonth,
)
from kohtaamo.evaluation.models.experiments import Experiment, ExperimentStage
from kohtaamo.evaluation.models.programme import (
    Adaptation,
    Adoption,
    LogicModel,
    LogicModelVersion,
)
from kohtaamo.evaluation.models.reporting import ResearchExtract, SocialReportComment

__all__ = [
    "Adaptation",
    "Adoption",
    "AggregateState",
    "DirtyDay",
    "EncounterDay",
    "EncounterMonth",
    "EncounterTermDay",
    "EncounterTermMonth",
    "Experiment",
    "ExperimentStage",
    "LogicModel",
    "LogicModelVersion",
    "ReferralDay",
    "ReferralMonth",
    "ResearchExtract",
    "SocialReportComment",
]
