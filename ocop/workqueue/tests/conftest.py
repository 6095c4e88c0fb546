"""Work-queue test worlds: the dossiers' cycle, the evaluation world (a council of three scoring
members and an advisor on one accepted dossier) and the inspections world (certificates in Bắc
Ninh and Hà Nội, a 2026 inspection plan)."""

from ocop.certificates.tests.conftest import classification, cw
from ocop.dossiers.testing import cycle
from ocop.evaluation.tests.conftest import ev
from ocop.inspections.tests.conftest import iw

__all__ = ["classification", "cw", "cycle", "ev", "iw"]
