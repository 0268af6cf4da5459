from django.contrib import admin

from kohtaamo.encounters.models import Encounter, Favourite, Place, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["section", "key", "label_fi", "order", "active"]
    list_filter = ["section", "active"]
    list_editable = ["order", "active"]
    search_fields = ["key", "label_fi", "label_sv", "label_en"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "organisation", "kind", "municipality", "active"]
    list_filter = ["kind", "active", "organisation"]
    search_fields = ["name_fi", "name_sv", "name_en", "municipality"]


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at"]


@admin.register(Encounter)
class EncounterAdmin(admin.ModelAdmin):
    """Read-only: contacts change only through the desk, which writes the history."""

    list_display = ["started_at", "organisation", "place", "channel", "identity_level", "result"]
    list_filter = ["identity_level", "channel", "result"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    fields = [
        "code", "organisation", "place", "channel", "started_at", "duration_minutes",
        "identity_level", "result", "is_repeat", "about_handled_matter", "failure_reason",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
