"""One chunk of synthetic patients as NumPy arrays (no Python loop per row).

A chunk is generated from its own seeded generator (``[seed, chunk number]``),
so an extract is the same whatever else runs, and memory stays bounded by the
chunk size. See :mod:`remit.screening.synth` for the clinical patterns and
:mod:`.shapes` for where each number comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from remit.screening.synth.shapes import (
    ABNORMAL_STEP,
    ALTERNATE_UNITS,
    ANALYTE_ORDER,
    ANCHORS,
    SPREAD,
    log_centre,
    plausible_bounds,
    unit_factor,
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

EPOCH = date(1970, 1, 1)
FIRST_DAY = (date(2015, 1, 1) - EPOCH).days  # follow-up starts within ten years of this day
PATTERNS = ("unremarkable", "sjia", "mas", "autoinflammatory")
DEFAULT_SHARES = (0.80, 0.10, 0.04, 0.06)
AUTOINFLAMMATORY = ("fmf", "caps", "traps")

# Episode kinds: 0 none, 1 intercurrent infection, 2 sJIA flare, 3 MAS, 4 autoinflammatory attack.
NONE, INFECTION, FLARE, MAS, ATTACK = range(5)
MAX_EPISODES = 6
# Severity each episode kind adds per analyte (ANALYTE_ORDER: ferritin, platelets,
# ast, triglycerides, fibrinogen, wbc, neutrophils, haemoglobin, esr); positive =
# towards the anchor's abnormal side, negative = the other way. Shapes, not thresholds.
SEVERITY = np.array(
    [
        [0.0] * 9,
        [0.2, 0.0, 0.0, 0.0, -0.2, 0.5, -0.3, 0.0, 0.6],  # infection: mild acute phase
        [0.6, -0.6, 0.1, 0.1, -0.4, 0.9, -0.6, 0.3, 1.0],  # sJIA flare: ferritin up, thrombocytosis
        [1.5, 1.0, 1.1, 0.9, 1.0, -0.6, 0.6, 0.5, -0.5],  # MAS: ferritin surge, falling counts and fibrinogen
        [0.3, -0.2, 0.0, 0.0, -0.4, 0.7, -0.5, 0.0, 0.9],  # attack: acute phase, no cytopenia
    ]
)
LENGTH = {INFECTION: (3, 7), FLARE: (10, 31), MAS: (7, 16), ATTACK: (2, 6)}  # days, [low, high)
PEAK = {INFECTION: (0.3, 0.6), FLARE: (0.6, 1.0), MAS: (1.0, 1.4), ATTACK: (0.6, 1.0)}
LAB_EVERY = {INFECTION: 99, FLARE: 3, MAS: 1, ATTACK: 2}  # days between labs during an episode
FEVER_CHANCE = np.array([0.0, 0.8, 0.9, 0.95, 0.95])
# Which analytes a lab day measures: routine panels, and days in an episode.
PANEL_ROUTINE = np.array([0.3, 0.9, 0.5, 0.15, 0.2, 0.9, 0.8, 0.9, 0.7])
PANEL_SICK = np.array([0.95, 0.95, 0.9, 0.6, 0.8, 0.95, 0.9, 0.95, 0.8])
DECIMALS = {"wbc": 1, "neutrophils": 2, "10*3/uL": 1, "g/dL": 1, "mmol/L": 2, "g/L": 2}


@dataclass
class Chunk:
    """Arrays of one chunk; ``pid`` are global person ids (from 1)."""

    pid: Ints
    pattern: Ints
    sex_male: npt.NDArray[np.bool_]
    birth: Ints  # days since 1970-01-01
    start: Ints
    end: Ints
    disease: Ints  # index into AUTOINFLAMMATORY, -1 otherwise
    drug_start: Floats  # anakinra start day (absolute), NaN if none
    drug_end: Floats
    colchicine: npt.NDArray[np.bool_]
    mas_start: Floats  # absolute day of the MAS episode, NaN if none
    # lab days
    day_pid: Ints
    day: Ints
    day_inpatient: npt.NDArray[np.bool_]
    day_fever: Ints  # 1 present, 0 absent recorded, -1 nothing recorded
    # measurements
    m_day: Ints  # index into the lab days
    m_analyte: Ints  # index into ANALYTE_ORDER
    m_value: Floats  # in m_unit
    m_alternate: npt.NDArray[np.bool_]  # written in ALTERNATE_UNITS[analyte]


def rows_per_lab_day() -> float:
    return float(PANEL_ROUTINE.sum())


def generate_chunk(
    rng: np.random.Generator, first_pid: int, n: int, shares: tuple[float, ...], measurements_per_patient: float
) -> Chunk:
    pid = np.arange(first_pid, first_pid + n, dtype=np.int64)
    pattern = rng.choice(len(PATTERNS), size=n, p=np.asarray(shares) / sum(shares))
    sex_male = rng.random(n) < 0.5
    start = FIRST_DAY + rng.integers(0, 3650, n)
    length = rng.integers(365, 1826, n)
    end = start + length
    birth = start - rng.integers(365, 16 * 365, n)
    disease = np.where(pattern == 3, rng.integers(0, len(AUTOINFLAMMATORY), n), -1)

    kinds, starts, peaks, lengths = _episodes(rng, pattern, length)
    treated = ((pattern == 1) | (pattern == 2)) & (rng.random(n) < 0.5)
    treated |= (disease >= 1) & (rng.random(n) < 0.6)  # CAPS, TRAPS
    first_flare = np.nanmin(np.where(kinds > NONE, starts, np.nan), axis=1, initial=np.inf)
    drug_rel = np.where(treated & np.isfinite(first_flare), first_flare + 2, np.nan)
    mas_rel = np.nanmin(np.where(kinds == MAS, starts, np.nan), axis=1, initial=np.inf)
    mas_rel = np.where(np.isfinite(mas_rel), mas_rel, np.nan)
    drug_rel = np.where(np.isnan(drug_rel) & ~np.isnan(mas_rel), mas_rel + 1, drug_rel)
    peaks = np.where(starts > drug_rel[:, None], peaks * 0.5, peaks)  # treated flares are milder
    drug_len = rng.integers(90, 721, n)
    drug_start = start + drug_rel
    drug_end = np.minimum(drug_start + drug_len, end)

    day_pid_idx, day_rel = _lab_days(rng, n, length, kinds, starts, lengths, measurements_per_patient)
    severity, active_kind = _severity(day_pid_idx, day_rel, kinds, starts, peaks, lengths)
    fever_roll = rng.random(day_rel.size)
    febrile = (active_kind > NONE) & (fever_roll < FEVER_CHANCE[active_kind])
    afebrile_noted = ~febrile & (rng.random(day_rel.size) < 0.3)
    day_fever = np.where(febrile, 1, np.where(afebrile_noted, 0, -1))
    inpatient = (active_kind == MAS) | (severity.max(axis=1, initial=0) > 1.0)

    sick = active_kind > NONE
    chance = np.where(sick[:, None], PANEL_SICK, PANEL_ROUTINE)
    m_day, m_analyte = np.nonzero(rng.random(chance.shape) < chance)
    values, alternate = _values(rng, m_analyte, severity[m_day, m_analyte])
    return Chunk(
        pid=pid,
        pattern=pattern,
        sex_male=sex_male,
        birth=birth,
        start=start,
        end=end,
        disease=disease,
        drug_start=drug_start.astype(np.float64),
        drug_end=drug_end,
        colchicine=disease == 0,
        mas_start=(start + mas_rel).astype(np.float64),
        day_pid=pid[day_pid_idx],
        day=start[day_pid_idx] + day_rel,
        day_inpatient=inpatient,
        day_fever=day_fever,
        m_day=m_day.astype(np.int64),
        m_analyte=m_analyte.astype(np.int64),
        m_value=values,
        m_alternate=alternate,
    )


def _episodes(rng: np.random.Generator, pattern: Ints, length: Ints) -> tuple[Ints, Floats, Floats, Ints]:
    """Up to MAX_EPISODES episodes per patient: kind, start (day of follow-up), peak, length."""
    n = pattern.size
    count = np.select(
        [pattern == 0, pattern == 1, pattern == 2, pattern == 3],
        [
            (rng.random(n) < 0.2).astype(np.int64),
            1 + rng.poisson(1.5, n),
            1 + rng.poisson(1.0, n),
            2 + rng.poisson(3.0, n),
        ],
    ).astype(np.int64)
    count = np.minimum(count, MAX_EPISODES)
    slot = np.arange(MAX_EPISODES)[None, :]
    used = slot < count[:, None]
    base = np.select([pattern == 0, pattern == 3], [INFECTION, ATTACK], FLARE)
    kinds = np.where(used, base[:, None], NONE)
    kinds[:, 0] = np.where((pattern == 2) & used[:, 0], MAS, kinds[:, 0])  # one MAS episode, the first slot
    starts = np.sort(rng.random((n, MAX_EPISODES)) * (length[:, None] - 30), axis=1).round()
    starts = np.where(used, starts, np.nan)
    lo = np.vectorize(lambda k: LENGTH.get(k, (1, 2))[0])(kinds)
    hi = np.vectorize(lambda k: LENGTH.get(k, (1, 2))[1])(kinds)
    lengths = (lo + rng.random(kinds.shape) * (hi - lo)).astype(np.int64)
    plo = np.vectorize(lambda k: PEAK.get(k, (0.0, 0.0))[0])(kinds)
    phi = np.vectorize(lambda k: PEAK.get(k, (0.0, 0.0))[1])(kinds)
    peaks = plo + rng.random(kinds.shape) * (phi - plo)
    return kinds, starts, peaks, lengths


def _lab_days(
    rng: np.random.Generator, n: int, length: Ints, kinds: Ints, starts: Floats, lengths: Ints, per_patient: float
) -> tuple[Ints, Ints]:
    """Routine lab days spread over follow-up, plus the days labs were drawn in
    each episode; one row per (patient, day), sorted."""
    routine = max(per_patient / rows_per_lab_day(), 1.0)
    count = rng.poisson(routine, n)
    r_pid = np.repeat(np.arange(n), count)
    r_day = (rng.random(r_pid.size) * length[r_pid]).astype(np.int64)
    e_pid, e_slot = np.nonzero(kinds > NONE)
    e_kind = kinds[e_pid, e_slot]
    every = np.vectorize(LAB_EVERY.get)(e_kind) if e_kind.size else np.zeros(0, dtype=np.int64)
    draws = np.maximum(lengths[e_pid, e_slot] // every, 1)
    rep = np.repeat(np.arange(e_pid.size), draws)
    within = np.arange(rep.size) - np.repeat(np.cumsum(draws) - draws, draws)
    first = np.where(e_kind == INFECTION, lengths[e_pid, e_slot] // 3, 0)
    ep_day = (starts[e_pid, e_slot][rep] + first[rep] + within * every[rep]).astype(np.int64)
    ep_pid = e_pid[rep]
    keep = ep_day < length[ep_pid]
    pids = np.concatenate([r_pid, ep_pid[keep]])
    days = np.concatenate([r_day, ep_day[keep]])
    key = np.sort(pids.astype(np.int64) * 10_000 + days)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    return key // 10_000, key % 10_000


def _severity(
    day_pid: Ints, day_rel: Ints, kinds: Ints, starts: Floats, peaks: Floats, lengths: Ints
) -> tuple[Floats, Ints]:
    """Per lab day: the severity towards abnormal of every analyte, and the kind
    of the episode the day falls in (NONE outside episodes).

    Each episode is a triangle over its length, peaking a third of the way in."""
    severity = np.zeros((day_rel.size, len(ANALYTE_ORDER)))
    active = np.zeros(day_rel.size, dtype=np.int64)
    has_episode: npt.NDArray[np.bool_] = np.asarray((kinds > NONE).any(axis=1))
    sick = np.nonzero(has_episode[day_pid])[0]  # days of patients with any episode
    pid, rel = day_pid[sick], day_rel[sick]
    part = np.zeros((sick.size, len(ANALYTE_ORDER)))
    part_active = np.zeros(sick.size, dtype=np.int64)
    for k in range(MAX_EPISODES):
        kind = kinds[pid, k]
        t = rel - np.nan_to_num(starts[pid, k], nan=-1e9)
        span = lengths[pid, k].astype(np.float64)
        mode = span / 3
        shape = np.clip(1 - np.abs(t - mode) / np.maximum(span - mode, 1), 0, 1)
        shape = np.where((t >= 0) & (t < span) & (kind > NONE), shape, 0.0)
        hit = np.nonzero(shape > 0)[0]
        part[hit] += (shape[hit] * peaks[pid[hit], k])[:, None] * SEVERITY[kind[hit]]
        part_active[hit] = np.where(part_active[hit] == NONE, kind[hit], part_active[hit])
    severity[sick] = part
    active[sick] = part_active
    return np.clip(severity, -2.2, 2.2), active


_CENTRE = np.array([log_centre(ANCHORS[a]) for a in ANALYTE_ORDER])
_SIGN = np.array([1.0 if ANCHORS[a].high_is_abnormal else -1.0 for a in ANALYTE_ORDER])
_LOW = np.array([plausible_bounds(a)[0] for a in ANALYTE_ORDER])
_HIGH = np.array([plausible_bounds(a)[1] for a in ANALYTE_ORDER])
_ALT_SHARE = np.array([ALTERNATE_UNITS.get(a, ("", 0.0))[1] for a in ANALYTE_ORDER])
_ALT_FACTOR = np.array([unit_factor(a, ALTERNATE_UNITS[a][0]) if a in ALTERNATE_UNITS else 1.0 for a in ANALYTE_ORDER])
_DEC_CANON = np.array([DECIMALS.get(a, 0) for a in ANALYTE_ORDER])
_DEC_ALT = np.array([DECIMALS.get(ALTERNATE_UNITS.get(a, ("", 0))[0], 0) for a in ANALYTE_ORDER])


def _values(rng: np.random.Generator, analyte: Ints, severity: Floats) -> tuple[Floats, npt.NDArray[np.bool_]]:
    """Values as written (canonical or alternate unit), each within the plausible range."""
    z = _CENTRE[analyte] + _SIGN[analyte] * severity * ABNORMAL_STEP + rng.normal(0.0, SPREAD, analyte.size)
    canonical = np.clip(np.exp(z), np.maximum(_LOW[analyte], 0.1), _HIGH[analyte])
    canonical = _round(canonical, _DEC_CANON[analyte])
    canonical = np.maximum(canonical, _LOW[analyte])
    alternate = rng.random(analyte.size) < _ALT_SHARE[analyte]
    converted = _round(canonical * _ALT_FACTOR[analyte], _DEC_ALT[analyte])
    back = converted / _ALT_FACTOR[analyte]
    alternate &= (back >= _LOW[analyte]) & (back <= _HIGH[analyte]) & (converted > 0)
    return np.where(alternate, converted, canonical), alternate


def _round(values: Floats, decimals: Ints) -> Floats:
    scale = 10.0 ** decimals.astype(np.float64)
    rounded: Floats = np.round(values * scale) / scale
    return rounded
