from django.contrib import admin

from skm.surveys.models import (
    Answer,
    ApiKey,
    ImportBatch,
    ImportJob,
    Invitation,
    Kiosk,
    Period,
    Publication,
    Questionnaire,
    QuestionnaireElement,
    Rejection,
    Response,
)


class ElementInline(admin.TabularInline):
    model = QuestionnaireElement
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "question",
        "label_1",
        "label_2",
        "label_3",
        "label_4",
        "weight",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and obj.is_locked)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "agency"]
    inlines = [ElementInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A version with answers is part of the record: it can be neither changed nor removed.
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_locked:
            return ["agency", "name", "version"]
        return []


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "start_date", "end_date", "status"]
    list_filter = ["status", "kind", "unit__agency"]
    search_fields = ["name", "unit__name"]
    prepopulated_fields = {"slug": ["name"]}


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["element", "value"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "submitted_at", "unit", "period", "service", "channel"]
    list_filter = ["channel", "period__unit__agency"]
    date_hierarchy = "submitted_at"
    inlines = [AnswerInline]
    readonly_fields = [f.name for f in Response._meta.concrete_fields]
    list_select_related = ["unit", "period", "service"]

    def has_add_permission(self, request) -> bool:
        # Responses come in through the survey form, the kiosk, paper entry or import,
        # which validate them; the back office only reads them.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "unit", "period", "rows", "forced", "created_at"]
    readonly_fields = ["period", "unit", "file_name", "sha256", "rows", "forced", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the application's services; the back office only reads them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Kiosk)
class KioskAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "service", "activated_at", "revoked_at", "last_contact_at"]
    list_filter = ["unit__agency"]
    search_fields = ["name", "unit__name"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "prefix", "revoked_at", "last_used_at"]
    search_fields = ["name", "unit__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["id", "unit", "service", "created_at", "expires_at", "used_at"]
    list_filter = ["unit__agency"]


@admin.register(Rejection)
class RejectionAdmin(ReadOnlyAdmin):
    list_display = ["day", "unit", "reason", "count"]
    list_filter = ["reason", "unit__agency"]
    date_hierarchy = "day"


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "published_at"]
    list_filter = ["unit__agency"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "unit", "period", "status", "rows_done", "created_at"]
    list_filter = ["status"]
