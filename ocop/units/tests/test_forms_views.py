import pytest
from django import forms

from ocop.units.forms import CommuneChoiceField


class AddressForm(forms.Form):
    commune = CommuneChoiceField()


class LegacyAddressForm(forms.Form):
    commune = CommuneChoiceField(allow_legacy=True)


def test_options_endpoint_lists_a_province_communes(client, units):
    response = client.get("/don-vi/xa/", {"province": "P24"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<option") == 100  # placeholder + 99 communes
    assert '<option value="C07210">Phường Bắc Giang</option>' in body
    assert "C00004" not in body  # Hà Nội's communes are not listed
    assert "public" in response["Cache-Control"]


def test_options_endpoint_reads_the_widget_province_select(client, units):
    response = client.get("/don-vi/xa/", {"field": "commune", "commune_province": "P01"})
    assert "Phường Ba Đình" in response.content.decode()


def test_options_endpoint_unknown_province_gives_placeholder_only(client, units):
    body = client.get("/don-vi/xa/", {"province": "P99"}).content.decode()
    assert body.count("<option") == 1
    assert client.post("/don-vi/xa/", {"province": "P24"}).status_code == 405


def test_commune_field_accepts_a_current_commune(units):
    form = AddressForm(data={"commune": "C07210"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == units.phuong_bac_giang


@pytest.mark.parametrize("value", ["C99999", "P24", "LD219", "bogus"])
def test_commune_field_rejects_unknown_or_non_commune_keys(units, value):
    form = AddressForm(data={"commune": value})
    assert not form.is_valid()
    assert form.errors["commune"] == [f"Mã xã/phường không tồn tại: {value}"]


def test_commune_field_required(units):
    form = AddressForm(data={"commune": ""})
    assert not form.is_valid()
    assert form.errors["commune"]


def test_commune_field_legacy_commune(units):
    form = AddressForm(data={"commune": "LC07591"})
    assert not form.is_valid()
    (error,) = form.errors["commune"]
    assert error.startswith("Xã Đồng Cốc không còn từ ngày 01/07/2025")
    assert "xã Lục Ngạn, thành phố Bắc Ninh" in error
    legacy_form = LegacyAddressForm(data={"commune": "LC07591"})
    assert legacy_form.is_valid()
    assert legacy_form.cleaned_data["commune"] == units.legacy_dong_coc


def test_widget_renders_province_and_its_communes(units, django_assert_max_num_queries):
    form = AddressForm(initial={"commune": units.phuong_bac_giang})
    with django_assert_max_num_queries(3):
        html = str(form["commune"])
    assert 'name="commune_province"' in html
    assert '<option value="P24" selected>Thành phố Bắc Ninh</option>' in html
    assert '<option value="C07210" selected>Phường Bắc Giang</option>' in html
    assert 'hx-get="/don-vi/xa/?field=commune"' in html
    assert 'hx-target="#id_commune"' in html
    assert "Phường Ba Đình" not in html  # only the chosen province's communes


def test_widget_keeps_submitted_province_and_legacy_value(units):
    form = AddressForm(data={"commune": "", "commune_province": "P01"})
    assert not form.is_valid()
    html = str(form["commune"])
    assert '<option value="P01" selected>' in html
    assert "Phường Ba Đình" in html
    legacy = LegacyAddressForm(initial={"commune": "LC07591"})
    html = str(legacy["commune"])
    assert '<option value="LC07591" selected>Xã Đồng Cốc (trước 01/07/2025)</option>' in html
    assert '<option value="P24" selected>' in html
