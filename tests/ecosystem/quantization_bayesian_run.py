"""bayesian-torch (Bayesian layers by reparameterization and Flipout, dnn_to_bnn: seeded weight
samples, KL, gradients) and PyTorch's eager quantization workflow as libraries use it: module
fusion, observers (post-training calibration: scales and zero points), quantization-aware
training with fake-quantized weights and activations (prepare_qat, a few SGD steps)."""
import torch
import torch.ao.quantization as tq
from bayesian_torch.layers import Conv2dFlipout, LinearReparameterization
from bayesian_torch.models.dnn_to_bnn import dnn_to_bnn, get_kl_loss

from _common import deterministic_, inputs, report

# ---- bayesian-torch ----------------------------------------------------------------------------
torch.manual_seed(0)
layer = LinearReparameterization(in_features=4, out_features=3)
out, kl = layer(inputs(5, 4))
(out.pow(2).mean() + 0.01 * kl).backward()
report("reparameterization", out.sum().item(), kl.item(), layer.mu_weight.grad.abs().sum().item())

torch.manual_seed(1)
conv = Conv2dFlipout(in_channels=2, out_channels=3, kernel_size=3)
out, kl = conv(inputs(2, 2, 6, 6))
report("flipout", tuple(out.shape), out.abs().sum().item(), kl.item())

torch.manual_seed(2)
mlp = deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                         torch.nn.Linear(8, 2)))
dnn_to_bnn(mlp, {"prior_mu": 0.0, "prior_sigma": 1.0, "posterior_mu_init": 0.0,
                 "posterior_rho_init": -3.0, "type": "Reparameterization",
                 "moped_enable": True, "moped_delta": 0.5})
out = mlp(inputs(6, 4))
report("dnn_to_bnn", type(mlp[0]).__name__, out.sum().item(), get_kl_loss(mlp).item())


# ---- eager-mode quantization -------------------------------------------------------------------
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv = torch.nn.Conv2d(1, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.relu = torch.nn.ReLU()
        self.fc = torch.nn.Linear(4 * 4 * 4, 3)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.relu(self.bn(self.conv(self.quant(x))))
        return self.dequant(self.fc(x.flatten(1)))


x = inputs(8, 1, 6, 6)
net = deterministic_(Net()).eval()
fused = tq.fuse_modules(net, [["conv", "bn", "relu"]])
report("fused", type(fused.conv).__name__, type(fused.bn).__name__,
       (fused(x) - net(x)).abs().max().item() < 1e-5)

fused.qconfig = tq.default_qconfig
prepared = tq.prepare(fused)
prepared(x)
prepared(x * 2)
for name in ("quant", "conv", "fc"):
    scale, zero_point = getattr(prepared, name).activation_post_process.calculate_qparams()
    report("observer", name, scale.tolist(), zero_point.tolist())

class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv = torch.nn.Conv2d(1, 4, 3)
        self.relu = torch.nn.ReLU()
        self.fc = torch.nn.Linear(4 * 4 * 4, 3)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.fc(self.relu(self.conv(self.quant(x))).flatten(1)))


qat = deterministic_(Small()).train()
qat = tq.fuse_modules_qat(qat, [["conv", "relu"]])
qat.qconfig = tq.default_qat_qconfig
qat = tq.prepare_qat(qat)
optimizer = torch.optim.SGD(qat.parameters(), lr=0.1)
target = inputs(8, 3, phase=0.5)
for step in range(3):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(qat(x), target)
    loss.backward()
    optimizer.step()
    report("qat", step, loss.item())
report("qat modules", type(qat.conv).__name__, type(qat.fc).__name__,
       qat.fc.weight_fake_quant.scale.tolist(), qat.fc.activation_post_process.zero_point.tolist())
