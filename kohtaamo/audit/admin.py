from django.contrib import admin

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit entries can be looked at by superusers; nobody can add, change or delete them."""

    list_display = ["seq", "at", "username", "action", "object_type"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(AccessLogEntry, ReadOnlyAdmin)
admin.site.register(ChangeEntry, ReadOnlyAdmin)
