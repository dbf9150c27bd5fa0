"""TRL 1.16 (post-training of language models) on a tiny GPT-2 and a word-level tokenizer built
in the script: SFTTrainer (tokenizing a text dataset, completion-only loss on a
prompt / completion dataset), then DPOTrainer (sigmoid preference loss against a frozen reference
copy), each for a few AdamW steps of transformers' Trainer on the CPU (its seeded
RandomSampler draws the same batches as under torch)."""
import contextlib
import io
import logging
import os
import tempfile

import datasets
import transformers
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

from _common import deterministic_, report

transformers.logging.set_verbosity_error()
datasets.disable_progress_bars()
logging.disable(logging.WARNING)
os.environ["WANDB_DISABLED"] = "true"

WORDS = "the a cat dog sat ran on under mat log big small red blue and".split()
vocab = {w: i for i, w in enumerate(["<pad>", "<eos>", "<unk>", *WORDS])}
backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
backend.pre_tokenizer = pre_tokenizers.Whitespace()
tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>",
                                    eos_token="<eos>", unk_token="<unk>")


def tiny_gpt2():
    config = GPT2Config(vocab_size=len(vocab), n_positions=32, n_embd=16, n_layer=2, n_head=2,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        pad_token_id=0, eos_token_id=1, bos_token_id=1)
    # float64: AdamW's first steps divide gradients near zero by their own size, which turns
    # float32 rounding (torch's own varies with kernels) into visible differences
    return deterministic_(GPT2LMHeadModel(config), scale=0.5).double()


def common(cls, out, **kwargs):
    return cls(output_dir=out, max_steps=3, per_device_train_batch_size=2, learning_rate=5e-3,
               logging_steps=1, save_strategy="no", report_to="none", use_cpu=True,
               activation_checkpointing=False, disable_tqdm=True, seed=0, **kwargs)


def losses(trainer):
    return [round(h["loss"], 6) for h in trainer.state.log_history if "loss" in h]


def run(trainer):
    with contextlib.redirect_stdout(io.StringIO()):
        trainer.train()
    return trainer


sentences = ["the cat sat on the mat", "a dog ran under the log", "the big red cat ran",
             "a small blue dog sat on a log", "the dog and the cat sat", "a red mat"]
with tempfile.TemporaryDirectory() as out:
    model = tiny_gpt2()
    trainer = run(SFTTrainer(model=model, processing_class=tokenizer,
                             train_dataset=datasets.Dataset.from_dict({"text": sentences}),
                             args=common(SFTConfig, out, max_length=16)))
    report("sft text", losses(trainer), [round(p.sum().item(), 5) for p in model.parameters()][:4])

    pairs = datasets.Dataset.from_dict({"prompt": ["the cat", "a dog", "the big", "a small"],
                                        "completion": [" sat on the mat", " ran under a log",
                                                       " red dog ran", " blue cat sat"]})
    model = tiny_gpt2()
    trainer = run(SFTTrainer(model=model, processing_class=tokenizer, train_dataset=pairs,
                             args=common(SFTConfig, out, max_length=16)))
    report("sft completion", losses(trainer))

    preferences = datasets.Dataset.from_dict({
        "prompt": ["the cat", "a dog", "the red", "a blue"],
        "chosen": [" sat on the mat", " ran under the log", " cat sat", " dog ran"],
        "rejected": [" mat the on", " log dog a", " the red", " a a a"]})
    model = tiny_gpt2()
    trainer = run(DPOTrainer(model=model, ref_model=tiny_gpt2(), processing_class=tokenizer,
                             train_dataset=preferences,
                             args=common(DPOConfig, out, beta=0.2, max_length=16)))
    rewards = [(round(h["rewards/chosen"], 6), round(h["rewards/rejected"], 6))
               for h in trainer.state.log_history if "rewards/chosen" in h]
    report("dpo", losses(trainer), rewards)
