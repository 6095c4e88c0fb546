from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.registry.models import ProductGroup, ProductSet, ProductSubGroup


def counts() -> tuple[int, int, int]:
    return (ProductGroup.objects.count(), ProductSubGroup.objects.count(),
            ProductSet.objects.count())


def test_load_shipped_classification_idempotently(db):
    out = StringIO()
    call_command("load_classification", stdout=out)
    first = counts()
    assert first[0] == 6 and first[2] >= 26
    assert ProductSubGroup.objects.get(code="1.1.a").group_id == "1"
    call_command("load_classification", stdout=out)
    assert counts() == first
    assert "0 created, 0 updated" in out.getvalue()


def test_changed_name_is_updated_and_subgroup_link_read(db, tmp_path):
    file = tmp_path / "c.yaml"
    file.write_text(
        "groups: [{code: '1', name_vi: 'Thực phẩm', name_en: Food}]\n"
        "subgroups: [{code: '1.1.a', group: '1', name_vi: 'Rau', name_en: Veg}]\n"
        "product_sets: [{code: S1, group: '1', subgroup: '1.1.a', name_vi: 'Rau tươi',"
        " name_en: Veg}]\n",
        encoding="utf-8")
    call_command("load_classification", str(file), stdout=StringIO())
    assert ProductSet.objects.get(code="S1").subgroup_id == "1.1.a"
    file.write_text(file.read_text(encoding="utf-8").replace("Rau tươi", "Rau, củ tươi"),
                    encoding="utf-8")
    out = StringIO()
    call_command("load_classification", str(file), stdout=out)
    assert ProductSet.objects.get(code="S1").name_vi == "Rau, củ tươi"
    assert "1 updated" in out.getvalue()


def test_unknown_parent_is_an_error(db, tmp_path):
    file = tmp_path / "c.yaml"
    file.write_text("subgroups: [{code: x, group: '9', name_vi: X}]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown group"):
        call_command("load_classification", str(file), stdout=StringIO())
