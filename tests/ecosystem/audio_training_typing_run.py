"""auraloss 0.4 (audio losses: STFT, multi-resolution STFT, SI-SDR, ... with gradients),
asteroid-filterbanks 0.4 (STFT / free / analytic / parametrised-sinc encoders and decoders),
poutyne 1.19 (Keras-style training loop with metrics) and jaxtyping 0.3 (shape / dtype
annotations checked at call time with beartype)."""
import auraloss
import poutyne
from asteroid_filterbanks import make_enc_dec
import torch
from beartype import beartype
from jaxtyping import Float, Int, Shaped, jaxtyped

from _common import deterministic_, inputs, report

x = inputs(1, 1, 4096)
y = inputs(1, 1, 4096, phase=1.3) * 0.5 + 0.1
for name in ("STFTLoss", "MultiResolutionSTFTLoss", "SISDRLoss", "SDSDRLoss", "ESRLoss",
             "DCLoss", "LogCoshLoss", "SNRLoss"):
    cls = getattr(auraloss.freq, name, None) or getattr(auraloss.time, name)
    report(name, cls()(x, y).item())
# gradients in float64 (float32 windows differ from torch's by an ulp of cos, which the
# log-magnitude terms amplify where bins sit at the clamp)
loss = auraloss.freq.STFTLoss()
loss.window = torch.hann_window(loss.win_length, dtype=torch.float64)
target = y.double().requires_grad_(True)
value = loss(x.double(), target)
value.backward()
report("stft grad", value.item(), target.grad.abs().sum().item(), target.grad[0, 0, 100:104].tolist())

for bank in ("stft", "free", "analytic_free", "param_sinc"):
    encoder, decoder = make_enc_dec(bank, n_filters=64, kernel_size=33, stride=16)
    deterministic_(encoder, scale=0.1)
    deterministic_(decoder, scale=0.1)
    spec = encoder(x)
    report("filterbank", bank, tuple(spec.shape), spec.abs().sum().item(),
           decoder(spec).abs().sum().item())

model = deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                           torch.nn.Linear(8, 3)), scale=1.5)
X, Y = inputs(16, 4), torch.arange(16) % 3
trainer = poutyne.Model(model, torch.optim.SGD(model.parameters(), lr=0.1), "cross_entropy",
                        batch_metrics=["accuracy"])
torch.manual_seed(0)
history = trainer.fit(X, Y, epochs=3, batch_size=8, verbose=False)
report("poutyne fit", [h["loss"] for h in history], [float(h["acc"]) for h in history])
report("poutyne evaluate", [float(v) for v in trainer.evaluate(X, Y, batch_size=8, verbose=False)])
report("poutyne predict", trainer.predict(X, batch_size=8, verbose=False).argmax(1).tolist())


@jaxtyped(typechecker=beartype)
def matmul(a: Float[torch.Tensor, "b n"], b: Float[torch.Tensor, "n m"]) -> Float[torch.Tensor, "b m"]:
    return a @ b


report("jaxtyping ok", tuple(matmul(torch.ones(2, 3), torch.ones(3, 4)).shape))
try:
    matmul(torch.ones(2, 3), torch.ones(2, 4))
    report("jaxtyping mismatch", "accepted")
except Exception as error:     # noqa: BLE001 -- the type-check error class is beartype's
    report("jaxtyping mismatch", type(error).__name__)
report("jaxtyping isinstance", isinstance(torch.ones(2, 3), Float[torch.Tensor, "2 3"]),
       isinstance(torch.ones(2, 3, dtype=torch.int64), Float[torch.Tensor, "2 3"]),
       isinstance(torch.zeros(2, dtype=torch.int32), Int[torch.Tensor, "2"]),
       isinstance(torch.ones(2, 3), Shaped[torch.Tensor, "... 3"]))
