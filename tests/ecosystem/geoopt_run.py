"""geoopt 0.5 (Riemannian optimisation; its helpers are scripted with torch.jit.script): Poincaré
ball distances and maps, a Stiefel manifold parameter, and RiemannianAdam / RiemannianSGD steps
that keep parameters on their manifolds."""
import geoopt
import torch

from _common import inputs, report

ball = geoopt.PoincareBall(c=1.0)
x, y = inputs(3, 2) * 0.3, inputs(3, 2, phase=0.7) * 0.4
report("ball", ball.dist(x, y).tolist(), ball.expmap0(x).tolist(), ball.mobius_add(x, y).tolist(),
       ball.logmap(x, y).tolist())

point = geoopt.ManifoldParameter(ball.projx(inputs(4, 2) * 0.5), manifold=ball)
frame = geoopt.ManifoldParameter(geoopt.Stiefel().projx(inputs(5, 3)), manifold=geoopt.Stiefel())
adam = geoopt.optim.RiemannianAdam([point], lr=0.05)
sgd = geoopt.optim.RiemannianSGD([frame], lr=0.1, momentum=0.5)
target = inputs(5, 3, phase=1.0)
for _ in range(3):
    adam.zero_grad()
    sgd.zero_grad()
    loss = ball.dist(point, torch.zeros(2)).sum() + (frame - target).pow(2).sum()
    loss.backward()
    adam.step()
    sgd.step()
report("optim", loss.item(), point.tolist(), (frame.T @ frame).diagonal().tolist())
