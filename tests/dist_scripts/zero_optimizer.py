"""ZeroRedundancyOptimizer on 2 ranks against one plain optimizer over all the parameters (what
ZeRO must equal): torch's partition (largest first, to the rank holding least), equal
parameters after every step, an lr change through ``param_groups``, the consolidated state on
rank 0 equal to the plain optimizer's ``state_dict``, its refusal on rank 1, a reload that
continues identically, ``add_param_group``, and ``Join`` with uneven steps.  Rank 0 prints
ZERO OK."""
import ember as torch
import ember.distributed as dist
from ember.distributed.algorithms import Join
from ember.distributed.optim import ZeroRedundancyOptimizer

dist.init_process_group("gloo")
r = dist.get_rank()


def params(seed):
    g = torch.Generator().manual_seed(seed)
    shapes = [(3,), (8, 5), (2,), (4, 4), (7,)]
    return [torch.randn(s, generator=g).requires_grad_() for s in shapes]


def grads(ps, k):
    for i, p in enumerate(ps):    # the same gradients on every rank, as after DDP's all-reduce
        p.grad = torch.full_like(p, 0.1 * (i + 1)) * (k + 1) + p.detach() * 0.05


zp, pp = params(1), params(1)
zero = ZeroRedundancyOptimizer(zp, torch.optim.Adam, lr=0.05, betas=(0.8, 0.9))
plain = torch.optim.Adam(pp, lr=0.05, betas=(0.8, 0.9))
owned = [[tuple(p.shape) for p in g["params"]] for g in zero._partition_parameters()[r]]
expected = {0: [[(8, 5)]], 1: [[(4, 4), (7,), (3,), (2,)]]}[r]
assert owned == expected, owned
assert isinstance(zero, torch.optim.Optimizer) and zero.param_groups[0]["betas"] == (0.8, 0.9)

for k in range(3):
    grads(zp, k)
    grads(pp, k)
    if k == 2:
        zero.param_groups[0]["lr"] = plain.param_groups[0]["lr"] = 0.01
    zero.step()
    plain.step()
    for a, b in zip(zp, pp):
        assert torch.equal(a, b), (k, a, b)

zero.consolidate_state_dict(to=0)
if r == 0:
    full, ref = zero.state_dict(), plain.state_dict()
    assert full["param_groups"] == ref["param_groups"], (full["param_groups"], ref["param_groups"])
    assert sorted(full["state"]) == sorted(ref["state"])
    for i in ref["state"]:
        for key in ref["state"][i]:
            assert torch.equal(full["state"][i][key], ref["state"][i][key]), (i, key)
else:
    try:
        zero.state_dict()
        raise AssertionError("state_dict() without consolidation must raise")
    except RuntimeError as e:
        assert "consolidate_state_dict(to=1)" in str(e)

# a fresh ZeRO loads the consolidated state (sent from rank 0) and continues like the plain one
state = [zero.state_dict() if r == 0 else None]
dist.broadcast_object_list(state, src=0)
zp2 = [p.detach().clone().requires_grad_() for p in zp]
zero2 = ZeroRedundancyOptimizer(zp2, torch.optim.Adam, lr=0.5)
zero2.load_state_dict(state[0])
assert zero2.param_groups[0]["lr"] == 0.01 and zero2.optim.param_groups[0]["lr"] == 0.01
grads(zp2, 5)
grads(pp, 5)
zero2.step()
plain.step()
for a, b in zip(zp2, pp):
    assert torch.allclose(a, b, rtol=0, atol=1e-7), (a, b)

# a new group: each rank's share joins its local optimizer
extra = [torch.ones(6, requires_grad=True), torch.ones(2, requires_grad=True)]
zero2.add_param_group({"params": extra, "lr": 0.1})
assert len(zero2.param_groups) == 2
mine = sum(p.numel() for g in zero2.optim.param_groups for p in g["params"])
assert mine == {0: 40, 1: 28 + 6 + 2}[r], mine    # both new ones go to the lighter rank 1
assert len(zero2.optim.param_groups) == 2

# uneven inputs: rank 1 steps twice more; rank 0's join hook shadows the broadcasts
zp3 = params(2)
zero3 = ZeroRedundancyOptimizer(zp3, torch.optim.SGD, lr=0.1)
with Join([zero3]):
    for k in range(2 + 2 * r):
        grads(zp3, k)
        zero3.step()
both = [None, None]
dist.all_gather_object(both, [p.detach().numpy().tolist() for p in zp3])
assert both[0] == both[1]

done = []
dist.all_gather_object(done, r)
if r == 0:
    print("ZERO OK", *done, flush=True)
dist.destroy_process_group()
