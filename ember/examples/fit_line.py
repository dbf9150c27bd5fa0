"""Fit y = 3x + 2 with plain autograd (no nn): the smallest end-to-end Ember program."""
import ember as torch


def main(steps=300, lr=0.1):
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 100).unsqueeze(1)
    y = 3 * x + 2 + 0.05 * torch.randn(100, 1)
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for step in range(steps):
        loss = ((x * w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
    print(f"learned w = {w.item():.4f}, b = {b.item():.4f} (true 3, 2); loss = {loss.item():.5f}")
    return w.item(), b.item()


if __name__ == "__main__":
    main()
