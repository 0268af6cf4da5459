from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kohtaamo.accounts.models import ApiToken, Membership, Organisation, Role, Team, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = BaseUserAdmin.fieldsets + (("Kohtaamo", {"fields": ("language",)}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "kind", "bilingual"]
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "organisation"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "unit"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["key", "name_fi", "client_access", "is_official", "sees_aggregates"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are created by their owner, shown once
