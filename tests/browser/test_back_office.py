import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_logs_in_sees_indonesian_and_switches_to_english(live_server, admin_user, page):
    # admin_user's password is "password" (pytest-django's fixture)
    page.goto(live_server.url + "/admin/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("button.primary")
    page.wait_for_selector("text=Kantor belakang")
    assert page.is_visible("text=Unit layanan")

    page.select_option("#language-select", "en")
    page.click(".language-switch button")
    page.wait_for_selector("text=Back office")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.is_visible("text=Units")
