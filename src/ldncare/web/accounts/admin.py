from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ldncare.web.accounts.models import Pharmacy, Practice, User


@admin.register(User)
class LdncareUserAdmin(UserAdmin):
    """Admins create clinicians and pharmacists and attach them to a practice or pharmacy."""

    list_display = ("username", "email", "role", "practice", "pharmacy", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (*UserAdmin.fieldsets, ("ldncare", {"fields": ("role", "practice", "pharmacy")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("ldncare", {"fields": ("email", "role", "practice", "pharmacy")}))


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name", "city")


@admin.register(Pharmacy)
class PharmacyAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name", "city")
