"""Admin for outreach: places can be corrected; shifts, alerts, logs and sent notifications are
read-only records (the actions write them)."""

from django.contrib import admin

from kohtaamo.outreach.models import (
    Observation,
    OutreachPlace,
    PresenceSlot,
    SafetyAlert,
    SentNotification,
    Shift,
    ShiftEvent,
)


class PresenceSlotInline(admin.TabularInline):
    model = PresenceSlot
    extra = 0


@admin.register(OutreachPlace)
class OutreachPlaceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind"]
    list_filter = ["kind"]
    inlines = [PresenceSlotInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "team", "status", "on_call"]
    list_filter = ["status"]


@admin.register(SafetyAlert)
class SafetyAlertAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "shift", "kind", "escalations", "acknowledged_at"]
    list_filter = ["kind"]


@admin.register(ShiftEvent)
class ShiftEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "shift", "kind", "user"]
    list_filter = ["kind"]


@admin.register(SentNotification)
class SentNotificationAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "backend", "recipient", "ok"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["observed_at", "kind", "place", "count_estimate"]
    list_filter = ["kind"]
