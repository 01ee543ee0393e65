"""Staff side. Every view reaches units through skm.org.access."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from skm.dashboard import accounts, audit, login, twofactor, views

app_name = "dashboard"

urlpatterns = [
    path("masuk/", login.LoginView.as_view(), name="login"),
    path("masuk/kode/", twofactor.login_code, name="login_code"),
    path("akun/dua-faktor/", twofactor.settings_page, name="two_factor"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("audit/", audit.audit_page, name="audit"),
    path("akun/", accounts.account_list, name="accounts"),
    path(
        "akun/peran/<int:membership_id>/hapus/",
        accounts.membership_remove,
        name="membership_remove",
    ),
    path("akun/<int:user_id>/aktif/", accounts.account_active, name="account_active"),
    path(
        "akun/undangan/<int:invitation_id>/tarik/",
        accounts.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("undangan/<str:token>/", accounts.invitation, name="invitation"),
    path(
        "lupa-sandi/",
        auth_views.PasswordResetView.as_view(
            template_name="dashboard/password/reset_form.html",
            success_url=reverse_lazy("dashboard:password_reset_done"),
            email_template_name="dashboard/password/reset_email.txt",
            subject_template_name="dashboard/password/reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="dashboard/password/reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "sandi/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="dashboard/password/reset_confirm.html",
            success_url=reverse_lazy("dashboard:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="dashboard/password/reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("unit/<slug:unit_slug>/", views.unit_detail, name="unit"),
    path("", include("skm.dashboard.kiosk_urls")),
    path("", include("skm.dashboard.data_urls")),
    path("", include("skm.dashboard.results_urls")),
    path("", include("skm.dashboard.suggestions_urls")),
    path("", include("skm.dashboard.publish_urls")),
    path("", include("skm.dashboard.plans_urls")),
    path("", include("skm.dashboard.reports_urls")),
    path("", include("skm.dashboard.agency_reports_urls")),
    path("", include("skm.dashboard.setup_urls")),
]
