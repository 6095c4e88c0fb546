"""A task slow enough to be killed mid-run (the worker tests only)."""

from pathlib import Path

from django.tasks import task


@task()
def sleep_then_mark(marker: str, seconds: float) -> str:
    path = Path(marker)
    path.with_suffix(".started").write_text("started")
    import time

    time.sleep(seconds)
    path.write_text("done")
    return "done"
