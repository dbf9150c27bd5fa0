"""Every collective on 2 ranks against NumPy references; rank 0 prints COLLECTIVES OK."""
import numpy as np

import ember as torch
import ember.distributed as dist

dist.init_process_group("gloo")
r, n = dist.get_rank(), dist.get_world_size()


def data(rank, shape=(2, 3), dtype=torch.float32):
    return torch.arange(int(np.prod(shape)), dtype=torch.float64).reshape(shape).add(
        10 * rank + 1).to(dtype)


def ref(rank, shape=(2, 3)):
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) + 10 * rank + 1


def check(t, expected, what):
    np.testing.assert_allclose(t.numpy().astype(np.float64), expected, rtol=1e-6, err_msg=what)


everyone = np.stack([ref(k) for k in range(n)])
for op, fn in [(dist.ReduceOp.SUM, np.sum), (dist.ReduceOp.AVG, np.mean),
               (dist.ReduceOp.MAX, np.max), (dist.ReduceOp.MIN, np.min),
               (dist.ReduceOp.PRODUCT, np.prod)]:
    t = data(r)
    dist.all_reduce(t, op=op)
    check(t, fn(everyone, axis=0), f"all_reduce {op}")
for dt in (torch.float16, torch.bfloat16, torch.int64, torch.float64, torch.int32):
    t = data(r, dtype=dt)
    dist.all_reduce(t)
    assert t.dtype is dt
    check(t, everyone.sum(0), f"all_reduce {dt}")
b = torch.tensor([r == 0, False])
dist.all_reduce(b, op=dist.ReduceOp.MAX)
assert b.tolist() == [True, False]
# non-contiguous tensor reduced in place through a staging copy
base = data(r, (3, 2))
view = base.t()
dist.all_reduce(view)
check(base, np.stack([ref(k, (3, 2)) for k in range(n)]).sum(0), "non-contiguous")
# async
t = data(r)
w = dist.all_reduce(t, async_op=True)
w.wait()
assert w.is_completed()
check(t, everyone.sum(0), "async all_reduce")

t = data(r)
dist.broadcast(t, src=n - 1)
check(t, ref(n - 1), "broadcast")

t = data(r)
dist.reduce(t, dst=0, op=dist.ReduceOp.SUM)
if r == 0:
    check(t, everyone.sum(0), "reduce")

outs = [torch.zeros(2, 3) for _ in range(n)]
dist.all_gather(outs, data(r))
for k in range(n):
    check(outs[k], ref(k), "all_gather")
cat = torch.zeros(2 * n, 3)
dist.all_gather_into_tensor(cat, data(r))
check(cat, np.concatenate([ref(k) for k in range(n)]), "all_gather_into_tensor cat")
stk = torch.zeros(n, 2, 3, dtype=torch.bfloat16)
dist.all_gather_into_tensor(stk, data(r, dtype=torch.bfloat16))
check(stk, everyone, "all_gather_into_tensor stack bf16")

out = torch.zeros(2, 3)
dist.reduce_scatter(out, [data(r) * (k + 1) for k in range(n)])
check(out, everyone.sum(0) * (r + 1), "reduce_scatter")
out = torch.zeros(2, 3)
dist.reduce_scatter_tensor(out, torch.cat([data(r)] * n), op=dist.ReduceOp.AVG)
check(out, everyone.mean(0), "reduce_scatter_tensor avg")

gl = [torch.zeros(2, 3) for _ in range(n)] if r == 1 else None
dist.gather(data(r), gl, dst=1)
if r == 1:
    for k in range(n):
        check(gl[k], ref(k), "gather")
t = torch.zeros(2, 3)
dist.scatter(t, [data(k) for k in range(n)] if r == 0 else None, src=0)
check(t, ref(r), "scatter")

# all_to_all: rank r sends value 100*r + k (k+1 elements) to rank k
ins = [torch.full((k + 1,), 100.0 * r + k) for k in range(n)]
outs = [torch.zeros(r + 1) for _ in range(n)]
dist.all_to_all(outs, ins)
for k in range(n):
    check(outs[k], np.full(r + 1, 100.0 * k + r), "all_to_all")
inp = torch.arange(2 * n, dtype=torch.int64) + 100 * r
out = torch.zeros(2 * n, dtype=torch.int64)
dist.all_to_all_single(out, inp)
check(out, np.concatenate([np.arange(2 * r, 2 * r + 2) + 100 * k for k in range(n)]),
      "all_to_all_single")

# point to point on a ring
nxt, prv = (r + 1) % n, (r - 1) % n
got = torch.zeros(2, 3)
sw = dist.isend(data(r), dst=nxt)
rw = dist.irecv(got, src=prv)
sw.wait()
rw.wait()
check(got, ref(prv), "isend/irecv")
if r == 0:
    dist.send(data(r) * 2, dst=1, tag=7)
elif r == 1:
    got = torch.zeros(2, 3)
    assert dist.recv(got, tag=7) == 0
    check(got, ref(0) * 2, "send/recv any source")

# a wait with a timeout raises instead of blocking forever; the message arrives later
late = torch.zeros(1)
if r == 0:
    pending = dist.irecv(late, src=1, tag=99)
    try:
        pending.wait(timeout=0.2)
        raise AssertionError("wait did not time out")
    except RuntimeError as e:
        assert "timed out" in str(e)
dist.barrier()
if r == 1:
    dist.send(torch.ones(1), dst=0, tag=99)
elif r == 0:
    pending.wait()
    assert late.tolist() == [1.0] and pending.is_completed()

objs = [{"rank": r}, "x"] if r == 0 else [None, None]
dist.broadcast_object_list(objs, src=0)
assert objs == [{"rank": 0}, "x"]
allo = []
dist.all_gather_object(allo, ("hi", r))
assert allo == [("hi", k) for k in range(n)]
gl = [None] * n if r == 0 else None
dist.gather_object(r * 3, gl, dst=0)
if r == 0:
    assert gl == [k * 3 for k in range(n)]

# sub-group {1}: ranks outside get NON_GROUP_MEMBER and skip collectives
g = dist.new_group([1])
t = data(r)
dist.all_reduce(t, group=g)
check(t, ref(r), "group of one")
if r == 1:
    assert dist.get_rank(g) == 0 and dist.get_world_size(g) == 1
else:
    assert g is dist.GroupMember.NON_GROUP_MEMBER
gall = dist.new_group(list(range(n)))
t = data(r)
dist.all_reduce(t, group=gall)
check(t, everyone.sum(0), "group all")
# functional collectives return new tensors and leave their argument alone
import ember.distributed._functional_collectives as funcol  # noqa: E402
t = data(r)
check(funcol.wait_tensor(funcol.all_reduce(t, "sum", None)), everyone.sum(0), "funcol all_reduce")
check(t, ref(r), "funcol input untouched")
check(funcol.all_gather_tensor(data(r, (1, 3)), 1, None),
      np.concatenate([ref(k, (1, 3)) for k in range(n)], axis=1), "funcol all_gather dim 1")
check(funcol.reduce_scatter_tensor(data(r, (2 * n, 3)), "sum", 0, None),
      np.stack([ref(k, (2 * n, 3)) for k in range(n)]).sum(0)[2 * r:2 * r + 2],
      "funcol reduce_scatter")
x = data(r, (n, 3)).requires_grad_()
y = funcol.all_to_all_single_autograd(x, None, None, None)
check(y.detach(), np.stack([ref(k, (n, 3))[r] for k in range(n)]), "funcol all_to_all")
(y * (r + 1)).sum().backward()
check(x.grad, np.repeat(np.arange(1, n + 1, dtype=float)[:, None], 3, 1), "funcol a2a grad")
dist.barrier()
done = []
dist.all_gather_object(done, r)  # one line from rank 0: ranks' prints may interleave
if r == 0:
    print("COLLECTIVES OK", *done, flush=True)
dist.destroy_process_group()
