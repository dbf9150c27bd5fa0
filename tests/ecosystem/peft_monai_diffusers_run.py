"""peft 0.21 (LoRA on a tiny GPT-2: train, merge_and_unload), monai 1.6 (UNet with Dice loss,
Dice metric, intensity / resize transforms, DenseNet121), diffusers 0.42 (a small UNet2DModel
with attention blocks: DDPM noise-prediction loss, 5 sampling steps) and x-transformers 2.31
(a decoder-only TransformerWrapper: loss and gradients)."""
import torch
from diffusers import DDPMScheduler, UNet2DModel
from monai.losses import DiceLoss
from monai.metrics import DiceMetric
from monai.networks.nets import DenseNet121, UNet
from monai.transforms import Compose, Resize, ScaleIntensity
from peft import LoraConfig, get_peft_model
from transformers import GPT2Config, GPT2LMHeadModel
from x_transformers import Decoder, TransformerWrapper

from _common import deterministic_, inputs, report

torch.manual_seed(0)    # dropout (GPT-2) and DDPM's sampling noise: Ember's stream is torch's
gpt = deterministic_(GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=64, n_head=2, vocab_size=100,
                                                n_positions=32)))
lora = get_peft_model(gpt, LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn"],
                                      lora_dropout=0.0, fan_in_fan_out=True))
for name, p in lora.named_parameters():
    if "lora_" in name:     # LoRA's B starts at zero: give both factors deterministic values
        with torch.no_grad():
            p.copy_(inputs(*p.shape, phase=len(name)) * 0.1)
report("peft trainable", sum(p.numel() for p in lora.parameters() if p.requires_grad))
ids = torch.arange(20).reshape(2, 10) % 100
opt = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=1e-2)
for _ in range(3):
    out = lora(input_ids=ids, labels=ids)
    out.loss.backward()
    opt.step()
    opt.zero_grad()
report("peft loss", out.loss.item())
report("peft merged", lora.merge_and_unload()(input_ids=ids).logits.sum().item())

x = inputs(2, 1, 32, 32).abs()
y = (x > 0.5).long()
unet = deterministic_(UNet(spatial_dims=2, in_channels=1, out_channels=2, channels=(4, 8, 16),
                           strides=(2, 2), num_res_units=1))
dice = DiceLoss(to_onehot_y=True, softmax=True)
opt = torch.optim.Adam(unet.parameters(), 1e-3)
for _ in range(3):
    opt.zero_grad()
    loss = dice(unet(x), y)
    loss.backward()
    opt.step()
report("monai dice loss", loss.item())
metric = DiceMetric(include_background=False)
pred = unet(x).argmax(1)
metric(torch.nn.functional.one_hot(pred, 2).permute(0, 3, 1, 2),
       torch.nn.functional.one_hot(y[:, 0], 2).permute(0, 3, 1, 2))
report("monai dice metric", metric.aggregate().item())
report("monai transforms", Compose([ScaleIntensity(), Resize((16, 16))])(x[0]).sum().item())
report("monai densenet", deterministic_(DenseNet121(spatial_dims=2, in_channels=1,
                                                    out_channels=3))(x).tolist())

net = deterministic_(UNet2DModel(sample_size=16, in_channels=1, out_channels=1, layers_per_block=1,
                                 block_out_channels=(8, 16), norm_num_groups=4,
                                 down_block_types=("DownBlock2D", "AttnDownBlock2D"),
                                 up_block_types=("AttnUpBlock2D", "UpBlock2D")))
scheduler = DDPMScheduler(num_train_timesteps=50)
clean, noise = inputs(2, 1, 16, 16), inputs(2, 1, 16, 16, phase=2.0)
noisy = scheduler.add_noise(clean, noise, torch.tensor([3, 30]))
loss = torch.nn.functional.mse_loss(net(noisy, torch.tensor([3, 30])).sample, noise)
loss.backward()
report("diffusers loss", loss.item())
scheduler.set_timesteps(5)
sample = noisy[:1]
with torch.no_grad():
    for t in scheduler.timesteps:
        sample = scheduler.step(net(sample, t).sample, t, sample).prev_sample
report("diffusers sample", sample.sum().item())

decoder = deterministic_(TransformerWrapper(num_tokens=50, max_seq_len=16,
                                            attn_layers=Decoder(dim=32, depth=2, heads=2)))
tokens = torch.arange(32).reshape(2, 16) % 50
logits = decoder(tokens)
loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 50), tokens.reshape(-1))
loss.backward()
report("x-transformers", loss.item(),
       sum(p.grad.abs().sum().item() for p in decoder.parameters() if p.grad is not None))
