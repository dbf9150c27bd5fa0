"""pytorch-ignite 0.5 (a supervised trainer and evaluator with metrics and a checkpoint
handler) and sentence-transformers 6 (a tiny BERT with mean pooling: encode, cosine
similarities, a CosineSimilarityLoss step, save / load)."""
import os
import tempfile

import torch
from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ignite.handlers import ModelCheckpoint
from ignite.metrics import Accuracy, Loss, RunningAverage

from _common import deterministic_, inputs, report

# ---- ignite ----------------------------------------------------------------------------------
X = inputs(32, 2) * 2 - 1
y = (X.sum(1) > 0).long()
model = deterministic_(torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(),
                                           torch.nn.Linear(8, 2)))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
loss_fn = torch.nn.CrossEntropyLoss()
data = [(X[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)]
trainer = create_supervised_trainer(model, opt, loss_fn)
RunningAverage(output_transform=lambda x: x).attach(trainer, "loss")
evaluator = create_supervised_evaluator(model, metrics={"acc": Accuracy(), "loss": Loss(loss_fn)})


@trainer.on(Events.EPOCH_COMPLETED)
def log(engine):
    evaluator.run(data)
    report("ignite epoch", engine.state.epoch, engine.state.metrics["loss"],
           evaluator.state.metrics["acc"], evaluator.state.metrics["loss"])


ckpt_dir = tempfile.mkdtemp()
trainer.add_event_handler(Events.EPOCH_COMPLETED,
                          ModelCheckpoint(ckpt_dir, "m", n_saved=1, require_empty=False),
                          {"model": model})
trainer.run(data, max_epochs=4)
saved = sorted(os.listdir(ckpt_dir))
report("ignite checkpoint", saved, sorted(torch.load(os.path.join(ckpt_dir, saved[0]))))

# ---- sentence-transformers -------------------------------------------------------------------
from sentence_transformers import SentenceTransformer, losses, models, util  # noqa: E402
from transformers import BertConfig, BertModel, BertTokenizerFast  # noqa: E402

d = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "dog", "sat", "on", "mat",
         "a", "ran", "fast", "slow", "big"]
with open(os.path.join(d, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab))
BertTokenizerFast(os.path.join(d, "vocab.txt")).save_pretrained(d)
bert = BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=32))
deterministic_(bert)
bert.save_pretrained(d)
word = models.Transformer(d, max_seq_length=16)
sbert = SentenceTransformer(modules=[word, models.Pooling(32, pooling_mode="mean")],
                            device="cpu")
sents = ["the cat sat on the mat", "a dog ran fast", "the big dog sat", "a slow cat"]
emb = sbert.encode(sents, convert_to_tensor=True)
report("sbert embedding", emb[0, :6].tolist(), emb.norm(dim=1).tolist())
report("sbert cosine", util.cos_sim(emb, emb)[0].tolist())
loss = losses.CosineSimilarityLoss(sbert)([sbert.tokenize([s]) for s in sents[:2]],
                                          torch.tensor([0.3]))
loss.backward()
report("sbert loss", loss.item(),
       sum(p.grad.abs().sum().item() for p in sbert.parameters() if p.grad is not None))
sbert.save(os.path.join(d, "st"))
again = SentenceTransformer(os.path.join(d, "st"), device="cpu")
report("sbert reload", (again.encode(sents, convert_to_tensor=True) - emb).abs().max().item())
