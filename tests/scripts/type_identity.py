"""Prints how the classes of tensors, modules, optimizers and the like name themselves
(libraries recognise torch objects by ``type(x).__module__`` or ``str(type(x))``), and that a
whole model pickled under these names loads back."""
import io
import pickle

import torch

linear = torch.nn.Linear(2, 3)
objects = [torch.ones(1), torch.nn.Parameter(torch.ones(1)), linear, torch.nn.Sequential(),
           torch.optim.SGD(linear.parameters(), lr=0.1), torch.float32, torch.device("cpu"),
           torch.Size([1]), torch.utils.data.DataLoader([1, 2]),
           torch.distributions.Normal(0.0, 1.0)]
for obj in objects:
    print(str(type(obj)), type(obj).__module__)
print(torch.Tensor.__module__, torch.nn.Module.__module__, torch.optim.Optimizer.__module__)
again = pickle.loads(pickle.dumps(linear))
print(type(again).__module__, torch.equal(again.weight, linear.weight))
buffer = io.BytesIO()
torch.save(linear, buffer)
buffer.seek(0)
print(type(torch.load(buffer, weights_only=False)).__name__)
