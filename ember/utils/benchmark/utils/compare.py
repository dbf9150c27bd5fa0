"""``Compare``: Measurements laid out as tables, one per label: a row per (threads, env,
sub_label or stmt), a column per description, each cell the median in one unit, with
optional significant-figure trimming, colouring against the best cell and variance marks.
The layout is PyTorch's, character for character."""
import collections
import enum

from . import common

__all__ = ["Colorize", "Compare"]

BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"
_SPREAD_WIDTH = 7      # the " (! XX%)" mark's column


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _leading_digits(x):
    from .... import tensor
    return int(tensor(x).log10().ceil())


def _shade(text, value, best):
    """``text`` coloured by how ``value`` compares with the best (smallest) of its peers."""
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + TERMINATE * 2
    if value >= best * 2:
        return BAD + text + TERMINATE * 2
    return text


class _Column:
    """How one description's cells are formatted: a shared width and number of decimals."""

    def __init__(self, groups, scale, trim, highlight):
        self.groups = groups            # per thread group: this column's cell of each row
        cells = [m for group in groups for m in group if m is not None]
        self.trim = trim
        self.highlight = highlight and any(m.has_warnings for m in cells)
        digits = [_leading_digits(m.median / scale) for m in cells]
        decimals = min(max(m.significant_figures - d, 0)
                       for d, m in zip(digits, cells)) if trim else 1
        width = max(digits) + decimals + (1 if decimals else 0)
        self._number = f"{{:>{width}.{decimals}f}}"
        self._mark = f"{{:>{_SPREAD_WIDTH if self.highlight else 0}}}"

    def cell(self, value, sigfigs, spread):
        if value is None:
            return " " * len(self.cell(1, sigfigs, None))
        if self.trim:
            value = common.trim_sigfig(value, sigfigs)
        mark = f" (! {spread * 100:.0f}%)" if self.highlight and spread is not None else ""
        return self._number.format(value) + self._mark.format(mark)


class _Row:
    def __init__(self, results, group, env_label, thread_header):
        self.results = results          # one Measurement (or None) per column
        self.group = group
        self.env_label = env_label      # "(env)" or ""
        self.thread_header = thread_header

    def cells(self, columns, scale, env_width):
        first = next(m for m in self.results if m is not None)
        out = ["  " + self.env_label.ljust(env_width + 4) + first.as_row_name]
        for m, column in zip(self.results, columns):
            if m is None:
                out.append(column.cell(None, 1, None))
            else:
                out.append(column.cell(m.median / scale, m.significant_figures,
                                       m.iqr / m.median if m.has_warnings else None))
        return out

    def best_medians(self, columns, colorize):
        if colorize is Colorize.ROWWISE:
            return [min(m.median for m in self.results if m is not None)] * len(columns)
        return [min((m.median for m in column.groups[self.group] if m is not None),
                    default=None) for column in columns]


class _Table:
    def __init__(self, results, colorize, trim, highlight):
        from .... import _errors
        if len({r.label for r in results}) != 1:
            raise _errors.compare_mixed_labels()
        self.results, self.colorize, self.highlight = results, colorize, highlight
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        row_keys = common.ordered_unique((r.num_threads, r.env, r.as_row_name) for r in results)
        row_keys.sort(key=lambda key: key[:2])      # stable: statements keep their order
        self.col_keys = common.ordered_unique(r.description for r in results)
        grid = {(r.num_threads, r.env, r.as_row_name, r.description): r for r in results}
        envs = {r.env for r in results}
        show_env = len(envs) > 1
        self.env_width = max(len(e) for e in envs) if show_env else 0
        self.rows, groups = [], []
        prior_threads, prior_env = None, ""
        for threads, env, name in row_keys:
            new_group = threads != prior_threads
            if new_group:
                prior_threads, prior_env = threads, ""
                groups.append([])
            cells = [grid.get((threads, env, name, c)) for c in self.col_keys]
            env_label = f"({env})" if show_env and env != prior_env else ""
            self.rows.append(_Row(cells, len(groups) - 1, env_label,
                                  threads if new_group else None))
            groups[-1].append(cells)
            prior_env = env
        self.columns = [_Column([tuple(row[j] for row in g) for g in groups], self.scale,
                                trim, highlight) for j in range(len(self.col_keys))]

    def render(self):
        table = [[""] + self.col_keys]
        table += [row.cells(self.columns, self.scale, self.env_width) for row in self.rows]
        n_cols = max(len(r) for r in table)
        for r in table:
            r += [""] * (n_cols - len(r))
        widths = [max(len(cell) for cell in col) for col in zip(*table)]
        header = "  |  ".join(c.center(w) for c, w in zip(table[0], widths))
        lines = [header]
        for cells, row in zip(table[1:], self.rows):
            if row.thread_header is not None:
                lines.append(f"{row.thread_header} threads: ".ljust(len(header), "-"))
            lines.append("  |  ".join(self._finish(cells, widths, row)))
        title = f" {self.label or ''} ".center(len(header) - 2, "-")
        warned = self.highlight and any(r.has_warnings for r in self.results)
        note = ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
                if warned else "")
        return (f"[{title}]\n" + "\n".join(lines) + "\n\n" +
                f"Times are in {common.unit_to_english(self.unit)}s ({self.unit}).\n" + note)

    def _finish(self, cells, widths, row):
        out = [cells[0].ljust(widths[0])]
        best = row.best_medians(self.columns, self.colorize) \
            if self.colorize is not Colorize.NONE else [None] * len(self.columns)
        for text, width, m, b in zip(cells[1:], widths[1:], row.results, best):
            text = text.center(width)
            if m is not None and b is not None:
                text = _shade(text, m.median, b)
            out.append(text)
        return out


class Compare:
    """Tables of ``results`` (Measurements; replicates of a task are merged), one per label:
    ``print()`` or ``str()``."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def extend_results(self, results):
        from .... import _errors
        for r in results:
            if not isinstance(r, common.Measurement):
                raise _errors.compare_not_measurement(r)
        self._results.extend(results)

    def trim_significant_figures(self):
        """Show each column to the precision its measurements support."""
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Colour each cell against the best of its column (its row with ``rowwise``)."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Mark cells whose IQR is a large share of their median."""
        self._highlight_warnings = True

    def __str__(self):
        by_label = collections.defaultdict(list)
        for m in common.Measurement.merge(self._results):
            by_label[m.label].append(m)
        return "\n".join(_Table(group, self._colorize, self._trim_significant_figures,
                                self._highlight_warnings).render()
                         for group in by_label.values())

    def print(self):
        print(str(self))
