"""The profiler's events, their per-name averages and PyTorch's table layout."""
import itertools
import gzip
import json
import os

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList"]

_ids = itertools.count()
_MAX_NAME_WIDTH = 55
_MAX_SHAPES_WIDTH = 80


class FunctionEvent:
    """One timed call (an op or a ``record_function`` range); times in microseconds."""

    def __init__(self, name, thread, start_us, end_us, input_shapes=None):
        self.id = next(_ids)
        self.name = name
        self.thread = thread
        self.time_range_start = start_us
        self.time_range_end = end_us
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.cpu_children = []
        self.cpu_parent = None
        self.count = 1

    @property
    def key(self):
        return self.name

    @property
    def cpu_time_total(self):
        return self.time_range_end - self.time_range_start

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    cpu_time = cpu_time_total

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time="
                f"{_format_time(self.cpu_time_total)} thread={self.thread} "
                f"input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped so) added up."""

    def __init__(self, key, input_shapes=None):
        self.key = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0

    def add(self, event):
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time="
                f"{_format_time(self.self_cpu_time_total)} cpu_time="
                f"{_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events or averages, with PyTorch's ``table`` and ``key_averages``."""

    def __init__(self, events=(), group_by_input_shape=False):
        super().__init__(events)
        self._with_shapes = group_by_input_shape

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape=False):
        groups = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shape else e.key
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key, e.input_shapes if group_by_input_shape
                                               else None)
            groups[key].add(e)
        return EventList(groups.values(), group_by_input_shape)

    def total_average(self):
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=_MAX_NAME_WIDTH, max_shapes_column_width=_MAX_SHAPES_WIDTH,
              header=None, top_level_events_only=False):
        """PyTorch's summary table: self / total CPU time, percentages, calls."""
        events = list(self)
        if sort_by is not None:
            events.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        total = sum(e.self_cpu_time_total for e in self)
        name_w = min(max([len(e.key) for e in self] + [4]) + 4, max_name_column_width)
        headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total",
                   "CPU time avg", "# of Calls"]
        widths = [name_w] + [12] * 6
        if self._with_shapes:
            shapes_w = min(max([len(str(e.input_shapes)) for e in self] + [12]) + 4,
                           max_shapes_column_width)
            headers.append("Input Shapes")
            widths.append(shapes_w)
        line = "".join("-" * w + "  " for w in widths)
        out = [line, "".join(h.rjust(w) + "  " for h, w in zip(headers, widths)), line]
        for e in events[:row_limit] if row_limit > 0 else events:
            name = e.key if len(e.key) <= name_w - 3 else e.key[:name_w - 6] + "..."
            cells = [name, _percent(e.self_cpu_time_total, total),
                     _format_time(e.self_cpu_time_total),
                     _percent(e.cpu_time_total, total), _format_time(e.cpu_time_total),
                     _format_time(e.cpu_time_total / max(e.count, 1)), str(e.count)]
            if self._with_shapes:
                shapes = str(e.input_shapes)
                cells.append(shapes if len(shapes) <= widths[-1] - 3
                             else shapes[:widths[-1] - 6] + "...")
            out.append("".join(c.rjust(w) + "  " for c, w in zip(cells, widths)))
        out += [line, f"Self CPU time total: {_format_time(total)}", ""]
        return "\n".join(out)

    def export_chrome_trace(self, path):
        """Write the events in the Chrome trace-event JSON format (``chrome://tracing``)."""
        pid = os.getpid()
        trace = [{"ph": "X", "cat": "cpu_op", "name": e.name, "pid": pid, "tid": e.thread,
                  "ts": e.time_range_start, "dur": e.cpu_time_total,
                  "args": {"Input Dims": e.input_shapes}} for e in self]
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "wt") as f:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)


def _format_time(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _percent(part, total):
    return f"{(part / total if total else 0) * 100:.2f}%"
