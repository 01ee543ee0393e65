from django.contrib import admin

from skm.org.models import Agency, Membership, Service, Unit


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "slug"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "agency", "slug"]
    list_filter = ["agency"]
    search_fields = ["name", "slug"]
    readonly_fields = ["path", "depth"]
    inlines = [ServiceInline]

    @admin.display(description=Unit._meta.get_field("name").verbose_name, ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "\u2014 " * obj.depth + obj.name

    def save_model(self, request, obj: Unit, form, change) -> None:
        # Keep the materialised path true whatever the back office edits.
        super().save_model(request, obj, form, change)
        from skm.org.services import unit_rebuild_paths

        unit_rebuild_paths(agency=obj.agency)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "slug", "is_active"]
    list_filter = ["is_active", "unit__agency"]
    search_fields = ["name", "unit__name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency", "unit"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]
