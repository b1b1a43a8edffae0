from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ldncare.web.accounts.models import User


@admin.register(User)
class LdncareUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (*UserAdmin.fieldsets, ("ldncare", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("ldncare", {"fields": ("role",)}))
