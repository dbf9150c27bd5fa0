"""Research-model packages: denoising-diffusion-pytorch (a U-Net's DDPM loss with gradients and
DDIM sampling from seeded noise), perceiver-pytorch, mambapy (selective scan), siren-pytorch,
pytorch-tcn, rtdl-revisiting-models (FT-Transformer, ResNet), torch-struct (linear-chain CRF
partition, marginals, argmax), torch-dct, julius (resampling, filters, bands), nnAudio (STFT,
mel spectrogram), fast-pytorch-kmeans, torchensemble (a voting ensemble fitted), pytorch-toolbelt
(segmentation losses), mup (muP base shapes and MuAdam), performer-pytorch (FAVOR+ attention
from seeded random features), local-attention (a windowed causal transformer) and torchquad
(Simpson, trapezoid and Gauss-Legendre integration)."""
import julius
import torch
import torch_dct
import torch_struct
from denoising_diffusion_pytorch import GaussianDiffusion, Unet
from fast_pytorch_kmeans import KMeans
from local_attention import LocalTransformer
from mambapy.mamba import Mamba, MambaConfig
from mup import MuAdam, MuReadout, set_base_shapes
from nnAudio.features import STFT, MelSpectrogram
from perceiver_pytorch import Perceiver
from performer_pytorch import Performer
from pytorch_tcn import TCN
from pytorch_toolbelt import losses as tb_losses
from rtdl_revisiting_models import FTTransformer, ResNet
from siren_pytorch import SirenNet
from torch.utils.data import DataLoader, TensorDataset
from torchquad import GaussLegendre, Simpson, Trapezoid, set_up_backend
from torchensemble import VotingClassifier

from _common import deterministic_, inputs, report


def grad_total(module):
    return sum(p.grad.abs().sum().item() for p in module.parameters() if p.grad is not None)


unet = Unet(dim=8, dim_mults=(1, 2), flash_attn=False)
diffusion = deterministic_(GaussianDiffusion(unet, image_size=16, timesteps=10,
                                             sampling_timesteps=5), 0.5)
torch.manual_seed(0)
loss = diffusion(inputs(2, 3, 16, 16))
loss.backward()
torch.manual_seed(1)
with torch.no_grad():
    sample = diffusion.sample(batch_size=1)
report("ddpm", loss.item(), grad_total(unet), sample.shape, sample.mean().item())

perceiver = deterministic_(Perceiver(
    input_channels=3, input_axis=2, num_freq_bands=4, max_freq=10.0, depth=2, num_latents=8,
    latent_dim=16, latent_heads=2, cross_heads=1, latent_dim_head=8,
    cross_dim_head=8, num_classes=5, attn_dropout=0.0, ff_dropout=0.0), 0.5)
logits = perceiver(inputs(2, 8, 8, 3))
logits.sum().backward()
report("perceiver", logits.tolist(), perceiver.latents.grad.abs().sum().item())

mamba = deterministic_(Mamba(MambaConfig(d_model=16, n_layers=2, d_state=4, expand_factor=2)), 0.5)
out = mamba(inputs(2, 12, 16))
out.pow(2).sum().backward()
report("mamba", out.sum().item(), out[0, -1, :4].tolist(), grad_total(mamba))

siren = deterministic_(SirenNet(dim_in=2, dim_hidden=16, dim_out=3, num_layers=3), 0.5)
out = siren(inputs(10, 2))
out.sum().backward()
report("siren", out.sum().item(), out[0].tolist(), grad_total(siren))

tcn = deterministic_(TCN(num_inputs=3, num_channels=[8, 8], kernel_size=3, dropout=0.0,
                         causal=True, use_skip_connections=True), 0.5)
out = tcn(inputs(2, 3, 20))
out.sum().backward()
report("tcn", out.shape, out.sum().item(), out[0, :2, -1].tolist(), grad_total(tcn))

ft = deterministic_(FTTransformer(
    n_cont_features=3, cat_cardinalities=[3, 4], d_out=2, n_blocks=2, d_block=16,
    attention_n_heads=2, attention_dropout=0.0, ffn_d_hidden_multiplier=2.0, ffn_dropout=0.0,
    residual_dropout=0.0), 0.5)
out = ft(inputs(4, 3), torch.tensor([[0, 1], [2, 3], [1, 0], [0, 2]]))
out.sum().backward()
resnet = deterministic_(ResNet(d_in=5, d_out=1, n_blocks=2, d_block=8, d_hidden=None,
                               d_hidden_multiplier=2.0, dropout1=0.0, dropout2=0.0))
report("rtdl", out.tolist(), grad_total(ft), resnet(inputs(3, 5)).tolist())

potentials = inputs(2, 6, 3, 3).requires_grad_(True)
chain = torch_struct.LinearChainCRF(potentials)
chain.partition.sum().backward()
report("struct", chain.partition.tolist(), chain.argmax.sum().item(),
       chain.marginals.sum().item(), potentials.grad.abs().sum().item())

signal = inputs(3, 16).double()
coefficients = torch_dct.dct(signal, norm="ortho")
report("dct", coefficients.sum().item(),
       (torch_dct.idct(coefficients, norm="ortho") - signal).abs().max().item() < 1e-10,
       torch_dct.dct_2d(inputs(2, 8, 8).double()).abs().sum().item(),
       torch_dct.dct_3d(inputs(2, 4, 4, 4).double()).sum().item())

audio = inputs(2, 400)
resampled = julius.resample_frac(audio, 4, 3)
bands = julius.split_bands(audio, 8000, n_bands=3)
report("julius", resampled.shape, resampled.sum().item(),
       julius.lowpass_filter(audio, 0.1).abs().sum().item(), bands.shape, bands.abs().sum().item())

clip = inputs(2, 2048)
spectrum = STFT(n_fft=128, hop_length=64, verbose=False)(clip)
mel = MelSpectrogram(sr=8000, n_fft=256, n_mels=16, hop_length=128, verbose=False)(clip)
report("nnaudio", spectrum.shape, spectrum.abs().sum().item(), mel.shape, mel.sum().item())

torch.manual_seed(0)
points = inputs(200, 4) + torch.arange(200).remainder(3)[:, None].float()
kmeans = KMeans(n_clusters=3, mode="euclidean", verbose=0, max_iter=20)
labels = kmeans.fit_predict(points)
report("kmeans", sorted(torch.bincount(labels).tolist()), kmeans.centroids.sum().item())


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(0)
features = inputs(64, 4)
loader = DataLoader(TensorDataset(features, (features.sum(1) > 0).long()), batch_size=16)
ensemble = VotingClassifier(estimator=Tiny, n_estimators=2, cuda=False, n_jobs=1)
ensemble.set_optimizer("Adam", lr=0.01)
ensemble.fit(loader, epochs=2)
report("ensemble", ensemble.evaluate(loader), ensemble.predict(features[:3]).tolist())

mask_logits = inputs(2, 1, 8, 8).requires_grad_(True)
target = (inputs(2, 1, 8, 8, phase=0.5) > 0).float()
for criterion in (tb_losses.DiceLoss("binary"), tb_losses.JaccardLoss("binary"),
                  tb_losses.BinaryFocalLoss(), tb_losses.BinaryLovaszLoss()):
    value = criterion(mask_logits, target)
    value.backward()
    report("toolbelt", type(criterion).__name__, value.item())
report("toolbelt grad", mask_logits.grad.abs().sum().item())


class Widened(torch.nn.Module):
    def __init__(self, width):
        super().__init__()
        self.hidden = torch.nn.Linear(4, width)
        self.readout = MuReadout(width, 2)

    def forward(self, x):
        return self.readout(torch.relu(self.hidden(x)))


model = Widened(32)
set_base_shapes(model, Widened(8), delta=Widened(16))
deterministic_(model)
optimizer = MuAdam(model.parameters(), lr=0.01)
for _ in range(3):
    optimizer.zero_grad()
    loss = model(inputs(5, 4)).pow(2).sum()
    loss.backward()
    optimizer.step()
report("mup", loss.item(), model.readout.weight.infshape.width_mult())

torch.manual_seed(0)
performer = deterministic_(Performer(dim=16, depth=1, heads=2, dim_head=8, causal=False,
                                     nb_features=8), 0.5)
out = performer(inputs(2, 6, 16))
out.sum().backward()
report("performer", out.sum().item(), out[0, 0, :3].tolist(), grad_total(performer))

local = deterministic_(LocalTransformer(num_tokens=20, max_seq_len=32, dim=16, depth=1,
                                        local_attn_window_size=4, causal=True, heads=2,
                                        dim_head=8), 0.5)
logits = local(torch.arange(12).remainder(20)[None])
report("local attention", logits.shape, logits.sum().item(), logits[0, -1, :3].tolist())

set_up_backend("torch", data_type="float64")
domain = torch.tensor([[0.0, 1.0], [0.0, 2.0]], dtype=torch.float64)
for rule in (Simpson(), Trapezoid(), GaussLegendre()):
    report("torchquad", type(rule).__name__, rule.integrate(
        lambda x: torch.sin(x[:, 0]) * torch.exp(x[:, 1]), dim=2, N=1001,
        integration_domain=domain).item())
