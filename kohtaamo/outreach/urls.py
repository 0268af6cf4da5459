from django.urls import path

from kohtaamo.outreach.views import board, field, figures, places, pwa, shifts

app_name = "outreach"
urlpatterns = [
    path("", shifts.home, name="home"),
    path("board/", board.board, name="board"),
    path("alerts/<uuid:code>/acknowledge/", board.acknowledge, name="alert-acknowledge"),
    path("shifts/new/", shifts.shift_new, name="shift-new"),
    path("shift/<uuid:code>/", shifts.shift_detail, name="shift"),
    path("shift/<uuid:code>/start/", shifts.shift_start, name="shift-start"),
    path("shift/<uuid:code>/cancel/", shifts.shift_cancel, name="shift-cancel"),
    path("shift/<uuid:code>/check-in/", shifts.check_in, name="check-in"),
    path("shift/<uuid:code>/help/", shifts.help_now, name="help"),
    path("shift/<uuid:code>/safe/", shifts.confirm_safe, name="safe"),
    path("shift/<uuid:code>/log/", shifts.shift_log, name="shift-log"),
    path("shift/<uuid:code>/contact/", field.contact, name="contact"),
    path(
        "shift/<uuid:code>/contact/<uuid:encounter>/card/",
        field.feedback_card,
        name="feedback-card",
    ),
    path("shift/<uuid:code>/observation/", field.shift_observation, name="shift-observation"),
    path("observations/", field.observations, name="observations"),
    path("observations/new/", field.observation_new, name="observation-new"),
    path("places/", places.place_list, name="places"),
    path("places/new/", places.place_new, name="place-new"),
    path("places/<uuid:code>/", places.place_detail, name="place"),
    path("places/<uuid:code>/edit/", places.place_edit, name="place-edit"),
    path("figures/", figures.figures, name="figures"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("token/", pwa.token, name="token"),
]
