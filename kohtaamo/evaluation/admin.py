from django.contrib import admin

from kohtaamo.evaluation.models import (
    Adaptation,
    Adoption,
    Experiment,
    ExperimentStage,
    LogicModelVersion,
    ResearchExtract,
    SocialReportComment,
)


@admin.register(LogicModelVersion)
class LogicModelVersionAdmin(admin.ModelAdmin):
    """Versions come from the data files; they are read here, never edited."""

    list_display = ["model", "version", "is_current", "loaded_at"]
    list_filter = ["is_current"]
    readonly_fields = ["model", "version", "content", "content_hash", "is_current", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdaptationInline(admin.TabularInline):
    model = Adaptation
    extra = 0
    readonly_fields = [
        "section",
        "target_key",
        "description",
        "justification",
        "recorded_by",
        "recorded_at",
    ]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # adaptations are recorded through the app, which enforces the rule


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["version", "organisation", "unit", "started_on", "ended_on"]
    inlines = [AdaptationInline]
    readonly_fields = ["version", "created_by", "created_at"]


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "owner"]


@admin.register(ExperimentStage)
class ExperimentStageAdmin(admin.ModelAdmin):
    list_display = ["experiment", "stage", "completed_at", "reminded_at"]


@admin.register(SocialReportComment)
class SocialReportCommentAdmin(admin.ModelAdmin):
    list_display = ["section", "organisation", "area", "period_start", "period_end", "author"]


@admin.register(ResearchExtract)
class ResearchExtractAdmin(admin.ModelAdmin):
    list_display = ["created_at", "requested_by", "period_start", "period_end", "encounter_rows"]
    readonly_fields = [f.name for f in ResearchExtract._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
