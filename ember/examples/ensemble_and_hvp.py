"""torch.func on Ember: train an ensemble through ``stack_module_state`` + ``vmap`` over
``functional_call`` (every member in one batched forward and backward pass), then take a
Hessian-vector product of the loss as ``grad`` of ``grad`` (two reverse passes, no Hessian).
"""
import ember as torch
from ember import nn
from ember.func import functional_call, grad, stack_module_state, vmap


def make_data(n=64):
    x = torch.linspace(-2, 2, n).unsqueeze(1)
    return x, torch.sin(2 * x) + 0.1 * torch.randn(n, 1)


def train_ensemble(models, x, y, steps=60, lr=0.05):
    """Fit every member at once: the loss is the sum of the members' losses over the stacked
    parameters. Returns (stacked params, loss before, loss after)."""
    params, buffers = stack_module_state(models)
    base = models[0]

    def member_loss(p, b):
        return nn.functional.mse_loss(functional_call(base, (p, b), x), y)

    def ensemble_loss(params):
        return vmap(member_loss)(params, buffers).mean()

    optimizer = torch.optim.Adam(params.values(), lr=lr)
    first = ensemble_loss(params).item()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ensemble_loss(params)
        loss.backward()
        optimizer.step()
    return params, first, ensemble_loss(params).item()


def hessian_vector_product(model, params, v, x, y):
    """H v for the loss as a function of the parameters (dicts in, dict out)."""
    def loss(p):
        return nn.functional.mse_loss(functional_call(model, p, x), y)

    def grad_dot_v(p):
        g = grad(loss)(p)
        return sum((g[k] * v[k]).sum() for k in g)
    return grad(grad_dot_v)(params)


def main(members=4):
    torch.manual_seed(0)
    x, y = make_data()
    models = [nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1)) for _ in range(members)]
    stacked, before, after = train_ensemble(models, x, y)
    print(f"ensemble of {members}: mean loss {before:.4f} -> {after:.4f}")

    params = {k: p[0].detach() for k, p in stacked.items()}
    v = {k: torch.randn_like(p) for k, p in params.items()}
    hv = hessian_vector_product(models[0], params, v, x, y)
    print("Hessian-vector product norms:", {k: round(t.norm().item(), 4) for k, t in hv.items()})
    return {"x": x, "y": y, "params": params, "v": v, "hv": hv, "losses": (before, after)}


if __name__ == "__main__":
    main()
