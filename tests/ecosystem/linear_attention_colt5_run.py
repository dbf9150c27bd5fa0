"""linear-attention-transformer 0.19 (with product-key-memory 0.3 and colt5-attention 0.11):
a causal LM with local-attention heads, a product-key-memory layer and rotary embeddings
trained through its AutoregressiveWrapper (loss, backward, Adam) and sampled from; a reversible
non-causal encoder with Linformer self-attention and context cross-attention (its custom
autograd Function recomputes the forward in backward); ImageLinearAttention; a PKM with
colt5's differentiable top-k (coordinate descent); colt5's conditionally routed feedforward
and transformer block."""
import torch
from colt5_attention import ConditionalRoutedFeedForward, ConditionalRoutedTransformerBlock
from colt5_attention import topk as coor_descent_topk
from linear_attention_transformer import (AutoregressiveWrapper, ImageLinearAttention,
                                          LinearAttentionTransformer,
                                          LinearAttentionTransformerLM, LinformerSettings)
from product_key_memory import PKM, fetch_optimizer_parameters

from _common import deterministic_, inputs, report


def grad_sums(module):
    return [round(p.grad.abs().sum().item(), 6) for p in module.parameters() if p.grad is not None]


lm = deterministic_(LinearAttentionTransformerLM(
    num_tokens=20, dim=16, depth=2, max_seq_len=16, heads=2, dim_head=8, causal=True,
    n_local_attn_heads=1, local_attn_window_size=8, pkm_layers=(2,), pkm_num_keys=8,
    use_rotary_emb=True, shift_tokens=True), scale=0.5)
for block in lm.modules():     # a small memory: 8x8 product keys, top 4
    if isinstance(block, PKM):
        block.topk = 4
model = AutoregressiveWrapper(lm)
tokens = (torch.arange(2 * 17).reshape(2, 17) * 7) % 20
opt = torch.optim.Adam(fetch_optimizer_parameters(model), lr=1e-2)
losses = []
for _ in range(3):
    loss = model(tokens, return_loss=True)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
report("lm", losses, grad_sums(lm)[:6])
# thres 0.95 keeps int(0.05 * 20) = 1 token: sampling from the filtered logits is greedy
report("generate", model.generate(tokens[:, :5], 6, filter_thres=0.95).tolist())

encoder = deterministic_(LinearAttentionTransformer(
    dim=16, depth=2, max_seq_len=12, heads=2, dim_head=8, reversible=True, ff_chunks=2,
    receives_context=True, linformer_settings=LinformerSettings(k=4)))
x = inputs(2, 12, 16).requires_grad_()
context = inputs(2, 5, 16, phase=0.3)
out = encoder(x, context=context)
(out * inputs(2, 12, 16, phase=1.1)).sum().backward()
report("reversible", out.sum().item(), x.grad.abs().sum().item(), grad_sums(encoder)[:8])

image_attn = deterministic_(ImageLinearAttention(chan=4, key_dim=6, value_dim=6, heads=2))
image = inputs(2, 4, 5, 5).requires_grad_()
y = image_attn(image, context=inputs(2, 4, 3, phase=0.7))
y.square().mean().backward()
report("image", y.sum().item(), image.grad.sum().item(), grad_sums(image_attn))

pkm = deterministic_(PKM(12, heads=2, num_keys=6, topk=3, dim_head=8,
                         differentiable_topk=True))
h = inputs(2, 5, 12).requires_grad_()
out = pkm(h)
out.pow(2).sum().backward()
report("pkm", out.sum().item(), h.grad.sum().item(), grad_sums(pkm))

scores = torch.sin(torch.arange(30.0) * 1.7).reshape(3, 10).requires_grad_()
values, indices, coor, gates = coor_descent_topk(scores * 3, k=4, n_iters=10)
(values * torch.arange(4.0)).sum().backward()
report("topk", values.tolist(), indices.tolist(), scores.grad.tolist())

ff = deterministic_(ConditionalRoutedFeedForward(16, num_heavy_tokens=4))
block = deterministic_(ConditionalRoutedTransformerBlock(
    16, num_heavy_attn_tokens_q=4, num_heavy_attn_tokens_kv=4, num_heavy_ff_tokens=4,
    light_dim_head=8, light_heads=2, light_window_size=4, heavy_dim_head=8, heavy_heads=2))
sgd = torch.optim.SGD([*ff.parameters(), *block.parameters()], lr=0.05)
tokens = inputs(2, 8, 16, phase=0.5)
for step in range(3):
    loss = ff(tokens).square().mean() + block(tokens).square().mean()
    sgd.zero_grad()
    loss.backward()
    sgd.step()
    report("colt5", step, loss.item())
report("colt5 params", grad_sums(ff)[:4], grad_sums(block)[:6])
