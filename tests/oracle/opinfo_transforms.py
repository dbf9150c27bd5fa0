"""The forward-AD and vmap columns of the OpInfo report: for every OpInfo torch supports the
transform on (``supports_forward_ad``; torch's ``vmap`` accepting the sample), whether ember's
gives torch's results (``opinfo_forward_ad``, ``opinfo_vmap``).  Written into
docs/conformance.md by ``python -m tests.oracle.opinfo_adapter --report`` (or
``--transforms`` for this part alone, a few minutes)."""
from .opinfo_adapter import op_db, opinfo_id, _write_section
from . import opinfo_forward_ad, opinfo_vmap

START, END = "<!-- opinfo-transforms:start -->", "<!-- opinfo-transforms:end -->"
FORWARD_AD_SAMPLES, VMAP_SAMPLES = 3, 1


def _rows():
    fw, vm = [], []
    for op in op_db():
        oid = opinfo_id(op)
        if op.supports_forward_ad:
            fw.append((oid, *opinfo_forward_ad.run_opinfo(op, FORWARD_AD_SAMPLES)))
        vm.append((oid, *opinfo_vmap.run_opinfo(op, VMAP_SAMPLES)))
    return fw, vm


def _column(name, reference, rows):
    judged = [r for r in rows if r[1] in ("pass", "fail")]
    passing = sum(r[1] == "pass" for r in judged)
    pct = 100 * passing / max(len(judged), 1)
    return f"| {name} | {reference} | {len(judged)} | {passing} ({pct:.1f}%) |", \
        [r for r in judged if r[1] == "fail"]


def transforms_report():
    import torch
    fw, vm = _rows()
    fw_line, fw_fail = _column(
        "forward AD", f"`supports_forward_ad`, {FORWARD_AD_SAMPLES} float64 samples", fw)
    vm_line, vm_fail = _column(
        "vmap", f"torch's `vmap` accepts the sample ({VMAP_SAMPLES} per OpInfo, batch "
        f"{opinfo_vmap.BATCH}, random in_dims)", vm)
    lines = [START,
             f"Transforms on the OpInfo samples (torch {torch.__version__}): OpInfos mapped to "
             "ember whose samples torch supports the transform on, and how many ember passes:",
             "", "| transform | torch's reference | OpInfos | ember passing |", "|---|---|---|---|",
             fw_line, vm_line, "", "Failing under forward AD (first failing sample):", "",
             *(f"- `{r[0]}`: {r[2]}" for r in fw_fail), "",
             "Failing under vmap (first failing sample):", "",
             *(f"- `{r[0]}`: {r[2]}" for r in vm_fail), END]
    _write_section("\n".join(lines), START, END)
    return fw, vm
