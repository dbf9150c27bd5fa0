"""The __torch_function__ protocol as libraries use it: their own functions defer to
tensor-like arguments through torch.overrides; Tensor's default implementation keeps the type."""
import torch
from torch.overrides import (TorchFunctionMode, handle_torch_function, has_torch_function,
                             is_tensor_like, get_default_nowrap_functions)


def scaled(x, k=2.0):
    if has_torch_function((x,)):
        return handle_torch_function(scaled, (x,), x, k=k)
    return x * k


class Logged(torch.Tensor):
    calls = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls.append(getattr(func, "__name__", str(func)))
        return super().__torch_function__(func, types, args, kwargs)


class Duck:
    def __init__(self, value):
        self.value = value

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return ("duck", func.__name__, args[0].value, kwargs)


plain = torch.ones(2)
logged = torch.Tensor._make_subclass(Logged, torch.arange(3.0), True)
print(type(logged).__name__, logged.requires_grad, logged.is_leaf)
print(has_torch_function((plain,)), has_torch_function((logged,)), has_torch_function((Duck(1),)))
print(scaled(plain).tolist(), scaled(Duck(5), k=3))
out = scaled(logged)
print(type(out).__name__, Logged.calls, out.detach().tolist())
print(is_tensor_like(plain), is_tensor_like(Duck(1)), is_tensor_like(3))
print(len(get_default_nowrap_functions()) >= 2)
r = torch.Tensor.__torch_function__(torch.Tensor.add, (Logged,), (logged, plain[:1]))
print(type(r).__name__)
print(type(torch.ones(2).as_subclass(Logged)).__name__)


class Recorder(TorchFunctionMode):
    def __init__(self):
        self.seen = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.append(func.__name__)
        return func(*args, **(kwargs or {}))


with Recorder() as mode:
    print(has_torch_function((plain,)), scaled(plain).tolist())
print(mode.seen, has_torch_function((plain,)))
try:
    class NoImpl(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented
    handle_torch_function(scaled, (torch.ones(1).as_subclass(NoImpl),), 1)
except TypeError as e:
    print("TypeError", str(e).split(":")[0])


class Plain(torch.Tensor):
    pass


p = torch.ones(2).as_subclass(Plain)
results = (p + 1, 2 * p, p.sum(), p[0], p.detach(), p.float(), p.view(2, 1), p == p, -p, p.exp())
print([type(x).__name__ for x in results], type(p.tolist()).__name__)
param = torch.nn.Parameter(torch.ones(2))
print(type(param * 2).__name__, type(param.detach()).__name__)
Logged.calls.clear()
watched = torch.ones(2).as_subclass(Logged)
watched.add(1)
watched * 3
print(Logged.calls)

# function-form calls reach __torch_function__ too, and keep the subclass's type
Logged.calls.clear()
results = (torch.add(watched, 1), torch.cat([watched, plain]), torch.nn.functional.relu(watched),
           torch.sum(watched), torch.stack((plain, watched)), torch.where(watched > 1, watched, 0.0),
           torch.nn.functional.linear(watched.view(1, 2), torch.eye(2)), torch.mean(watched))
print([type(x).__name__ for x in results], Logged.calls)
with torch._C.DisableTorchFunctionSubclass():
    print(type(torch.add(watched, 1)).__name__)
with torch._C.DisableTorchFunction():
    print(type(torch.add(watched, 1)).__name__)


class Seen(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.seen = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.append(func.__name__)
        return func(*args, **(kwargs or {}))


with Seen() as mode:
    y = torch.mul(plain, 2) + plain
    plain.sum()
    torch.nn.functional.softmax(plain, 0)
    with torch._C.DisableTorchFunction():
        torch.exp(plain)
print(mode.seen, type(y).__name__)
