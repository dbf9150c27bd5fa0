"""torch.utils.benchmark against torch 2.13: Measurement's statistics and repr from the same raw
times, Compare's tables character for character (trimmed, coloured, with variance marks, thread
groups, envs, missing cells), and Timer's semantics (statement clean-up, globals, warm-up and
block counts, thread count during the run, callbacks, errors).  Nothing asserts a duration."""
import pickle

import numpy as np
import pytest

import ember
import ember.utils.benchmark as EB

torch = pytest.importorskip("torch")
import torch.utils.benchmark as TB  # noqa: E402


def _times(seed, n, spread):
    rng = np.random.default_rng(seed)
    return list(np.abs(1e-5 * (1 + spread * rng.standard_normal(n))) + 1e-7)


def _spec(lib, **kw):
    return lib.utils.benchmark.utils.common.TaskSpec(**{"stmt": "x + y", "setup": "pass", **kw})


def _pair(number, times, **kw):
    return (TB.Measurement(number, list(times), _spec(torch, **kw)),
            EB.Measurement(number, list(times), _spec(ember, **kw)))


_SPECS = [dict(), dict(label="add", sub_label="float", description="n=4"),
          dict(stmt="for _ in range(3):\n    x += 1", setup="x = 1\ny = 2", sub_label="loop"),
          dict(stmt="a", setup="b = 1", env="eager", num_threads=4)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 40])
@pytest.mark.parametrize("spread", [0.001, 0.08, 0.3])
@pytest.mark.parametrize("spec", range(len(_SPECS)))
def test_measurement_statistics_and_repr(n, spread, spec):
    tm, em = _pair(100, _times(n, n, spread), **_SPECS[spec])
    for attr in ("median", "mean", "iqr"):
        assert getattr(em, attr) == pytest.approx(getattr(tm, attr), rel=1e-12), attr
    assert em.times == tm.times
    for attr in ("significant_figures", "has_warnings", "title", "env", "as_row_name",
                 "num_threads", "label", "description", "stmt", "setup", "number_per_run"):
        assert getattr(em, attr) == getattr(tm, attr), attr
    for threshold in (0.01, 0.1, 0.5):
        assert em.meets_confidence(threshold) == tm.meets_confidence(threshold)
    assert repr(em).splitlines()[1:] == repr(tm).splitlines()[1:]
    assert repr(em).startswith("<ember.utils.benchmark.utils.common.Measurement object at ")


def test_merge_and_pickle():
    pairs = [_pair(10 * (i + 1), _times(i, 5, 0.1), sub_label=f"s{i % 2}") for i in range(4)]
    tmerged = TB.Measurement.merge([t for t, _ in pairs])
    emerged = EB.Measurement.merge([e for _, e in pairs])
    assert [(m.number_per_run, m.raw_times, m.sub_label) for m in emerged] == \
        [(m.number_per_run, m.raw_times, m.sub_label) for m in tmerged]
    back = pickle.loads(pickle.dumps(emerged[0]))
    assert back == emerged[0] and back.median == emerged[0].median


def test_unit_helpers():
    for t in (3e-9, 4.2e-7, 1.5e-6, 2e-4, 0.07, 3.0, 1234.0):
        assert EB.select_unit(t) == TB.select_unit(t)
    for x, n in ((3.14159, 2), (0.000123456, 3), (98765.4, 1), (1.0, 4)):
        assert EB.trim_sigfig(x, n) == TB.trim_sigfig(x, n)
    assert [EB.unit_to_english(u) for u in ("ns", "us", "ms", "s")] == \
        [TB.unit_to_english(u) for u in ("ns", "us", "ms", "s")]
    assert EB.ordered_unique([3, 1, 3, 2, 1]) == TB.ordered_unique([3, 1, 3, 2, 1])


def _results(lib, seed):
    """Measurements over two labels, two thread counts, two envs, three sub-labels and three
    descriptions, with one cell missing and replicates to merge."""
    rng = np.random.default_rng(seed)
    out = []
    for label in ("add", "matmul"):
        for threads in (1, 4):
            for env in ("base", "new"):
                for sub in ("float", "double", "int"):
                    for j, desc in enumerate(("n=1", "n=64", "n=4096")):
                        if (sub, desc) == ("int", "n=64"):
                            continue
                        scale = 10.0 ** (j * 1.5 - 6) * (1 + 0.5 * (sub == "double"))
                        for _ in range(2):
                            noise = 0.02 if desc != "n=1" else 0.4
                            times = list(scale * (1 + noise * rng.standard_normal(6)) ** 2)
                            spec = _spec(lib, stmt=f"{label}(x)", label=label, sub_label=sub,
                                         description=desc, env=env, num_threads=threads)
                            out.append(lib.utils.benchmark.Measurement(10, times, spec))
    return out


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("trim", [False, True])
@pytest.mark.parametrize("colorize", [None, "columnwise", "rowwise"])
@pytest.mark.parametrize("highlight", [False, True])
def test_compare_table_matches_torch(seed, trim, colorize, highlight):
    tables = []
    for lib in (torch, ember):
        c = lib.utils.benchmark.Compare(_results(lib, seed))
        if trim:
            c.trim_significant_figures()
        if colorize:
            c.colorize(rowwise=colorize == "rowwise")
        if highlight:
            c.highlight_warnings()
        tables.append(str(c))
    assert tables[1] == tables[0]


def test_compare_single_env_and_print(capsys):
    printed = []
    for lib in (torch, ember):
        ms = [m for m in _results(lib, 3) if m.env == "base" and m.num_threads == 1]
        lib.utils.benchmark.Compare(ms).print()
        printed.append(capsys.readouterr().out)
    assert printed[1] == printed[0]


def test_compare_refuses_what_torch_refuses():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="Expected an instance of `Measurement`"):
            lib.utils.benchmark.Compare([1.0])


# ---- Timer --------------------------------------------------------------------------------------
def _counting_timer(lib, **kw):
    calls = []
    t = lib.utils.benchmark.Timer("calls.append(torch.get_num_threads())",
                                  globals={"calls": calls}, **kw)
    return t, calls


@pytest.mark.parametrize("number", [1, 50, 300])
def test_timeit_runs_warmup_then_one_block(number):
    counts = []
    for lib in (torch, ember):
        t, calls = _counting_timer(lib)
        m = t.timeit(number)
        counts.append((len(calls), m.number_per_run, len(m.raw_times)))
    assert counts[1] == counts[0] == (max(number // 100, 2) + number, number, 1)


@pytest.mark.parametrize("threads", [1, 2])
def test_num_threads_is_ember_thread_count_during_the_run(threads):
    before = ember.get_num_threads()
    t, calls = _counting_timer(ember, num_threads=threads)
    t.timeit(5)
    t.blocked_autorange(min_run_time=0.001)
    assert set(calls) == {threads}
    assert ember.get_num_threads() == before


def test_blocked_and_adaptive_autorange_structure():
    seen = []
    t, calls = _counting_timer(ember)
    m = t.blocked_autorange(callback=lambda number, took: seen.append((number, took)),
                            min_run_time=0.002)
    assert [n for n, _ in seen] == [m.number_per_run] * len(m.raw_times)
    assert [s for _, s in seen] == m.raw_times and sum(m.raw_times) >= 0.002
    assert m.number_per_run in (1, 10, 100, 1000, 10000, 100000, 1000000)
    a = t.adaptive_autorange(threshold=0.5, min_run_time=0.001, max_run_time=2.0)
    assert len(a.raw_times) > 3 or sum(a.raw_times) > 2.0


def test_timer_statement_and_globals_as_torch():
    stmt = """
        for _ in range(2):
            y = x + 1
    """
    g = {"x": 1}
    for lib in (torch, ember):
        t = lib.utils.benchmark.Timer(stmt, setup="\n  z = 1\n", globals=g, label="l")
        m = t.timeit(3)
        assert m.stmt == "for _ in range(2):\n    y = x + 1" and m.setup == "z = 1"
        assert "torch" not in g and "__builtins__" not in g   # the globals were copied
        assert t._globals["torch"] is lib


def _timer_error(lib, case):
    B = lib.utils.benchmark
    if case == "callable":
        return B.Timer(stmt=lambda: None)
    if case == "global_setup":
        return B.Timer("pass", global_setup="#include <x>")
    if case == "language":
        return B.Timer("pass", language="java")
    if case == "repeat":
        return B.Timer("pass").repeat()
    if case == "autorange":
        return B.Timer("pass").autorange()


@pytest.mark.parametrize("case", ["callable", "global_setup", "language", "repeat", "autorange"])
def test_timer_errors_match_torch(case):
    with pytest.raises(Exception) as expected:
        _timer_error(torch, case)
    with pytest.raises(type(expected.value)) as got:
        _timer_error(ember, case)
    assert str(got.value) == str(expected.value)


def test_what_ember_does_not_provide_says_so():
    with pytest.raises(NotImplementedError, match="collect_callgrind"):
        EB.Timer("pass").collect_callgrind()
    with pytest.raises(NotImplementedError, match="c\\+\\+"):
        EB.Timer("pass", language="c++")
    for name in ("Fuzzer", "FuzzedParameter", "FuzzedTensor", "CallgrindStats"):
        assert hasattr(TB, name)
        with pytest.raises(NotImplementedError, match=name):
            getattr(EB, name)()


def test_import_is_lazy():
    import subprocess
    import sys
    code = ("import ember, sys; assert 'ember.utils.benchmark' not in sys.modules; "
            "from ember.utils.benchmark import Timer; import ember.utils as u; "
            "assert u.benchmark.Timer is Timer")
    subprocess.run([sys.executable, "-c", code], check=True)
