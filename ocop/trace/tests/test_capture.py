"""POST /epcis/capture and GET /epcis/capture/{id}: validation, limits, atomicity, duplicates."""

from __future__ import annotations

import time

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ocop.audit.models import AuditEntry
from ocop.trace.models import CaptureJob, EpcisEvent, EventEpc
from ocop.trace.tasks import process_capture
from ocop.trace.tests.conftest import document, object_event
from ocop.worker import services as worker
from ocop.worker import testing
from ocop.worker.tests.test_recovery import claimed

pytestmark = pytest.mark.django_db


def test_capture_stores_events_with_computed_ids(api_for) -> None:
    response = api_for("producer").capture(document(object_event(1), object_event(2)))
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["eventCount"] == 2
    assert all(i.startswith("ni:///sha-256;") for i in body["eventIDs"])
    assert response["Location"].endswith(body["captureID"])
    job = CaptureJob.objects.get(pk=body["captureID"])
    assert job.producer is not None and job.province_id == "P24"
    assert EpcisEvent.objects.filter(capture=job).count() == 2
    assert EventEpc.objects.filter(event__capture=job, kind="epc").count() == 2
    assert AuditEntry.objects.filter(action="epcis.capture", object_id=str(job.pk)).exists()


def test_schema_error_names_event_and_field_and_stores_nothing(api_for) -> None:
    bad = object_event(2, bizStep=42)
    del bad["action"]
    response = api_for("admin").capture(document(object_event(1), bad))
    assert response.status_code == 400
    body = response.json()
    assert any(e["eventIndex"] == 1 and e["path"] == "bizStep" for e in body["errors"])
    assert any(e["eventIndex"] == 1 and "action" in e["message"] for e in body["errors"])
    assert all(e["eventIndex"] == 1 for e in body["errors"])  # event 0 is fine
    assert EpcisEvent.objects.count() == 0  # all or nothing
    job = CaptureJob.objects.get(pk=body["captureID"])
    assert job.status == "failed" and job.errors == body["errors"]


def test_bad_time_and_uri_are_refused(api_for) -> None:
    events = [object_event(0, eventTime="hôm qua"), object_event(1, epcList=["not a uri"])]
    errors = api_for("admin").capture(document(*events)).json()["errors"]
    assert {(e["eventIndex"], e["path"]) for e in errors} == {(0, "eventTime"), (1, "epcList/0")}


def test_capture_needs_an_epcis_document(api_for) -> None:
    response = api_for("admin").capture(object_event(1))
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "type"


def test_malformed_json_is_400(api_for) -> None:
    response = api_for("admin").capture(None, raw=b'{"type": "EPCISDocument",')
    assert response.status_code == 400
    assert "JSON" in response.json()["title"]


def test_oversize_body_is_413(api_for, settings) -> None:
    settings.EPCIS_CAPTURE_MAX_BYTES = 2_000
    doc = document(*[object_event(i) for i in range(20)])
    response = api_for("admin").capture(doc)
    assert response.status_code == 413
    assert "2,000" in response.json()["title"]
    assert EpcisEvent.objects.count() == 0


def test_too_many_events_is_413(api_for, settings) -> None:
    settings.EPCIS_CAPTURE_MAX_EVENTS = 3
    response = api_for("admin").capture(document(*[object_event(i) for i in range(4)]))
    assert response.status_code == 413
    assert "3" in response.json()["title"]


def test_recapture_is_idempotent(api_for) -> None:
    api = api_for("admin")
    doc = document(object_event(1), object_event(2))
    first = api.capture(doc).json()
    second = api.capture(doc)
    assert second.status_code == 201
    assert second.json()["eventIDs"] == []
    assert second.json()["duplicateEventIDs"] == first["eventIDs"]
    assert EpcisEvent.objects.count() == 2


def test_duplicate_inside_one_document_is_stored_once(api_for) -> None:
    event = object_event(1, eventID="urn:uuid:6f1c2a52-0000-4000-8000-000000000001")
    body = api_for("admin").capture(document(event, object_event(2), event)).json()
    assert body["eventCount"] == 2
    assert body["duplicateEventIDs"] == [event["eventID"]]


def test_reused_event_id_with_other_content_is_409_and_stores_nothing(api_for) -> None:
    api = api_for("admin")
    event_id = "urn:uuid:6f1c2a52-0000-4000-8000-000000000002"
    assert api.capture(document(object_event(1, eventID=event_id))).status_code == 201
    clash = object_event(9, eventID=event_id)
    response = api.capture(document(object_event(3), clash))
    assert response.status_code == 409
    assert response.json()["errors"][0]["eventIndex"] == 1
    assert EpcisEvent.objects.count() == 1


def test_error_declaration_is_stored_beside_the_original(api_for) -> None:
    api = api_for("admin")
    original = object_event(1, eventID="urn:uuid:6f1c2a52-0000-4000-8000-000000000003")
    api.capture(document(original))
    declaration = {**original, "errorDeclaration": {
        "declarationTime": "2025-07-02T00:00:00Z", "reason": "incorrect_data"}}
    assert api.capture(document(declaration)).json()["eventCount"] == 1
    assert EpcisEvent.objects.filter(event_id=original["eventID"]).count() == 2


def test_client_record_time_is_replaced(api_for) -> None:
    api = api_for("admin")
    api.capture(document(object_event(1, recordTime="1999-01-01T00:00:00Z")))
    back = api.events().json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]
    assert not back["recordTime"].startswith("1999")


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("commune_officer", 403), ("council_member", 403), ("producer", 201),
     ("province_office", 201), ("central", 201), ("admin", 201)],
)
def test_who_may_capture(api_for, who, status) -> None:
    assert api_for(who).capture(document(object_event(1))).status_code == status


def test_large_document_is_queued_and_processed(api_for, settings,
                                                django_capture_on_commit_callbacks) -> None:
    settings.EPCIS_CAPTURE_SYNC_MAX_EVENTS = 2
    api = api_for("producer")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.capture(document(*[object_event(i) for i in range(5)]))
    assert response.status_code == 202
    job_url = response["Location"]
    state = api.get(job_url).json()
    assert state["success"] is True and state["eventCount"] == 5
    assert CaptureJob.objects.get(pk=state["captureID"]).document is None


def test_queued_document_with_errors_fails_the_job(api_for, settings,
                                                   django_capture_on_commit_callbacks) -> None:
    settings.EPCIS_CAPTURE_SYNC_MAX_EVENTS = 1
    api = api_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.capture(document(object_event(0), object_event(1, action="SELL")))
    state = api.get(response["Location"]).json()
    assert state["status"] == "failed"
    assert state["errors"][0]["eventIndex"] == 1
    assert EpcisEvent.objects.count() == 0


def test_capture_job_is_visible_only_within_jurisdiction(api_for) -> None:
    url = "/api/v1/epcis/capture/" + api_for("producer").capture(
        document(object_event(1))).json()["captureID"]
    assert api_for("producer").get(url).status_code == 200
    assert api_for("province_office").get(url).status_code == 200
    assert api_for("admin").get(url).status_code == 200
    assert api_for("far_producer").get(url).status_code == 404
    assert api_for("hanoi_office").get(url).status_code == 404
    assert api_for(None).get(url).status_code == 401
    assert api_for("admin").get("/api/v1/epcis/capture/not-a-uuid").status_code == 404


def test_openapi_documents_the_raw_capture_body(api_for) -> None:
    schema = api_for("admin").get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/epcis/capture"]["post"]
    assert "application/ld+json" in operation["requestBody"]["content"]
    assert {"201", "202", "400", "409", "413"} <= set(operation["responses"])


def test_race_with_a_concurrent_capture_is_409_not_500(api_for, monkeypatch) -> None:
    """Another capture stores the same eventID between our duplicate check and our insert."""
    from ocop.trace import capture

    api = api_for("admin")
    event = object_event(1, eventID="urn:uuid:6f1c2a52-0000-4000-8000-000000000004")
    assert api.capture(document(event)).status_code == 201
    monkeypatch.setattr(capture, "_stored_events", lambda ids: {})  # the check saw nothing yet
    response = api.capture(document(object_event(2), event))
    assert response.status_code == 409
    assert EpcisEvent.objects.count() == 1
    assert CaptureJob.objects.get(pk=response.json()["captureID"]).status == "failed"


def test_capture_whose_worker_died_on_the_last_attempt_reports_failure(
        api_for, settings, db_queue, django_capture_on_commit_callbacks) -> None:
    settings.EPCIS_CAPTURE_SYNC_MAX_EVENTS = 1
    api = api_for("producer")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.capture(document(object_event(0), object_event(1)))
    assert response.status_code == 202
    job_url = response["Location"]
    assert api.get(job_url).json()["status"] == "pending"
    task = DBTaskResult.objects.get(task_path=process_capture.module_path)
    claimed(task.pk, "killed", seconds_ago=60, attempts=3)

    report = worker.recover_orphaned_tasks()

    assert report.failed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "ocop.worker.services.WorkerLost"
    state = api.get(job_url).json()
    assert state["status"] == "failed" and state["running"] is False
    assert "gián đoạn" in state["errors"][0]["message"]
    job = CaptureJob.objects.get(pk=state["captureID"])
    assert job.document is None and job.finished_at is not None


def test_capture_whose_redis_worker_died_on_the_last_attempt_reports_failure(
        api_for, settings, redis_queue, django_capture_on_commit_callbacks) -> None:
    """The same promise on the Redis queue: RQ's registry cleanup finds the abandoned task, and
    after the last attempt the capture's client is told it failed."""
    settings.EPCIS_CAPTURE_SYNC_MAX_EVENTS = 1
    api = api_for("producer")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.capture(document(object_event(0), object_event(1)))
    assert response.status_code == 202
    job_url = response["Location"]
    (task_id,) = redis_queue.queue("default").job_ids
    for attempt in range(settings.WORKER_MAX_ATTEMPTS):
        assert api.get(job_url).json()["status"] == "pending"
        testing.claim(redis_queue, task_id, f"killed-{attempt}")
        assert redis_queue.recover(time.time() + settings.WORKER_LEASE_SECONDS + 1) == 1

    assert redis_queue.get_result(task_id).status == TaskResultStatus.FAILED
    state = api.get(job_url).json()
    assert state["status"] == "failed" and state["running"] is False
    assert "gián đoạn" in state["errors"][0]["message"]
    assert EpcisEvent.objects.count() == 0
