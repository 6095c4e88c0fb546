"""Registry refusals: a file that cannot be imported is a core Invalid with a stable code, and
the permission matrix answers a Verdict whose reason the services show."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from ocop.core import ooxml
from ocop.core.refusals import Forbidden, Invalid
from ocop.registry import excel, permissions, services
from ocop.registry.tests.test_excel import xlsx
from ocop.registry.uploads import package_message

NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."


def test_a_file_that_is_not_a_workbook_is_invalid_with_its_code() -> None:
    with pytest.raises(Invalid) as refused:
        excel.read_rows(io.BytesIO(b"hello"), excel.PRODUCER_COLUMNS)
    assert isinstance(refused.value, excel.ImportFileError)
    assert refused.value.code == "registry.import_unsafe_file"
    assert refused.value.message == package_message(ooxml.inspect(io.BytesIO(b"hello")))


@pytest.mark.parametrize(("content", "code", "message"), [
    (lambda: xlsx([], headers=["Tên chủ thể"]), "registry.import_missing_columns",
     "Thiếu cột bắt buộc:"),
    (lambda: xlsx([]), "registry.import_no_rows", "Tệp không có dòng dữ liệu nào (từ dòng 2)."),
])
def test_file_refusals_carry_code_and_message(content, code, message) -> None:
    with pytest.raises(excel.ImportFileError) as refused:
        excel.read_rows(io.BytesIO(content()), excel.PRODUCER_COLUMNS)
    assert refused.value.code == code
    assert refused.value.message.startswith(message)
    assert refused.value.status == 422


def test_matrix_answers_a_verdict_with_reason_and_code(world) -> None:
    producer_user = world.users["producer"]
    other = world.producers["other_producer"]
    verdict = permissions.can(producer_user, "producer", "change", other)
    assert not verdict
    assert (verdict.reason, verdict.code) == (NO_RIGHT, "registry.change_producer_forbidden")
    assert permissions.can(producer_user, "producer", "change", world.producers["own"])
    assert producer_user.has_perm("registry.change_producer", other) is False
    assert producer_user.has_perm("registry.change_producer", world.producers["own"]) is True
    with pytest.raises(Forbidden, match=NO_RIGHT):
        verdict.check()


def test_services_refuse_with_the_verdicts_reason(world) -> None:
    with pytest.raises(PermissionDenied, match=NO_RIGHT):
        services.update_producer(actor=world.users["producer"],
                                 producer=world.producers["other_producer"], data={"name": "X"})
