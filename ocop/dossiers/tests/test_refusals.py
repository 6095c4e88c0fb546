"""Dossier refusals are core refusals with a stable code, and the permission rules say why not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ocop.accounts.testing import login_client
from ocop.core.refusals import Conflict, Forbidden
from ocop.dossiers import permissions, services
from ocop.dossiers.tests.conftest import D2024, D2025, Cycle, submitted

pytestmark = pytest.mark.django_db

NO_RIGHT = "Bạn không có quyền thực hiện thao tác này với hồ sơ."


def test_editing_a_submitted_dossier_is_a_conflict_with_its_code(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    with pytest.raises(Conflict) as refused:
        services.autosave(actor=None, dossier=dossier, form={"notes": "muộn"})
    error = refused.value
    assert isinstance(error, services.StateError)
    assert error.code == "dossiers.not_editable"
    assert error.message == (
        f"Hồ sơ {dossier.reference} đang ở trạng thái “Đã nộp” nên không sửa được. Chỉ sửa khi "
        "hồ sơ đang soạn hoặc đang được yêu cầu bổ sung.")
    assert error.status == 409


def test_submitting_twice_names_its_rule(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    with pytest.raises(services.StateError) as refused:
        services.submit(actor=None, dossier=dossier, today=D2024)
    assert refused.value.code == "dossiers.not_a_draft"
    assert refused.value.message.startswith("Chỉ nộp được hồ sơ đang soạn")


def test_a_state_error_without_a_code_gets_the_apps_default() -> None:
    # Callers in other apps that have not named their rule yet still get a stable code.
    assert services.StateError("Không được.").code == "dossiers.state"


def test_permission_verdicts_carry_the_refusal_and_read_as_bools(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    stranger, owner = cycle.users["other_producer"], cycle.users["producer"]
    verdict = permissions.can_edit(stranger, dossier)
    assert not verdict
    assert (verdict.reason, verdict.code) == (NO_RIGHT, "dossiers.edit_forbidden")
    assert permissions.can_edit(owner, dossier)
    assert permissions.can_review(cycle.users["province_office"], dossier)
    assert permissions.can_review(owner, dossier).code == "dossiers.review_forbidden"
    assert permissions.can_precheck(owner, dossier).code == "dossiers.precheck_forbidden"
    assert permissions.can_manage_rounds(owner).code == "dossiers.rounds_forbidden"
    # rules reads the verdict as a bool.
    assert owner.has_perm("dossiers.edit_dossier", dossier) is True
    assert stranger.has_perm("dossiers.edit_dossier", dossier) is False
    with pytest.raises(Forbidden, match=NO_RIGHT):
        verdict.check()


def test_services_refuse_with_the_verdicts_reason(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    with pytest.raises(PermissionDenied, match=NO_RIGHT):
        services.withdraw(actor=cycle.users["other_producer"], dossier=dossier)


def test_the_api_shows_the_refusal_message(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    client = login_client(cycle.users["producer"])
    response = client.post(f"/api/v1/dossiers/{dossier.pk}/submit", {},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Chỉ nộp được hồ sơ đang soạn")
