"""Every trace refusal is a core refusal: its kind, a stable code and the Vietnamese message.

The trace API and the EPCIS API keep their statuses (400 for wrong input, 413 for too large),
and the permission rules answer a Verdict whose reason is the text the person reads.
"""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict

from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from ocop.trace import capture, pdf, selectors, services
from ocop.trace.permissions import can_capture, can_clear_suspicion, can_manage_producer, can_query
from ocop.trace.tests.conftest import document, object_event


def test_wrong_input_is_invalid_with_its_code_field_and_message(chain) -> None:
    with pytest.raises(Invalid) as refused:
        services.issue_stamps(actor=chain.people["producer"], lot=chain.packed, count=0)
    error = refused.value
    assert isinstance(error, services.ActionError)
    assert error.code == "trace.stamp_count_invalid"
    assert error.message == "Số tem phải từ 1 đến 1,000,000."
    assert (error.field, error.fields) == ("count", {"count": error.message})
    assert error.status == 400  # the trace API's answer to wrong input, as before


def test_a_state_that_forbids_the_action_is_a_conflict(chain) -> None:
    producer = chain.people["producer"]
    with pytest.raises(Conflict) as refused:
        services.pack_with_stamps(actor=producer, batch=chain.batch, first=50, last=52,
                                  packed_at=chain.packed.created_at)
    assert refused.value.code == "trace.stamps_already_packed"
    assert refused.value.message == "Khoảng sê-ri có tem đã kích hoạt (đã đóng gói)."
    assert refused.value.status == 409


def test_a_producer_outside_reach_is_not_found(chain) -> None:
    with pytest.raises(NotFound) as refused:
        services.issue_stamps(actor=chain.people["far_producer"], lot=chain.packed, count=3)
    assert (refused.value.code, refused.value.message, refused.value.status) == (
        "trace.not_found", "Không tìm thấy.", 404)


def test_stamp_sheet_range_refusal_carries_its_code(chain) -> None:
    with pytest.raises(Invalid) as refused:
        pdf.check_range(chain.batch, 90, 120)
    assert refused.value.code == "trace.serials_out_of_batch"
    assert "nằm ngoài lô tem" in refused.value.message


def test_capture_refusals_are_core_refusals_with_the_epcis_statuses(chain, settings) -> None:
    with pytest.raises(Invalid) as malformed:
        capture.parse_document(b"{not json")
    assert (malformed.value.code, malformed.value.status) == ("trace.capture_malformed_json", 400)
    assert malformed.value.message.startswith("JSON không hợp lệ")

    settings.EPCIS_CAPTURE_MAX_BYTES = 10
    with pytest.raises(capture.CaptureTooLarge) as large:
        capture.parse_document(json.dumps(document(object_event(1))).encode())
    assert isinstance(large.value, Invalid)
    assert (large.value.code, large.value.status) == ("trace.capture_too_large", 413)

    with pytest.raises(Forbidden) as forbidden:
        capture.capture(document=document(object_event(1)),
                        actor=chain.people["commune_officer"])
    assert isinstance(forbidden.value, capture.CaptureError)
    assert forbidden.value.code == "trace.capture_forbidden"
    assert forbidden.value.message == "Tài khoản không có quyền ghi nhận sự kiện EPCIS."


def test_capture_conflict_keeps_its_problems_and_job(chain) -> None:
    admin = chain.people["admin"]
    event = object_event(1, eventID="urn:uuid:6f1c2a52-0000-4000-8000-0000000000aa")
    capture.capture(document=document(event), actor=admin)
    changed = {**event, "eventTime": "2025-01-02T00:00:00.000Z"}
    with pytest.raises(Conflict) as refused:
        capture.capture(document=document(changed), actor=admin)
    error = refused.value
    assert error.code == "trace.event_id_conflict"
    assert error.problems and error.problems[0]["path"] == "eventID"
    assert error.job is not None and error.job.status == "failed"


def test_verdicts_carry_the_reason_and_still_read_as_bools_for_rules(chain) -> None:
    officer, producer = chain.people["commune_officer"], chain.people["producer"]
    own = producer.producer
    verdict = can_capture(officer)
    assert not verdict
    assert (verdict.reason, verdict.code) == ("Tài khoản không có quyền ghi nhận sự kiện EPCIS.",
                                              "trace.capture_forbidden")
    assert can_capture(producer) and can_query(officer)
    assert not officer.has_perm("trace.capture_epcis") and producer.has_perm("trace.capture_epcis")
    refused = can_manage_producer(chain.people["far_producer"], own)
    assert not refused and refused.code == "trace.not_found"
    assert can_manage_producer(producer, own)
    assert not can_clear_suspicion(producer, own)
    with pytest.raises(Forbidden, match="ghi nhận sự kiện EPCIS"):
        verdict.check()


def test_every_refusal_kind_is_caught_as_a_refusal(chain) -> None:
    with pytest.raises(Refusal):
        services.ship(actor=chain.people["producer"], lot=chain.packed,
                      shipped_at=chain.packed.created_at, destination=" ")


def test_query_refusals_carry_their_code(chain) -> None:
    admin = chain.people["admin"]
    for query, code, message in [
        ("perPage=0", "trace.query_per_page_invalid", "perPage phải từ 1 đến"),
        ("EQ_nope=1", "trace.query_unsupported_parameter", "Tham số không được hỗ trợ"),
        ("GE_eventTime=2025-07-01T08:00:00", "trace.query_time_zone_missing", "GE_eventTime"),
    ]:
        with pytest.raises(Invalid) as refused:
            selectors.query_events(admin, QueryDict(query))
        assert isinstance(refused.value, selectors.QueryError)
        assert (refused.value.code, refused.value.status) == (code, 400)
        assert refused.value.message.startswith(message)
