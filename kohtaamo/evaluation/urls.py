from django.urls import path

from kohtaamo.evaluation.views import dashboards, experiments, programme, reports

app_name = "evaluation"
urlpatterns = [
    path("", dashboards.overview, name="overview"),
    path("activity/", dashboards.activity, name="activity"),
    path("fidelity/", dashboards.fidelity_view, name="fidelity"),
    path("export/<slug:dashboard>/<slug:table>.<str:fmt>", dashboards.export, name="export"),
    path("social-report/", reports.social_report_view, name="social-report"),
    path("social-report/comment/", reports.social_report_comment, name="social-report-comment"),
    path("research-extract/", reports.research_extract, name="research-extract"),
    path("models/", programme.model_list, name="models"),
    path("models/<slug:key>/<str:version>/", programme.model_detail, name="model-detail"),
    path("adoptions/", programme.adoption_list, name="adoptions"),
    path("adoptions/add/", programme.adoption_add, name="adoption-add"),
    path("adoptions/<uuid:code>/", programme.adoption_detail, name="adoption-detail"),
    path("adoptions/<uuid:code>/adaptations/", programme.adaptation_add, name="adaptation-add"),
    path("adoptions/<uuid:code>/end/", programme.adoption_end, name="adoption-end"),
    path("experiments/", experiments.experiment_list, name="experiments"),
    path("experiments/add/", experiments.experiment_add, name="experiment-add"),
    path("experiments/<uuid:code>/", experiments.experiment_detail, name="experiment-detail"),
    path("experiments/<uuid:code>/edit/", experiments.experiment_edit, name="experiment-edit"),
    path(
        "experiments/<uuid:code>/report/", experiments.experiment_report, name="experiment-report"
    ),
    path(
        "experiments/<uuid:code>/<slug:stage>/",
        experiments.experiment_stage,
        name="experiment-stage",
    ),
    path(
        "experiments/<uuid:code>/<slug:stage>/reopen/",
        experiments.experiment_reopen,
        name="experiment-reopen",
    ),
]
