"""A synthetic EHR extract in OMOP CDM v5.4 shape: data for tests, benchmarks and demos.

``generate(directory, patients=N, seed=S)`` writes ``person``,
``observation_period``, ``visit_occurrence``, ``condition_occurrence``,
``drug_exposure``, ``measurement`` and ``observation`` as Parquet files with
the column types of :mod:`remit.interop.omop.tables` (the same files remit's
own OMOP export writes, so one reader serves both), plus
``synth_patients.parquet`` (not a CDM table) with each person's pattern.
Patients are generated and written in chunks of :data:`CHUNK` with NumPy, so
memory stays bounded at 50 million measurement rows; the same seed gives the
same files.

Clinical patterns (shares are the defaults of :data:`~.cohort.DEFAULT_SHARES`):

* **unremarkable** (80 %): routine lab days spread over 1-5 years of
  follow-up, values on the normal side of every cut-off; one in five has an
  intercurrent infection (a few days of fever, mildly raised ESR and WBC).
* **systemic JIA course** (10 %): an sJIA diagnosis (ICD-10-CM M08.2) and
  1-6 flares of 10-30 days: fever, leucocytosis, raised ESR and ferritin,
  thrombocytosis, raised fibrinogen, labs every third day.
* **MAS episode** (4 %): an sJIA course whose first episode is macrophage
  activation syndrome (recorded as the HLH concept, D76.1, as remit's OMOP
  export does): 7-15 days with daily labs, a ferritin surge, falling
  platelets, fibrinogen, leucocytes and ESR, rising AST and triglycerides,
  fever, an inpatient visit.
* **autoinflammatory attacks** (6 %): FMF, CAPS or TRAPS with 2-6 attacks of
  2-5 days: fever and an acute-phase response without cytopenias.

Half of the sJIA and MAS patients and 60 % of CAPS and TRAPS patients start
anakinra two days into their first episode (courses of 90-720 days; later
episodes are milder); every FMF patient takes colchicine. Fever is recorded as
an ``observation`` (source value ``fever``, ``present``); on three in ten
other lab days an afebrile check is recorded (``absent``); on the rest nothing.

Numbers: no clinical threshold is invented. Each lab is drawn around a
threshold the catalogue already holds (:mod:`.shapes`: the MAS 2016 cut-offs
for ferritin, platelets, AST, triglycerides and fibrinogen; PRINTO 2019 for
leucocytes; HLH-2004 for neutrophils and haemoglobin; the JADAS ESR floor),
and clipped into the plausible range of :data:`remit.core.analytes.ANALYTES`.
A share of rows is written in another unit the analyte offers (``g/L``
fibrinogen, ``mmol/L`` triglycerides, ``10*3/uL`` counts, ``ug/L`` ferritin),
converted with :func:`remit.core.units.convert`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from remit.screening.synth.cohort import DEFAULT_SHARES, generate_chunk
from remit.screening.synth.writer import PATIENTS_FILE, TABLES, ExtractWriter

CHUNK = 20_000  # patients per chunk (about 10 million measurement rows at the benchmark's density)
DEFAULT_MEASUREMENTS_PER_PATIENT = 60.0

__all__ = ["CHUNK", "PATIENTS_FILE", "TABLES", "Extract", "generate"]


@dataclass(frozen=True, slots=True)
class Extract:
    directory: Path
    patients: int
    rows: dict[str, int]


def generate(
    directory: str | Path,
    *,
    patients: int,
    seed: int = 0,
    measurements_per_patient: float = DEFAULT_MEASUREMENTS_PER_PATIENT,
    shares: tuple[float, float, float, float] = DEFAULT_SHARES,
    progress: Callable[[int], None] | None = None,
) -> Extract:
    """Write the extract; ``progress`` is called with the number of patients done after each chunk."""
    if patients < 1:
        raise ValueError("patients must be at least 1")
    out = Path(directory)
    if any((out / f"{name}.parquet").exists() for name in TABLES):
        raise FileExistsError(f"{out} already holds an extract; choose an empty directory")
    with ExtractWriter(out) as writer:
        done = 0
        for number, first in enumerate(range(0, patients, CHUNK)):
            size = min(CHUNK, patients - first)
            rng = np.random.default_rng([seed, number])
            writer.write(generate_chunk(rng, first + 1, size, shares, measurements_per_patient))
            done += size
            if progress is not None:
                progress(done)
        rows = dict(writer.rows)
    return Extract(out, patients, rows)
