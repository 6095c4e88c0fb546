"""Two officers allocate the last booth of a class at the same moment: one wins, the other is
told the class is full. PostgreSQL only: the booth class's row lock (select_for_update) is what
is tested; SQLite serialises writing transactions anyway (IMMEDIATE, ocop/settings.py) and its
in-memory test database cannot be shared between threads."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from ocop.core.refusals import Conflict
from ocop.fairs import services
from ocop.fairs.models import Application, Event

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_the_last_booth_goes_to_one_exhibitor_only(fw, monkeypatch):
    services.update_event(actor=fw.office, event=fw.event, open_to=Event.OpenTo.NATIONAL)
    corner = fw.event.booth_classes.get(name="Gian góc")  # one booth
    applications = [
        services.apply(actor=fw.office, event=fw.event, producer=producer, products=[product],
                       today=fw.today)
        for producer, product in [(fw.luc_ngan, fw.litchi), (fw.bac_giang, fw.chicken),
                                  (fw.hanoi, fw.tea)]]
    # Widen the window between counting the class's allocations and saving: without the lock
    # every thread would count 0 and take the booth.
    clean = services._clean

    def slow_clean(*args, **kwargs):
        time.sleep(0.3)
        return clean(*args, **kwargs)

    monkeypatch.setattr(services, "_clean", slow_clean)
    start = threading.Barrier(len(applications))
    outcomes: list[str] = []

    def allocate(application: Application, number: str) -> None:
        try:
            start.wait()
            services.accept(actor=fw.office, application=application, booth_class=corner,
                            booth_number=number, today=fw.today)
            outcomes.append("accepted")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(a, f"G{n}"))
               for n, a in enumerate(applications)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "fairs.booth_class_full", "fairs.booth_class_full"]
    assert Application.objects.filter(status=Application.Status.ACCEPTED,
                                      booth_class=corner).count() == 1
