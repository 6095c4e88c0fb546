"""scripts/supervise.sh (make run's worker keeper) restarts what dies and stops with itself."""

import signal
import subprocess
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "supervise.sh"


def test_restarts_a_dying_command_and_stops_with_it(tmp_path):
    runs = tmp_path / "runs"
    pid_file = tmp_path / "pid"
    # Each run records itself and, the third time, stays up (as a healthy worker would). Its pid
    # is written before its run line, so three lines mean the third pid is there (a loaded
    # machine once read the file between the shell's truncating and writing it).
    command = (f'echo $$ > {pid_file}; echo run >> {runs}; '
               f'[ $(wc -l < {runs}) -ge 3 ] && exec sleep 60; exit 1')
    proc = subprocess.Popen(["bash", str(SCRIPT), "sh", "-c", command],  # noqa: S603, S607
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (not runs.exists()
                                               or runs.read_text().count("run") < 3):
            time.sleep(0.1)
        assert runs.read_text().count("run") == 3
        child = int(pid_file.read_text())
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert err.count("restarting in 1 s") == 2
    assert not Path(f"/proc/{child}").exists()  # the supervised command stopped too
