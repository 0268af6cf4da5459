from django.urls import path

from kohtaamo.casework.views import documents, followup, matters, plans, quality, rehab

app_name = "casework"
urlpatterns = [
    # The desk's queue and the § 36 start (kept from the desk issue)
    path("notifications/<uuid:code>/take/", matters.notification_take, name="notification-take"),
    path(
        "matters/<uuid:code>/start-assessment/",
        matters.matter_start_assessment,
        name="matter-start-assessment",
    ),
    # Matters, team, network, caseload, timeline
    path("caseload/", matters.caseload, name="caseload"),
    path("matters/new/", matters.matter_new, name="matter-new"),
    path("matters/<uuid:code>/", matters.matter_detail, name="matter"),
    path("matters/<uuid:code>/edit/", matters.matter_edit, name="matter-edit"),
    path("matters/<uuid:code>/responsible/", matters.matter_responsible, name="matter-responsible"),
    path("matters/<uuid:code>/members/add/", matters.member_add, name="member-add"),
    path("matters/<uuid:code>/members/<int:pk>/end/", matters.member_end, name="member-end"),
    path("matters/<uuid:code>/network/add/", matters.network_add, name="network-add"),
    path("network/<uuid:code>/remove/", matters.network_remove, name="network-remove"),
    path("matters/<uuid:code>/timeline/", matters.matter_timeline, name="timeline"),
    # Service need assessment
    path("matters/<uuid:code>/assessments/new/", documents.assessment_new, name="assessment-new"),
    path("assessments/<uuid:code>/", documents.assessment_detail, name="assessment"),
    path("assessments/<uuid:code>/sign/", documents.assessment_sign, name="assessment-sign"),
    path(
        "assessments/<uuid:code>/correct/", documents.assessment_correct, name="assessment-correct"
    ),
    path("assessments/<uuid:code>/reuse/", documents.assessment_reuse, name="assessment-reuse"),
    # Client plan
    path("matters/<uuid:code>/plans/new/", plans.plan_new, name="plan-new"),
    path("plans/<uuid:code>/", plans.plan_detail, name="plan"),
    path("plans/<uuid:code>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<uuid:code>/goals/add/", plans.goal_add, name="goal-add"),
    path("goals/<uuid:code>/edit/", plans.goal_edit, name="goal-edit"),
    path("goals/<uuid:code>/review/", plans.goal_review, name="goal-review"),
    path("plans/<uuid:code>/steps/add/", plans.step_add, name="step-add"),
    path("steps/<uuid:code>/", plans.step_detail, name="step"),
    path("steps/<uuid:code>/done/", plans.step_done, name="step-done"),
    path("plans/<uuid:code>/notes/add/", plans.note_add, name="note-add"),
    path("plans/<uuid:code>/agree/", plans.plan_agree, name="plan-agree"),
    path("plans/<uuid:code>/print/", plans.plan_print, name="plan-print"),
    path("my-steps/", plans.my_steps, name="my-steps"),
    # Decisions
    path("matters/<uuid:code>/decisions/new/", documents.decision_new, name="decision-new"),
    path("decisions/<uuid:code>/", documents.decision_detail, name="decision"),
    path("decisions/<uuid:code>/edit/", documents.decision_edit, name="decision-edit"),
    path("decisions/<uuid:code>/sign/", documents.decision_sign, name="decision-sign"),
    path("decisions/<uuid:code>/correct/", documents.decision_correct, name="decision-correct"),
    # Social rehabilitation
    path("matters/<uuid:code>/periods/new/", rehab.period_new, name="period-new"),
    path("periods/<uuid:code>/", rehab.period_detail, name="period"),
    path("periods/<uuid:code>/end/", rehab.period_end, name="period-end"),
    path("periods/<uuid:code>/measure/", rehab.measurement_new, name="measurement-new"),
    path("matters/<uuid:code>/meetings/new/", rehab.meeting_new, name="meeting-new"),
    path("meetings/<uuid:code>/edit/", rehab.meeting_edit, name="meeting-edit"),
    path("rehabilitation/", rehab.rehab_results, name="rehab-results"),
    # Tasks and the ending
    path("tasks/", followup.task_list, name="tasks"),
    path("tasks/new/", followup.task_new, name="task-new"),
    path("tasks/<uuid:code>/done/", followup.task_done, name="task-done"),
    path("matters/<uuid:code>/end/", followup.matter_end, name="matter-end"),
    path("matters/<uuid:code>/ended/", followup.matter_ended, name="matter-ended"),
    # Quality criteria questionnaires
    path("quality/", quality.quality_index, name="quality"),
    path("quality/answer/<slug:rater>/", quality.quality_answer, name="quality-answer"),
    path("quality/link/", quality.quality_link, name="quality-link"),
    path("quality/q/<str:token>/", quality.quality_client, name="quality-client"),
    path("quality/results/", quality.quality_results, name="quality-results"),
]
