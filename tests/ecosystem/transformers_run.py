"""transformers 5: GPT-2 and BERT from tiny configs (2 layers, 64 wide) with deterministic
weights: forward with labels, backward, an AdamW step, greedy generate of 10 tokens (GPT-2),
and a save_pretrained / from_pretrained round trip (safetensors)."""
import sys
import tempfile

import torch
from transformers import (BertConfig, BertForMaskedLM, BertForSequenceClassification, GPT2Config,
                          GPT2LMHeadModel)

from _common import deterministic_, report

ids = torch.tensor([[5, 17, 42, 8, 99, 3, 61, 27], [11, 2, 73, 40, 7, 88, 19, 50]])
mask = torch.ones_like(ids)
mask[1, -2:] = 0


def train_step(name, model, **batch):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    out = model(**batch)
    out.loss.backward()
    gnorm = sum(float(p.grad.double().pow(2).sum()) for p in model.parameters()
                if p.grad is not None) ** 0.5
    opt.step()
    opt.zero_grad()
    model.eval()
    with torch.no_grad():
        after = model(**batch).loss.item()
    report(f"{name}: loss {out.loss.item():.6f} gnorm {gnorm:.6f} after-step {after:.6f}")


def round_trip(name, model, cls, **batch):
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        again = cls.from_pretrained(tmp)
    again.eval()
    with torch.no_grad():
        a, b = model(**batch).logits, again(**batch).logits
    report(f"{name} round trip max diff {float((a - b).abs().max()):.3g}")


common = dict(attn_pdrop=0.0, embd_pdrop=0.0, resid_pdrop=0.0, bos_token_id=1, eos_token_id=2)
gpt = deterministic_(GPT2LMHeadModel(GPT2Config(vocab_size=128, n_positions=32, n_embd=64,
                                                n_layer=2, n_head=4, **common)), 4.0)
gpt.config.pad_token_id = 0
train_step("gpt2", gpt, input_ids=ids, attention_mask=mask, labels=ids)
with torch.no_grad():
    out = gpt.generate(ids[:1, :4], max_new_tokens=10, do_sample=False, pad_token_id=0)
report("gpt2 generate:", out[0].tolist())
round_trip("gpt2", gpt, GPT2LMHeadModel, input_ids=ids)

bert_cfg = dict(vocab_size=128, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                intermediate_size=128, max_position_embeddings=32, hidden_dropout_prob=0.0,
                attention_probs_dropout_prob=0.0)
bert = deterministic_(BertForMaskedLM(BertConfig(**bert_cfg)), 4.0)
labels = ids.clone()
labels[:, ::2] = -100
train_step("bert-mlm", bert, input_ids=ids, attention_mask=mask, labels=labels)
round_trip("bert-mlm", bert, BertForMaskedLM, input_ids=ids, attention_mask=mask)
cls = deterministic_(BertForSequenceClassification(BertConfig(num_labels=3, **bert_cfg)), 4.0)
train_step("bert-cls", cls, input_ids=ids, attention_mask=mask, labels=torch.tensor([0, 2]))
sys.stdout.flush()
