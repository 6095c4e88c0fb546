import pytest
from playwright.sync_api import expect

from ocop.units.testing import load_test_units


@pytest.mark.browser
@pytest.mark.urls("ocop.units.tests.widget_urls")
@pytest.mark.django_db(transaction=True)
def test_commune_picker_loads_communes_with_htmx(live_server, page):
    load_test_units()
    page.goto(f"{live_server.url}/__picker__/")
    communes = page.locator("#id_commune option")
    assert communes.count() == 1  # only the placeholder until a province is chosen
    page.select_option("#id_commune_province", "P24")
    # expect() polls without eval(), which the page's Content Security Policy forbids.
    expect(communes).to_have_count(100)
    page.select_option("#id_commune", "C07210")
    page.click("form.form-grid button[type=submit]")
    page.wait_for_url("**/__picker__/?*")
    assert "chosen C07210" in page.content()
