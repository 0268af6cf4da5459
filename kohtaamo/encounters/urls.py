from django.urls import path

from kohtaamo.encounters.views import contact, entry, lists

app_name = "encounters"
urlpatterns = [
    path("", lists.encounter_list, name="list"),
    path("new/", entry.quick_entry, name="new"),
    path("new/repeat-check/", entry.repeat_check, name="repeat-check"),
    path("favourites/<int:pk>/delete/", entry.favourite_delete, name="favourite-delete"),
    path("today/", lists.today, name="today"),
    path("counts/", lists.counts, name="counts"),
    path("export/", lists.export, name="export"),
    path("code/", contact.code_timeline, name="code-timeline"),
    path("<uuid:code>/", contact.detail, name="detail"),
    path("<uuid:code>/undo/", entry.undo, name="undo"),
    path("<uuid:code>/card/", contact.card, name="card"),
    path("<uuid:code>/feedback-card/", contact.feedback_card, name="feedback-card"),
    path("<uuid:code>/identify/", contact.identify, name="identify"),
]
