"""Forward-mode AD on Ember: a directional derivative of a loss with ``jvp``, a
Hessian-vector product by forward-over-reverse (``jvp`` of ``grad``: one forward pass
carrying tangents through one backward pass), and an input Jacobian with ``jacfwd``.
"""
import ember as torch
from ember import nn
from ember.func import functional_call, grad, jacfwd, jvp


def make_problem(n=32):
    x = torch.linspace(-2, 2, n).unsqueeze(1)
    y = torch.sin(2 * x)
    model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
    return model, x, y


def loss_of(model, x, y):
    def loss(params):
        return nn.functional.mse_loss(functional_call(model, params, (x,)), y)
    return loss


def main():
    torch.manual_seed(0)
    model, x, y = make_problem()
    params = {k: p.detach() for k, p in model.named_parameters()}
    v = {k: torch.randn_like(p) for k, p in params.items()}
    loss = loss_of(model, x, y)

    value, slope = jvp(loss, (params,), (v,))            # d/dt loss(params + t v) at t = 0
    _, hv = jvp(grad(loss), (params,), (v,))             # H v, forward-over-reverse
    jac = jacfwd(lambda inp: functional_call(model, params, (inp,)))(x[:3])   # (3, 1, 3, 1)
    print(f"loss {value.item():.4f}, directional derivative {slope.item():.4f}")
    print("Hessian-vector product norms:", {k: round(t.norm().item(), 4) for k, t in hv.items()})
    print("input Jacobian of three samples:", tuple(jac.shape))
    return {"x": x, "y": y, "params": params, "v": v, "value": value, "slope": slope, "hv": hv,
            "jac": jac}


if __name__ == "__main__":
    main()
