"""Synthetic ledgers made directly as tables: :func:`synthetic_tables`.

:func:`projpush.synth.synthetic_portfolio` builds a benchmark ledger as
Python objects, which takes minutes at a million projects. This module makes
the same ledger as the Arrow tables of :class:`~projpush.engine.LedgerTables`
with numpy and pyarrow: equal, table for table, to
``from_portfolio(synthetic_portfolio(...))`` with the same arguments.

The object generator draws everything from one :class:`random.Random`, in
order. Most of its draws are taken here as whole columns from the same
Mersenne Twister stream (numpy's ``MT19937`` given the generator's state):
the levels, categories and stages, the regions (rejection sampling over
whole columns), every issue and its history (all fixed-width draws), and the
service secretaries' groups (two alternating rejection draws, walked by
doubling). The draws of the projects themselves cannot be: a project's
share of the stream depends on the values drawn (the rejection loops of
``lognormvariate`` and ``randint``, and a month count that depends on a
drawn completion date), so the next project's first draw is known only once
the previous one is done. Those draws are replayed in one pass of plain
numbers, with the generator's own algorithms, into flat arrays; every value,
string and table is then made from the arrays column-wise.

>>> import datetime as dt
>>> from projpush.engine import from_portfolio, to_portfolio
>>> from projpush.synth import synthetic_portfolio
>>> tables = synthetic_tables(40, seed=7, as_of=dt.date(2020, 9, 30))
>>> tables.projects.num_rows, tables.issues.num_rows
(40, 120)
>>> objects = from_portfolio(synthetic_portfolio(40, seed=7, as_of=dt.date(2020, 9, 30)))
>>> all(table.equals(getattr(objects, name)) for name, table in tables)
True
>>> len(to_portfolio(tables).projects)  # every rule of the model holds
40
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from array import array
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._extras import require
from projpush.engine.schedule import epoch_day
from projpush.engine.tables import MONEY, TABLES, LedgerTables, schema
from projpush.errors import CalendarCoverageError, ValidationError
from projpush.model import (
    Cadence,
    Category,
    Difficulty,
    EventKind,
    IssueCategory,
    IssueState,
    LeaderRank,
    Level,
    ProjectCode,
    SheetColor,
    Stage,
    StageEventKind,
)
from projpush.schedule import last_complete_month
from projpush.synth import (
    _ACTORS,
    _CATEGORY_WEIGHTS,
    _CITY_DIVISION,
    _CITY_LEADERS,
    _DEPARTMENTS,
    _ISSUE_CATEGORY_WEIGHTS,
    _ISSUE_UNIT,
    _LEVEL_WEIGHTS,
    _MILESTONES,
    _MONTH_WEIGHTS,
    _PARTIES,
    _REGIONS,
    _SECTOR,
    _SIZE,
    _SPAN,
    _STAGE_WEIGHTS,
    _STATE_WEIGHTS,
    _STEP_KINDS,
    _TASK_FORCES,
    _TITLE_STEMS,
    _TITLES,
    _VICE_MAYOR,
    _YEAR,
    CALENDAR_2020,
    SAMPLE_POLICY,
)

if TYPE_CHECKING:
    import enum
    from collections.abc import Sequence

    from projpush.schedule import WorkingCalendar

np: Any = require("numpy", extra="engine", user="projpush.engine")
pa: Any = require("pyarrow", extra="engine", user="projpush.engine")
pc: Any = require("pyarrow.compute", extra="engine", user="projpush.engine")

__all__ = ["synthetic_tables"]

_D = dt.date
_OFFICE: Final = "市重点办"
# random.Random.normalvariate's constant, computed as the random module computes it.
_NV_MAGICCONST: Final = 4 * math.exp(-0.5) / math.sqrt(2.0)
_MT_WORDS: Final = 624
_FAST_MONEY: Final = 2**63 // 5**12

# Codes in enum definition order, as the tables store them.
_PLANNED, _RESERVED, _BUILDING, _SUSPENDED, _COMPLETED = range(5)
_PROVINCE, _CITY, _COUNTY, _TOWN = range(4)
# The steps of a synthetic history, by the state it leads to (numbers into synth's _STEP_KINDS).
_STEPS_BY_STATE: Final = {
    IssueState.COLLECTED: (0,),
    IssueState.ASSIGNED: (0, 1),
    IssueState.IN_PROGRESS: (0, 1, 2),
    IssueState.PAUSED: (0, 1, 2, 3),
    IssueState.ESCALATED: (0, 1, 2, 4, 5),
    IssueState.RESOLVED: (0, 1, 2, 6),
    IssueState.CLOSED: (0, 1, 2, 6, 7),
}
_GROUP_SIZES: Final = (1, 1, 1, 2, 2, 3)  # synth's rng.choice of a secretary's group
_MAYOR: Final = "王建国"  # synth's leaders() gives him every province-level project too


def synthetic_tables(
    n_projects: int,
    *,
    seed: int = 0,
    issues_per_project: int = 3,
    year: int = _YEAR,
    as_of: dt.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> LedgerTables:
    """The ledger of :func:`~projpush.synth.synthetic_portfolio`, made directly as tables.

    Takes the same arguments and raises the same errors; the result equals
    ``from_portfolio(synthetic_portfolio(...))`` table for table
    (``Table.equals``), so :func:`~projpush.engine.to_portfolio` of it is
    the same portfolio, which passes every rule of the model. A million
    projects take 12–16 s, against about 17 s per 100,000 for the objects
    (``docs/performance.md``).

    Args:
        n_projects: how many projects (0 to 5,000,000).
        seed: the seed of the :class:`random.Random` the objects would be drawn from.
        issues_per_project: issues per project on average.
        year: the plan year.
        as_of: the date the ledger stands at; by default 31 October of ``year``.
        calendar: the working-day calendar for deadlines; by default
            :data:`~projpush.synth.CALENDAR_2020`, which covers 2020 only.

    Raises:
        ValidationError: a count is out of range, or ``as_of`` is not in ``year``.
        CalendarCoverageError: ``calendar`` has no data for ``year``.

    >>> tables = synthetic_tables(200, seed=1)
    >>> tables.projects.num_rows, tables.issues.num_rows
    (200, 600)
    """
    if isinstance(n_projects, bool) or not isinstance(n_projects, int):
        raise ValidationError.about("n_projects", "a whole number from 0 to 5000000", n_projects)
    if not 0 <= n_projects <= 5_000_000:
        raise ValidationError.about("n_projects", "a whole number from 0 to 5000000", n_projects)
    if isinstance(issues_per_project, bool) or not isinstance(issues_per_project, int):
        raise ValidationError.about("issues_per_project", "a whole number >= 0", issues_per_project)
    if issues_per_project < 0:
        raise ValidationError.about("issues_per_project", "a whole number >= 0", issues_per_project)
    as_of = _D(year, 10, 31) if as_of is None else as_of
    if as_of.year != year:
        raise ValidationError.about("as_of", f"a date in {year}", as_of)
    cal = CALENDAR_2020 if calendar is None else calendar
    if year not in cal.years:
        name = getattr(cal, "name", type(cal).__name__)
        msg = (
            f"calendar: {name} has no working-day data for {year} "
            f"(covers {cal.years.start}–{cal.years.stop - 1}); pass a calendar covering it"
        )
        raise CalendarCoverageError(msg, field="calendar", expected=f"data for {year}", got=name)
    build = _Build(random.Random(seed), year, as_of, cal)  # noqa: S311 (data, not secrets)
    return build.tables(n_projects, issues_per_project)


# --------------------------------------------------------------------------- the random stream


def _bit_generator(rng: random.Random) -> Any:
    """A numpy ``MT19937`` at the state of ``rng``: it yields the same 32-bit words next."""
    state = rng.getstate()[1]
    bits = np.random.MT19937(0)
    key = np.array(state[:_MT_WORDS], np.uint32)
    bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": state[_MT_WORDS]}}
    return bits


def _resume(rng: random.Random, bits: Any) -> None:
    """Set ``rng`` to the state ``bits`` has reached."""
    state = bits.state["state"]
    rng.setstate((3, (*(int(k) for k in state["key"]), int(state["pos"])), None))


def _take(bits: Any, count: int) -> Any:
    """The next ``count`` words of the stream, as uint64 (empty for none)."""
    if count <= 0:
        return np.zeros(0, np.uint64)
    return bits.random_raw(count)


def _peek(bits: Any, count: int) -> Any:
    """The next ``count`` words without consuming them."""
    copy = np.random.MT19937(0)
    copy.state = bits.state
    return _take(copy, count)


def _uniforms(words: Any) -> Any:
    """``random.Random.random()`` of consecutive word pairs: 53 bits, as CPython makes them."""
    high = (words[0::2] >> np.uint64(5)).astype(np.float64)
    low = (words[1::2] >> np.uint64(6)).astype(np.float64)
    return (high * 67108864.0 + low) * (1.0 / 9007199254740992.0)


def _choices(bits: Any, pairs: Sequence[tuple[Any, int]], count: int) -> Any:
    """Indices into ``pairs`` of ``random.Random.choices(cum_weights=...)``, ``count`` of them."""
    cum = np.cumsum([w for _, w in pairs]).astype(np.float64)
    drawn = _uniforms(_take(bits, 2 * count)) * float(cum[-1])
    return np.searchsorted(cum[:-1], drawn, side="right")


def _below_many(bits: Any, bound: int, count: int) -> Any:
    """``count`` draws of ``random.Random.randrange(bound)`` in a row (rejection on top bits)."""
    if count == 0:
        return np.zeros(0, np.int64)
    width = bound.bit_length()
    shift = np.uint64(32 - width)
    size = count * (1 << width) // bound + 64
    while True:
        words = _peek(bits, size)
        top = (words >> shift).astype(np.int64)
        kept = np.flatnonzero(top < bound)
        if len(kept) >= count:
            break
        size *= 2
    _take(bits, int(kept[count - 1]) + 1)
    return top[kept[:count]]


def _project_draws(  # noqa: C901, PLR0912, PLR0915 (one loop, each draw written out)
    rng: random.Random,
    stages: list[int],
    medians: list[int],
    sigmas: list[float],
    through: int,
) -> tuple[Any, Any, Any, Any]:
    """Replay the projects' draws of ``synthetic_portfolio``, in order, into flat arrays.

    The one sequential pass (see the module's docstring). It draws exactly
    what ``_Synth.project`` draws, with ``random.Random``'s own algorithms
    written out: ``lognormvariate`` (Kinderman and Monahan's ratio of
    uniforms) and ``randint``/``randrange`` (``getrandbits`` of the bound's
    bit length, redrawn while too large). Returns the total investment of
    every project; nine whole numbers per project with a plan (code year
    offset, start year offset, month and day, stop or completion month and
    day, plan share, the lag or gap draw, milestone variant); the actuals
    draw of each; and the per-mille draws of the reported months, flat.
    """
    rnd, bits = rng.random, rng.getrandbits
    log, exp = math.log, math.exp
    wide = max(1, through)
    wide_bits = wide.bit_length()
    totals, ints, draws, per_mille = array("q"), array("q"), array("d"), bytearray()
    total, numbers, draw, mille = totals.append, ints.extend, draws.append, per_mille.extend
    for stage, median, sigma in zip(stages, medians, sigmas, strict=True):
        while True:
            u1 = rnd()
            u2 = 1.0 - rnd()
            z = _NV_MAGICCONST * (u1 - 0.5) / u2
            if z * z / 4.0 <= -log(u2):
                break
        total(max(500, int(median * exp(0 + z * sigma))))
        if stage < _BUILDING:
            continue
        reg = bits(3)
        while reg >= 4:
            reg = bits(3)
        years = bits(2)
        while years >= 3:
            years = bits(2)
        month = bits(4)
        while month >= 12:
            month = bits(4)
        day = bits(5)
        while day >= 28:
            day = bits(5)
        stop = stop_day = -1
        last = 12
        if stage != _BUILDING:
            stop = bits(wide_bits)
            while stop >= wide:
                stop = bits(wide_bits)
            stop_day = bits(5)
            while stop_day >= 28:
                stop_day = bits(5)
            if stage == _COMPLETED:
                # Drawn up to the last complete month, a completion never falls after
                # ``as_of`` in a later month: the plan ends in the month drawn.
                last = stop + 1
        share = bits(5)
        while share >= 31:
            share = bits(5)
        actual = rnd()
        months = min(last, through)
        extra = 0
        reported = months
        if stage != _SUSPENDED and actual >= 0.10:
            if actual < 0.18:
                extra = bits(2)
                while extra >= 3:
                    extra = bits(2)
                extra += 2
            elif actual < 0.23 and months:
                width = months.bit_length()
                extra = bits(width)
                while extra >= months:
                    extra = bits(width)
                extra += 1
                reported -= 1
        # One random() per reported month: the same two words each, taken in one call.
        mille(bits(64 * reported).to_bytes(8 * reported, "little"))
        variant = bits(3)
        while variant >= 4:
            variant = bits(3)
        numbers(
            (reg, years + 1, month + 1, day + 1, stop + 1, stop_day + 1, share + 10, extra, variant)
        )
        draw(actual)
    return (
        np.frombuffer(totals, np.int64) if totals else np.zeros(0, np.int64),
        np.frombuffer(ints, np.int64).reshape(-1, 9) if ints else np.zeros((0, 9), np.int64),
        np.frombuffer(draws, np.float64) if draws else np.zeros(0, np.float64),
        _uniforms(np.frombuffer(bytes(per_mille), "<u4").astype(np.uint64)),
    )


def _groups(words: Any, accept_a: Any, accept_b: Any, sizes: Any, n: int) -> Any | None:
    """The groups of (draw A, then draw B) in ``words`` that cover ``n`` projects.

    A draw takes words until one is accepted. Where a group starting at word
    ``p`` ends, ``g(p)``, is made for every ``p`` at once; its orbit from
    word 0 is built by doubling (the first 2^k starts, then their images
    under g^(2^k)). Returns the positions of each group's accepted A and B
    words, or None when ``words`` runs out first.
    """
    m = len(words)
    end = m + 1  # "past the words"
    where = np.arange(m, dtype=np.int64)

    def next_accepted(accept: Any) -> Any:
        out = np.full(m + 2, end, np.int64)
        out[:m] = np.minimum.accumulate(np.where(accept, where, end)[::-1])[::-1]
        return out

    next_a, next_b = next_accepted(accept_a), next_accepted(accept_b)
    b_of = next_b[np.minimum(next_a + 1, end)]
    one = np.where(b_of >= m, end, b_of + 1)  # g
    step = one
    starts = np.zeros(1, np.int64)
    while True:
        whole = starts[one[starts] <= m]  # groups whose two draws lie in ``words``
        a_at = next_a[whole]
        covered = np.cumsum(sizes[(words[a_at] >> np.uint64(29)).astype(np.int64)])
        if len(covered) and covered[-1] >= n:
            count = int(np.searchsorted(covered, n)) + 1
            return a_at[:count], next_b[a_at[:count] + 1]
        if len(whole) < len(starts):
            return None
        starts = np.concatenate([starts, step[starts]])
        step = step[step]


def _done(plan: Any, lag: Any, reported: Any, unreported: Any, per_mille: Any) -> Any:
    """Monthly completed amounts, as synth's ``_cumulative_done`` makes them, month by month.

    A reported month brings the running total to 100–104 % of the plan to
    date (100–101.5 % before a lagging month), a lagging one to 80–93 %,
    never backwards; each draws the next of its project's ``per_mille``.
    """
    nb = len(plan)
    counts = reported.sum(axis=1)
    offset = np.cumsum(counts) - counts
    done = np.zeros((nb, 12), np.int64)
    cum_plan = np.zeros(nb, np.int64)
    cum_done = np.zeros(nb, np.int64)
    for k in range(12):
        cum_plan += plan[:, k]
        active = reported[:, k]
        if not active.any():
            continue
        j = k - ((unreported > 0) & (k + 1 > unreported))
        u = per_mille[np.where(active, offset + j, 0)]
        next_lag = lag[:, k + 1] if k < 11 else np.zeros(nb, bool)
        low_share = 800 + (u * 131).astype(np.int64)
        high_share = 1000 + (u * np.where(next_lag, 16, 41)).astype(np.int64)
        behind = np.maximum(cum_done, cum_plan * low_share // 1000)
        ahead = np.maximum(np.maximum(cum_done, cum_plan), cum_plan * high_share // 1000)
        target = np.where(lag[:, k], behind, ahead)
        done[:, k] = np.where(active, target - cum_done, 0)
        cum_done = np.where(active, target, cum_done)
    return done


# --------------------------------------------------------------------------- column helpers


def _codes(cls: type[enum.Enum], items: Sequence[Any]) -> Any:
    """Enum codes (definition order) of ``items``, as an int64 look-up array."""
    members = list(cls)
    return np.array([members.index(item) for item in items], np.int64)


def _enum(cls: type[enum.Enum], codes: Any, mask: Any = None) -> Any:
    indices = pa.array(np.asarray(codes, np.int8), pa.int8(), mask=mask)
    dictionary = pa.array([m.value for m in cls], pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def _text(values: Sequence[str]) -> Any:
    return pa.array(list(values), pa.string())


def _pick(values: Sequence[str] | Any, index: Any, mask: Any = None) -> Any:
    """``values[index]`` as a string array; null where ``mask`` is set."""
    source = values if isinstance(values, pa.Array) else _text(values)
    return source.take(pa.array(np.asarray(index, np.int64), pa.int64(), mask=mask))


def _number(values: Any, width: int = 0) -> Any:
    """Whole numbers as text, zero-padded to ``width``."""
    text = pa.array(np.asarray(values, np.int64)).cast(pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def _join(*parts: Any, sep: str = "") -> Any:
    return pc.binary_join_element_wise(*parts, sep)


def _dates(days: Any, mask: Any = None) -> Any:
    return pa.array(np.asarray(days, np.int32), pa.int32(), mask=mask).view(pa.date32())


def _money(amounts: Any, mask: Any = None) -> Any:
    """Whole 万元 as ``decimal128(38, 12)``: the 128-bit integers (amount × 10^12) made in numpy.

    ``amount × 5^12`` fits in 64 bits below :data:`_FAST_MONEY`; shifted 12 bits
    left across two words it is ``amount × 10^12``. Larger amounts take Arrow's cast.
    """
    values = np.asarray(amounts, np.int64)
    slow = sys.byteorder != "little"  # the two words below are laid out little-endian
    if slow or (len(values) and (values.min() < 0 or values.max() >= _FAST_MONEY)):
        return pa.array(values, pa.int64(), mask=mask).cast(MONEY)
    scaled = values.astype(np.uint64) * np.uint64(5**12)
    if mask is not None:
        scaled[mask] = 0
    words = np.empty((len(values), 2), np.uint64)
    words[:, 0] = scaled << np.uint64(12)
    words[:, 1] = scaled >> np.uint64(52)
    valid = None if mask is None else pa.array(~np.asarray(mask, bool)).buffers()[1]
    nulls = 0 if mask is None else int(np.count_nonzero(mask))
    return pa.Array.from_buffers(MONEY, len(values), [valid, pa.py_buffer(words)], nulls)


def _seq_within(counts: Any) -> Any:
    """0, 1, ... within each run of ``counts`` rows."""
    counts = np.asarray(counts, np.int64)
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts


def _table(table: str, /, **columns: Any) -> Any:
    fields = schema(table)
    return pa.Table.from_arrays([columns[f.name] for f in fields], schema=fields)


def _constant(value: str, count: int) -> Any:
    """``value`` ``count`` times, its buffers made directly."""
    data = value.encode()
    if count * len(data) >= 2**31:
        return _pick([value], np.zeros(count, np.int64))
    offsets = np.arange(count + 1, dtype=np.int32) * np.int32(len(data))
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data * count)]
    )


# --------------------------------------------------------------------------- the build


class _Build:
    """One synthetic ledger's draws and columns."""

    def __init__(self, rng: random.Random, year: int, as_of: dt.date, cal: WorkingCalendar) -> None:
        self.rng = rng
        self.year = year
        self.as_of = as_of
        last = last_complete_month(as_of)
        self.through = last.month if last.year == year else 0
        first = _D(year, 1, 1)
        days = [first + dt.timedelta(days=k) for k in range((_D(year, 12, 31) - first).days + 1)]
        workdays = [d for d in days if cal.is_working_day(d)]
        self.workdays = np.array([epoch_day(d) for d in workdays], np.int64)
        limit = min(as_of, _D(year, 11, 30))
        self.last = max(0, sum(d <= limit for d in workdays) - 1)
        self.month_start = np.array([epoch_day(_D(year, m, 1)) for m in range(1, 13)], np.int64)

    def day(self, year_offset: Any, month: Any, day: Any) -> Any:
        """``date32`` numbers of (year − offset, month, day), offsets 0..3, days 1..28."""
        table = np.array(
            [[epoch_day(_D(self.year - k, m, 1)) for m in range(1, 13)] for k in range(4)],
            np.int64,
        )
        return table[year_offset, month - 1] + day - 1

    def tables(self, n: int, per_project: int) -> LedgerTables:
        bits = _bit_generator(self.rng)
        level_items, cat_items, stage_items = (
            [item for item, _ in pairs]
            for pairs in (_LEVEL_WEIGHTS, _CATEGORY_WEIGHTS, _STAGE_WEIGHTS)
        )
        level = _codes(Level, level_items)[_choices(bits, _LEVEL_WEIGHTS, n)]
        category = _codes(Category, cat_items)[_choices(bits, _CATEGORY_WEIGHTS, n)]
        stage = _codes(Stage, stage_items)[_choices(bits, _STAGE_WEIGHTS, n)]
        region = _below_many(bits, len(_REGIONS), n)
        _resume(self.rng, bits)
        projects = self.projects(level, category, stage, region)
        bits = _bit_generator(self.rng)
        issues = self.issues(bits, projects, n * per_project if n else 0)
        secretaries = self.secretaries(bits, projects)
        made = {
            **projects.tables,
            **self.leaders(projects),
            **secretaries,
            **issues,
            **self.units(projects),
            **self.task_forces(projects),
        }
        empty = {name: schema(name).empty_table() for name in TABLES if name not in made}
        return LedgerTables(**made, **empty)

    # ---- projects

    def projects(self, level: Any, category: Any, stage: Any, region: Any) -> _Projects:
        n, year = len(level), self.year
        medians = np.array([_SIZE[lv][0] for lv in Level], np.int64)[level]
        sigmas = np.array([_SIZE[lv][1] for lv in Level], np.float64)[level]
        totals, ints, draws, per_mille = _project_draws(
            self.rng,
            stage.tolist(),
            medians.tolist(),
            sigmas.tolist(),
            self.through,
        )
        index = np.arange(n, dtype=np.int64)
        built = stage >= _BUILDING
        local = (stage == _PLANNED) & (index % 2 == 1)
        # The code: registration year, division, sector, type and serial.
        reg = np.full(n, year, np.int64)
        reg[built] -= ints[:, 0]
        block, serial = np.divmod(index, 999_999)
        reg -= 4 * block
        city = (level == _PROVINCE) | (level == _CITY)
        divisions = [code for _, code in _REGIONS] + [_CITY_DIVISION]
        division = np.where(city, len(_REGIONS), region)
        sectors = [_SECTOR[c] for c in Category]
        self.check_years(
            reg=reg,
            local=local,
            division=division,
            category=category,
            serial=serial,
            divisions=divisions,
            sectors=sectors,
        )
        code = _join(
            _number(reg),
            _pick(divisions, division),
            _pick([s for s, _ in sectors], category),
            _pick([k for _, k in sectors], category),
            _number(serial + 1, 6),
            sep="-",
        )
        local_id = _join(_constant(f"MH-{year}", n), _number(index + 1, 6), sep="-")
        local_mask = pa.array(local)
        key = pc.if_else(local_mask, local_id, code)
        names = [name for name, _ in _REGIONS]
        stems = [stem for c in Category for stem in _TITLE_STEMS[c]]
        title = _join(
            _pick(names, region),
            _pick(stems, category * 4 + index % 4),
            _number(index + 1),
            _constant("号", n),
        )
        governments = [f"{name}人民政府" for name in names]
        local_unit = (level == _COUNTY) | (level == _TOWN)
        unit = _pick(
            governments + list(_DEPARTMENTS[:15]), np.where(local_unit, region, 8 + index % 15)
        )
        projects = _table(
            "projects",
            seq=pa.array(index.astype(np.int32)),
            key=key,
            code=pc.if_else(local_mask, pa.nulls(n, pa.string()), code),
            local_id=pc.if_else(local_mask, local_id, pa.nulls(n, pa.string())),
            name=title,
            level=_enum(Level, level),
            category=_enum(Category, category),
            stage=_enum(Stage, stage),
            region=_pick(names, region),
            unit=unit,
            owner=pa.nulls(n, pa.string()),
            total_investment=_money(totals),
            task_force=pa.nulls(n, pa.string()),
        )
        out = _Projects(
            key=key,
            level=level,
            category=category,
            stage=stage,
            region=region,
            tables={"projects": projects},
        )
        rows = np.flatnonzero(built)
        keys = key.take(pa.array(rows))
        self.plans(out, rows, keys, totals[rows] * ints[:, 6] // 100, ints, draws, per_mille)
        self.stage_events(out, rows, keys, ints)
        self.milestones(out, keys, category[rows], ints[:, 8])
        return out

    def check_years(
        self,
        *,
        reg: Any,
        local: Any,
        division: Any,
        category: Any,
        serial: Any,
        divisions: list[str],
        sectors: list[tuple[str, str]],
    ) -> None:
        """Refuse, as ``ProjectCode`` does, a registration year outside 1990–2200."""
        bad = np.flatnonzero(~local & ((reg < 1990) | (reg > 2200)))
        if len(bad):
            i = int(bad[0])
            sector, kind = sectors[int(category[i])]
            ProjectCode(
                str(reg[i]), divisions[int(division[i])], sector, kind, f"{serial[i] + 1:06d}"
            )

    def plans(  # noqa: PLR0917 (the columns of one step, passed on)
        self, p: _Projects, rows: Any, keys: Any, annual: Any, ints: Any, draws: Any, per_mille: Any
    ) -> None:
        """Annual plans, and monthly plans and actuals, of the projects at ``rows``."""
        nb = len(rows)
        stage = p.stage[rows]
        stop, extra = ints[:, 4], ints[:, 7]
        last = np.where(stage == _COMPLETED, stop, 12)
        # The annual plan, spread over months 1..last by the seasonal weights; the
        # rounding rest goes to the last month.
        weights = np.array(_MONTH_WEIGHTS, np.int64)
        months = np.arange(1, 13, dtype=np.int64)[None, :]
        in_plan = months <= last[:, None]
        weight_sum = np.cumsum(weights)[last - 1]
        plan = np.where(in_plan, annual[:, None] * weights[None, :] // weight_sum[:, None], 0)
        head = np.where(months < last[:, None], plan, 0).sum(axis=1)
        plan[np.arange(nb), last - 1] = annual - head
        # The actuals: the lagging months and the gap drawn, then the running totals.
        upto = np.minimum(self.through, last)
        suspended = stage == _SUSPENDED
        lag_pair = ~suspended & (draws < 0.10)
        lag_run = ~suspended & (draws >= 0.10) & (draws < 0.18)
        gap = ~suspended & (draws >= 0.18) & (draws < 0.23) & (upto > 0)
        lag = (
            (suspended[:, None] & (months >= stop[:, None]))
            | (lag_pair[:, None] & ((months == upto[:, None] - 1) | (months == upto[:, None])))
            | (lag_run[:, None] & (months >= (upto - extra)[:, None]) & (months <= upto[:, None]))
        )
        unreported = np.where(gap, extra, 0)
        reported = (months <= upto[:, None]) & (months != unreported[:, None])
        done = _done(plan, lag, reported, unreported, per_mille)
        row, col = np.nonzero(in_plan)
        p.tables["annual_plans"] = _table(
            "annual_plans",
            key=keys,
            year=pa.array(np.full(nb, self.year, np.int16)),
            plan=_money(annual),
        )
        p.tables["monthly"] = _table(
            "monthly",
            key=keys.take(pa.array(row)),
            month=_dates(self.month_start[col]),
            plan=_money(plan[row, col]),
            done=_money(done[row, col], mask=~reported[row, col]),
        )

    def stage_events(self, p: _Projects, rows: Any, keys: Any, ints: Any) -> None:
        """Started, and suspended or completed on a day up to ``as_of``."""
        stage = p.stage[rows]
        started = self.day(ints[:, 1], ints[:, 2], ints[:, 3])
        stop, stop_day = np.maximum(ints[:, 4], 1), np.maximum(ints[:, 5], 1)
        stopped = np.minimum(self.day(0, stop, stop_day), epoch_day(self.as_of))
        kinds = _codes(StageEventKind, (StageEventKind.SUSPENDED, StageEventKind.COMPLETED))
        count = np.where(stage == _BUILDING, 1, 2)
        owner = np.repeat(np.arange(len(rows)), count)
        second = _seq_within(count) == 1
        p.tables["stage_events"] = _table(
            "stage_events",
            key=keys.take(pa.array(owner)),
            seq=pa.array(second.astype(np.int32)),
            kind=_enum(
                StageEventKind,
                np.where(second, kinds[(stage[owner] == _COMPLETED).astype(np.int64)], 0),
            ),
            on=_dates(np.where(second, stopped[owner], started[owner])),
            note=_constant("", len(owner)),
        )

    def milestones(self, p: _Projects, keys: Any, category: Any, variant: Any) -> None:
        """Two node tasks each, shared by many projects: on time, late, overdue or open."""
        year, as_of = self.year, self.as_of
        nb = len(category)
        due1, due2, start = _D(year, 4, 30), _D(year, 9, 30), _D(year, 1, 1)
        later = min(as_of, due2 + dt.timedelta(days=20))
        names = [name for c in Category for name in _MILESTONES[c][1:3]]
        name = np.stack([category * 2, category * 2 + 1], axis=1).ravel()
        open_two = (variant == 0) | (as_of < due2)
        two_done = np.where(variant == 1, epoch_day(due2), epoch_day(later))
        two_open = open_two | (variant == 3)
        percent = np.where(open_two, 50, 70)
        one_done = epoch_day(due1)
        done = np.stack([np.full(nb, one_done), two_done], axis=1).ravel()
        done_null = np.stack([np.full(nb, as_of < due1), two_open], axis=1).ravel()
        pct = np.stack([np.zeros(nb, np.int64), percent], axis=1).ravel()
        pct_null = np.stack([np.ones(nb, bool), ~two_open], axis=1).ravel()
        p.tables["milestones"] = _table(
            "milestones",
            key=keys.take(pa.array(np.repeat(np.arange(nb), 2))),
            seq=pa.array(np.tile(np.array([0, 1], np.int32), nb)),
            name=_pick(names, name),
            planned=_dates(np.tile([epoch_day(due1), epoch_day(due2)], nb)),
            start=_dates(np.tile([epoch_day(start), epoch_day(due1)], nb)),
            done=_dates(done, mask=done_null),
            percent=_money(pct, mask=pct_null),
            unit=pa.nulls(2 * nb, pa.string()),
        )

    # ---- people

    def leaders(self, p: _Projects) -> dict[str, Any]:
        """The guarantor leaders, down to a town leader for every four town projects.

        City leaders by category (the mayor on every province project too), then
        district leaders by region in order of first use.
        """
        n = len(p.level)
        index = np.arange(n, dtype=np.int64)
        names: list[str] = []
        ranks: list[LeaderRank] = []
        roles: list[str] = []
        groups: list[Any] = []
        city = (p.level == _PROVINCE) | (p.level == _CITY)
        vice = {_VICE_MAYOR[c]: k for k, c in enumerate(Category)}
        for name, role in _CITY_LEADERS:
            if name in vice:
                served = city & (p.category == vice[name])
            else:
                served = (p.level == _PROVINCE) & (name == _MAYOR)
            names.append(name)
            ranks.append(LeaderRank.CITY)
            roles.append(role)
            groups.append(index[served])
        county = index[p.level == _COUNTY]
        regions, first = np.unique(p.region[county], return_index=True)
        for r in regions[np.argsort(first)]:
            names.append(f"{_REGIONS[r][0]}区县领导")
            ranks.append(LeaderRank.DISTRICT)
            roles.append("副区长")
            groups.append(county[p.region[county] == r])
        town = index[p.level == _TOWN]
        town_groups = (len(town) + 3) // 4
        count = np.array([len(g) for g in groups] + [4] * town_groups, np.int64)
        if town_groups:
            count[-1] = len(town) - 4 * (town_groups - 1)
        head = len(names)
        leader = np.repeat(np.arange(head + town_groups), count)
        served_rows = np.concatenate([*groups, town])
        leader_names = _text(names)
        if town_groups:
            numbers = _number(np.arange(1, town_groups + 1), 5)
            leader_names = pa.concat_arrays(
                [leader_names, _join(_constant("乡镇领导", town_groups), numbers)]
            )
        rank_codes = np.concatenate(
            [
                _codes(LeaderRank, ranks),
                np.full(town_groups, list(LeaderRank).index(LeaderRank.TOWN)),
            ]
        )
        all_roles = pa.concat_arrays([_text(roles), _constant("镇长", town_groups)])
        total = head + town_groups
        return {
            "leaders": _table(
                "leaders",
                seq=pa.array(np.arange(total, dtype=np.int32)),
                name=leader_names,
                rank=_enum(LeaderRank, rank_codes),
                role=all_roles,
            ),
            "leader_projects": _table(
                "leader_projects",
                leader=leader_names.take(pa.array(leader)),
                seq=pa.array(_seq_within(count).astype(np.int32)),
                project=p.key.take(pa.array(served_rows.astype(np.int64))),
            ),
        }

    def secretaries(self, bits: Any, p: _Projects) -> dict[str, Any]:
        """A secretary for each run of one to three projects, with one recent visit."""
        n = len(p.level)
        if n == 0:
            return {}
        low = max(0, self.last - 15)
        wide = self.last - low + 1
        width = wide.bit_length()
        sizes = np.array(_GROUP_SIZES, np.int64)
        per_group = 8 / 6 + (1 << width) / wide
        size = int(n * 0.6 * per_group * 1.1) + 256
        while True:
            words = _peek(bits, size)
            accept_a = (words >> np.uint64(29)) < 6
            accept_b = (words >> np.uint64(32 - width)) < wide
            found = _groups(words, accept_a, accept_b, sizes, n)
            if found is not None:
                break
            size *= 2
        a_at, b_at = found
        group = sizes[(words[a_at] >> np.uint64(29)).astype(np.int64)]
        first = np.cumsum(group) - group
        group = np.minimum(group, n - first)
        contact = low + (words[b_at] >> np.uint64(32 - width)).astype(np.int64)
        g = len(a_at)
        name = _join(_constant("服务秘书", g), _number(np.arange(1, g + 1), 6))
        names = [f"{region}发改局" for region, _ in _REGIONS]
        owner = np.repeat(np.arange(g), group)
        province = np.flatnonzero(p.level == _PROVINCE)
        cadence = pa.table(
            {
                "secretary": pa.array(owner[province]),
                "project": p.key.take(pa.array(province)),
            }
        )
        cadence = cadence.take(
            pc.sort_indices(cadence, [("secretary", "ascending"), ("project", "ascending")])
        )
        daily = list(Cadence).index(Cadence.DAILY)
        return {
            "secretaries": _table(
                "secretaries",
                seq=pa.array(np.arange(g, dtype=np.int32)),
                name=name,
                unit=_pick(names, p.region[first]),
                default_cadence=_enum(Cadence, np.full(g, list(Cadence).index(Cadence.WEEKLY))),
            ),
            "secretary_projects": _table(
                "secretary_projects",
                secretary=name.take(pa.array(owner)),
                seq=pa.array(_seq_within(group).astype(np.int32)),
                project=p.key,
            ),
            "secretary_cadences": _table(
                "secretary_cadences",
                secretary=name.take(cadence["secretary"].combine_chunks()),
                project=cadence["project"].combine_chunks(),
                cadence=_enum(Cadence, np.full(cadence.num_rows, daily)),
            ),
            "contacts": _table(
                "contacts",
                secretary=name,
                seq=pa.array(np.zeros(g, np.int32)),
                project=p.key.take(pa.array(first)),
                on=_dates(self.workdays[contact]),
                mode=_constant("visit", g),
                note=_constant("", g),
            ),
        }

    def units(self, p: _Projects) -> dict[str, Any]:
        """The departments, then the district governments in order of first use."""
        local = np.flatnonzero((p.level == _COUNTY) | (p.level == _TOWN))
        seen, first = np.unique(p.region[local], return_index=True)
        order = [int(r) for r in seen[np.argsort(first)]]
        order += [r for r in range(len(_REGIONS)) if r not in order]
        names = list(_DEPARTMENTS) + [f"{_REGIONS[r][0]}人民政府" for r in order]
        regions = [None] * len(_DEPARTMENTS) + [_REGIONS[r][0] for r in order]
        kinds = ["department"] * len(_DEPARTMENTS) + ["district"] * len(order)
        return {
            "units": _table(
                "units",
                seq=pa.array(np.arange(len(names), dtype=np.int32)),
                name=_text(names),
                region=pa.array(regions, pa.string()),
                kind=_text(kinds),
            )
        }

    def task_forces(self, p: _Projects) -> dict[str, Any]:
        """Six task forces; every third project joins the next one in turn."""
        n = len(p.level)
        names = [name for name, _ in _TASK_FORCES]
        leads = [lead for _, lead in _TASK_FORCES]
        member = np.arange(0, n, 3, dtype=np.int64)
        force = member // 3 % len(names)
        order = np.argsort(force, kind="stable")
        count = np.bincount(force, minlength=len(names))
        text = _text(names)
        return {
            "task_forces": _table(
                "task_forces",
                seq=pa.array(np.arange(len(names), dtype=np.int32)),
                name=text,
                lead=_text(leads),
            ),
            "task_force_members": _table(
                "task_force_members",
                task_force=text,
                seq=pa.array(np.zeros(len(names), np.int32)),
                member=_text(leads),
            ),
            "task_force_projects": _table(
                "task_force_projects",
                task_force=text.take(pa.array(force[order])),
                seq=pa.array(_seq_within(count).astype(np.int32)),
                project=p.key.take(pa.array(member[order])),
            ),
        }

    # ---- issues

    def issues(self, bits: Any, p: _Projects, count: int) -> dict[str, Any]:
        """The problem list: ``synth``'s issues and their histories, every draw a column."""
        if count == 0:
            return {}
        n, year = len(p.level), self.year
        cat_items = [item for item, _ in _ISSUE_CATEGORY_WEIGHTS]
        state_items = [item for item, _ in _STATE_WEIGHTS]
        category = _codes(IssueCategory, cat_items)[_choices(bits, _ISSUE_CATEGORY_WEIGHTS, count)]
        state = _codes(IssueState, state_items)[_choices(bits, _STATE_WEIGHTS, count)]
        states = list(IssueState)
        paused = state == states.index(IssueState.PAUSED)
        resolves = (state == states.index(IssueState.RESOLVED)) | (
            state == states.index(IssueState.CLOSED)
        )
        # Each issue draws its project, difficulty, collection day and collector, then
        # the party of a pause or the days to resolve: four or five random() calls.
        draws = 4 + paused.astype(np.int64) + resolves
        start = np.cumsum(draws) - draws
        u = _uniforms(_take(bits, 2 * int(draws.sum())))
        project = (u[start] * n).astype(np.int64)
        hard = u[start + 1] < 0.25
        r = u[start + 2]
        actor = (u[start + 3] * len(_ACTORS)).astype(np.int64)
        fifth = u[np.minimum(start + 4, len(u) - 1)]
        party = np.where(paused, (fifth * len(_PARTIES)).astype(np.int64), 0)
        settle = np.where(resolves, (fifth * 8).astype(np.int64), 0)
        del u, fifth, start, draws
        # Owners: the region's government, or the unit of the issue's category.
        governments = [f"{name}人民政府" for name, _ in _REGIONS]
        units = list(dict.fromkeys(_ISSUE_UNIT.get(c, _OFFICE) for c in IssueCategory))
        unit_of = np.array([units.index(_ISSUE_UNIT.get(c, _OFFICE)) for c in IssueCategory])
        level = p.level[project]
        demolition = list(IssueCategory).index(IssueCategory.DEMOLITION)
        to_government = (category == demolition) | (level == _COUNTY) | (level == _TOWN)
        owner = np.where(to_government, p.region[project], len(governments) + unit_of[category])
        ids = _join(_constant(f"Q{year}", count), _number(np.arange(1, count + 1), 7), sep="-")
        titles = [t for c in IssueCategory for t in _TITLES.get(c, ())]
        title_start = np.cumsum([0] + [len(_TITLES.get(c, ())) for c in IssueCategory])
        title_count = np.array([max(1, len(_TITLES.get(c, ()))) for c in IssueCategory])
        title = title_start[category] + np.arange(count) % title_count[category]
        difficulty = _codes(Difficulty, (Difficulty.GENERAL, Difficulty.DIFFICULT))[
            hard.astype(int)
        ]
        drawn = _Issues(state, hard, r, actor, party, settle, owner, governments + units)
        return {
            "issues": _table(
                "issues",
                seq=pa.array(np.arange(count, dtype=np.int32)),
                id=ids,
                project=p.key.take(pa.array(project)),
                category=_enum(IssueCategory, category),
                title=_pick(titles, title),
                difficulty=_enum(Difficulty, difficulty),
            ),
            "issue_events": self.issue_events(ids, drawn),
        }

    def issue_events(self, ids: Any, d: _Issues) -> Any:
        """The events of synth's ``history_of``, on working-day indices that end by ``as_of``."""
        last, states = self.last, list(IssueState)
        span = np.array([_SPAN.get(s, 14) for s in IssueState], np.int64)[d.state]
        collected = d.state == states.index(IssueState.COLLECTED)
        t0 = np.where(
            collected,
            np.maximum(0, last - (d.r * 4).astype(np.int64)),
            (d.r * (np.maximum(0, last - span) + 1)).astype(np.int64),
        )
        limit = np.where(d.hard, 2, 5)
        t1 = np.minimum(t0 + 1, last)
        t2 = np.minimum(t1 + 1, last)
        t45 = np.minimum(t2 + limit + 1, last)
        t6 = np.minimum(t2 + 1 + d.settle, last)
        times = np.stack(
            [t0, t1, t2, np.minimum(t2 + 1, last), t45, t45, t6, np.minimum(t6 + 2, last)], axis=1
        ).astype(np.int32)
        del t0, t1, t2, t45, t6, span
        steps = np.full((len(states), 5), -1, np.int8)
        for s, row in _STEPS_BY_STATE.items():
            steps[states.index(s), : len(row)] = row
        events = (steps >= 0).sum(axis=1)[d.state]
        issue = np.repeat(np.arange(len(d.state), dtype=np.int32), events)
        seq = _seq_within(events).astype(np.int32)
        step = steps[d.state[issue], seq].astype(np.int64)
        at = times[issue, step]
        del times
        # Each step's kind, states and actor: the collector, the office or the owner.
        kinds = _codes(EventKind, [k for k, _, _ in _STEP_KINDS])
        froms = np.array([-1 if f is None else states.index(f) for _, f, _ in _STEP_KINDS])
        tos = _codes(IssueState, [t for _, _, t in _STEP_KINDS])
        by_owner = np.array([False, False, True, True, False, False, True, False])
        owner = d.owner[issue]
        who = np.where(by_owner[step], len(_ACTORS) + 1 + owner, len(_ACTORS))
        first = step == 0
        who[first] = d.actor[issue[first]]
        assigned, escalated = step == 1, step == 5
        has_deadline = assigned | escalated
        deadline = np.zeros(len(at), np.int64)
        deadline[assigned] = self.workdays[at[assigned] + limit[issue[assigned]]]
        deadline[escalated] = self.workdays[at[escalated] + 10]
        from_state = froms[step]
        e = len(issue)
        return _table(
            "issue_events",
            issue=ids.take(pa.array(issue)),
            seq=pa.array(seq),
            at=_dates(self.workdays[at]),
            kind=_enum(EventKind, kinds[step]),
            actor=_text([*_ACTORS, _OFFICE, *d.owners]).take(pa.array(who)),
            from_state=_enum(IssueState, np.maximum(from_state, 0), mask=from_state < 0),
            to_state=_enum(IssueState, tos[step]),
            note=_constant("", e),
            tier=_pick(["unit", "city_office"], escalated, mask=~has_deadline),
            owner=_pick(
                [*d.owners, _OFFICE], np.where(assigned, owner, len(d.owners)), ~has_deadline
            ),
            deadline=_dates(deadline, mask=~has_deadline),
            sheet=_enum(SheetColor, np.full(e, list(SheetColor).index(SheetColor.RED)), step != 4),
            party=_pick(list(_PARTIES), d.party[issue], mask=step != 3),
            policy=_pick([SAMPLE_POLICY], np.zeros(e, np.int64), mask=~assigned),
        )


@attrs.frozen
class _Issues:
    """The per-issue draws the events are made from."""

    state: Any
    hard: Any
    r: Any
    actor: Any
    party: Any
    settle: Any
    owner: Any  # index into ``owners``
    owners: list[str]


@attrs.frozen(kw_only=True)
class _Projects:
    """The projects' columns the other tables are made from, and the tables made so far."""

    key: Any
    level: Any
    category: Any
    stage: Any
    region: Any
    tables: dict[str, Any]
