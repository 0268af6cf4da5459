from django.contrib import admin

from kohtaamo.groupwork.models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "starts_on", "ends_on", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Group._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
