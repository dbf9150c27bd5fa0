"""Fit y = 3x + 2 with nn.Linear, MSELoss and SGD on deterministic data."""
import torch
import torch.nn as nn

x = torch.linspace(-1, 1, 50).unsqueeze(1)
y = 3 * x + 2
model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.zero_()
    model.bias.zero_()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
for step in range(200):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 50 == 0:
        print(f"step {step}: loss {loss.item():.4f}")
print(f"w = {model.weight.item():.3f}, b = {model.bias.item():.3f}")
print(type(loss).__name__, loss.dtype, loss.grad_fn.name())
