"""What a Timer measured (``Measurement``), what it measured it for (``TaskSpec``), and the
unit / significant-figure helpers that ``Measurement.__repr__`` and ``Compare`` format with.

The statistics are computed with Ember's tensors in the dtypes torch uses for them (quantiles
of the per-run times in float64, the significant-figure estimate in the default float dtype),
so the same raw times give the same numbers as in PyTorch.
"""
import collections
import contextlib
import dataclasses
import textwrap

__all__ = ["TaskSpec", "Measurement", "select_unit", "unit_to_english", "trim_sigfig",
           "ordered_unique", "set_torch_threads"]

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9    # seconds
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25
_Z_90 = 1.645                       # two-sided 90% normal quantile (n is never tiny here)


def _ember():
    import ember
    return ember


@dataclasses.dataclass(frozen=True, repr=False)
class TaskSpec:
    """A Timer's statement and labels (everything but its globals)."""
    stmt: str
    setup: str
    global_setup: str = ""
    label: str = None
    sub_label: str = None
    description: str = None
    env: str = None
    num_threads: int = 1

    @property
    def title(self):
        sub = self.sub_label
        if self.label is not None:
            return self.label + (f": {sub}" if sub else "")
        if "\n" not in self.stmt:
            return self.stmt + (f": {sub}" if sub else "")
        return f"stmt:{f' ({sub})' if sub else ''}\n" + textwrap.indent(self.stmt, "  ")

    def setup_str(self):
        if not self.setup or self.setup == "pass":
            return ""
        if "\n" in self.setup:
            return "setup:\n" + textwrap.indent(self.setup, "  ")
        return f"setup: {self.setup}"

    def summarize(self):
        """The task's lines in a Measurement's repr (a multi-line section ends blank)."""
        parts = (self.title, self.description or "", self.setup_str())
        return "\n".join(p + "\n" if "\n" in p else p for p in parts if p)


_TASK_FIELDS = frozenset(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(repr=False)
class Measurement:
    """``raw_times``: seconds per block of ``number_per_run`` runs of the statement."""
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict = None

    def __post_init__(self):
        self._stats = None      # (sorted per-run times, median, mean, p25, p75, warnings)

    def __getattr__(self, name):
        if name in _TASK_FIELDS:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def times(self):
        """Seconds per run of the statement, one per block."""
        return [t / self.number_per_run for t in self.raw_times]

    def _summary(self):
        if self._stats is None and self.raw_times:
            ember = _ember()
            ordered = tuple(sorted(self.times))
            values = ember.tensor(ordered, dtype=ember.float64)
            q25, median, q75 = values.quantile(
                ember.tensor([0.25, 0.5, 0.75], dtype=ember.float64)).tolist()
            self._stats = (ordered, median, values.mean().item(), q25, q75, ())
            rel = (q75 - q25) / median
            cause = ("This suggests significant environmental influence."
                     if not rel < _IQR_GROSS_WARN_THRESHOLD else
                     "This could indicate system fluctuation."
                     if not rel < _IQR_WARN_THRESHOLD else None)
            if cause:
                warning = (f"  WARNING: Interquartile range is {rel * 100:.1f}% of the median "
                           f"measurement.\n           {cause}")
                self._stats = self._stats[:5] + ((warning,),)
        return self._stats or ((), -1.0, -1.0, -1.0, -1.0, ())

    @property
    def median(self):
        return self._summary()[1]

    @property
    def mean(self):
        return self._summary()[2]

    @property
    def iqr(self):
        s = self._summary()
        return s[4] - s[3]

    @property
    def has_warnings(self):
        return bool(self._summary()[5])

    def meets_confidence(self, threshold=_IQR_WARN_THRESHOLD):
        return self.iqr / self.median < threshold

    @property
    def significant_figures(self):
        """Digits the median can be trusted to: from a 90% confidence interval of the mean of
        the middle half of the times (1 to 4)."""
        ember = _ember()
        ordered = self._summary()[0]
        n = len(ordered)
        middle = ordered[n // 4:int(ember.tensor(3 * n / 4).ceil())]
        std = ember.tensor(middle).std(unbiased=False).item()
        half_width = max(_Z_90 * std / ember.tensor(len(middle)).sqrt().item(),
                         _MIN_CONFIDENCE_INTERVAL)
        digits = int(ember.tensor(ember.tensor(self.median / half_width).log10().item()).floor())
        return min(max(digits, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def title(self):
        return self.task_spec.title

    @property
    def as_row_name(self):
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self):
        ordered, median, _, q25, q75, warnings = self._summary()
        n = len(ordered)
        unit, scale = select_unit(median)
        threads = self.num_threads
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{median / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f"  IQR:    {(q75 - q25) / scale:.2f} {unit} "
                         f"({q25 / scale:.2f} to {q75 / scale:.2f})")
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads} "
                     f"thread{'s' if threads > 1 else ''}")
        lines.extend(warnings)
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements):
        """One Measurement per distinct task, its times those of all the replicates scaled to
        one run each (``number_per_run=1``; metadata is dropped)."""
        groups = collections.defaultdict(list)
        for m in measurements:
            groups[m.task_spec].extend(m.times)
        return [Measurement(number_per_run=1, raw_times=times, task_spec=spec, metadata=None)
                for spec, times in groups.items()]


def select_unit(t):
    """(unit, seconds per unit) that puts ``t`` seconds in the range [1, 1000)."""
    thousands = int(_ember().tensor(t).log10().item() // 3)
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(thousands, "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u):
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x, n):
    """``x`` rounded to ``n`` significant figures (3.14159, 2 -> 3.1)."""
    from .... import _errors
    if n != int(n):
        raise _errors.trim_sigfig_not_int()
    ember = _ember()
    scale = 10 ** (int(ember.tensor(x).abs().log10().ceil().item()) - n)
    return float(ember.tensor(x / scale).round() * scale)


def ordered_unique(elements):
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n):
    """Run the block with Ember's intra-op thread count set to ``n``."""
    ember = _ember()
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(n)
        yield
    finally:
        ember.set_num_threads(before)
