from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from ldncare.web.accounts import services
from ldncare.web.accounts.models import Pharmacy, Practice, RecoveryCodeDevice, User


class SecondFactorAdminSite(OTPAdminSite):
    """The admin site, open only to staff whose session passed the second factor (django-otp).

    It has no sign-in form of its own: ``/admin/login/`` sends to the site's sign-in (password,
    then the code step), so there is one way in.
    """

    def login(self, request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(target, login_url=reverse("login"))


admin.site.__class__ = SecondFactorAdminSite


@admin.register(User)
class LdncareUserAdmin(UserAdmin):
    """Admins create clinicians and pharmacists and attach them to a practice or pharmacy."""

    list_display = ("username", "email", "role", "practice", "pharmacy", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (*UserAdmin.fieldsets, ("ldncare", {"fields": ("role", "practice", "pharmacy")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("ldncare", {"fields": ("email", "role", "practice", "pharmacy")}))
    actions = ["send_invitation", "sign_out_everywhere"]

    @admin.action(description="Invite: e-mail a link to choose a password")
    def send_invitation(self, request, queryset):
        """Invite clinicians and pharmacists: each gets a one-time link to set their own password."""
        sent = 0
        for user in queryset.filter(is_active=True).exclude(email=""):
            form = PasswordResetForm({"email": user.email})
            if form.is_valid():
                form.save(request=request, use_https=request.is_secure(),
                          subject_template_name="registration/invitation_subject.txt",
                          email_template_name="registration/invitation_email.txt")
                sent += 1
        self.message_user(request, f"Invitations sent: {sent}.", messages.SUCCESS)

    @admin.action(description="Sign out everywhere: end all sessions and revoke API tokens")
    def sign_out_everywhere(self, request, queryset):
        """For a lost device or a suspected takeover: each selected user must sign in again."""
        users = list(queryset)
        revoked = sum(services.user_sessions_end_all(request=request, user=user) for user in users)
        self.message_user(request, f"Signed out everywhere: {len(users)} user(s); API tokens revoked: {revoked}.",
                          messages.SUCCESS)


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name", "city")


@admin.register(Pharmacy)
class PharmacyAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name", "city")


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """A user's recovery codes: how many are left and when one was last used (the codes are hashed).

    Deleting a set takes the codes away (for example when a user says theirs were exposed); the
    user makes new ones under *Account*.
    """

    list_display = ("user", "codes_left", "created_at", "last_used_at")
    search_fields = ("user__username",)
    fields = ("user", "name", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # codes are made by their user, who must see them once

    @admin.display(description="Codes left")
    def codes_left(self, obj):
        return obj.codes_left()
