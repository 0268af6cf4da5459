from django.contrib import admin

from kohtaamo.casework.models import ClientMatter, ContactNotification


@admin.register(ClientMatter)
class ClientMatterAdmin(admin.ModelAdmin):
    list_display = ["pending_at", "organisation", "team", "status", "assessment_start_by"]
    list_filter = ["status", "source", "special_group"]
    readonly_fields = [f.name for f in ClientMatter._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactNotification)
class ContactNotificationAdmin(admin.ModelAdmin):
    list_display = ["received_at", "organisation", "team", "sender_role", "status"]
    list_filter = ["status", "sender_role"]
    readonly_fields = [f.name for f in ContactNotification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
