"""PyKEEN 1.11 (knowledge-graph embeddings): a TriplesFactory from labelled triples, TransE,
DistMult, ComplEx (complex embeddings) and RotatE trained by the sLCWA loop (seeded negative
sampling) and ComplEx by the LCWA loop, scored, and evaluated by the rank-based evaluator
(filtered ranks, hits@k, mean reciprocal rank)."""
import numpy as np
import torch
from pykeen.evaluation import RankBasedEvaluator
from pykeen.models import ComplEx, DistMult, RotatE, TransE
from pykeen.training import LCWATrainingLoop, SLCWATrainingLoop
from pykeen.triples import TriplesFactory

from _common import deterministic_, report

people = [f"p{i}" for i in range(8)]
triples = [(people[i], "knows", people[(i + 1) % 8]) for i in range(8)]
triples += [(people[i], "likes", people[(3 * i + 2) % 8]) for i in range(8)]
triples += [(people[i], "works_with", people[(i + 4) % 8]) for i in range(0, 8, 2)]
factory = TriplesFactory.from_labeled_triples(np.array(triples, dtype=str))
training, testing = factory.mapped_triples[:-4], factory.mapped_triples[-4:]
train_factory = TriplesFactory(training, factory.entity_to_id, factory.relation_to_id)
report("triples", factory.num_entities, factory.num_relations, training.tolist()[:3])

for cls, kwargs in ((TransE, {"scoring_fct_norm": 1}), (DistMult, {}), (ComplEx, {}),
                    (RotatE, {})):
    torch.manual_seed(0)
    model = cls(triples_factory=train_factory, embedding_dim=8, random_seed=0, **kwargs)
    deterministic_(model, scale=0.5)
    loop = SLCWATrainingLoop(model=model, triples_factory=train_factory,
                             optimizer=torch.optim.Adam(model.parameters(), lr=0.01))
    losses = loop.train(triples_factory=train_factory, num_epochs=3, batch_size=8,
                        use_tqdm=False, use_tqdm_batch=False)
    scores = model.score_hrt(testing)
    result = RankBasedEvaluator().evaluate(model, testing, batch_size=4, use_tqdm=False,
                                           additional_filter_triples=[training])
    report(cls.__name__, [round(v, 5) for v in losses], scores.ravel().tolist(),
           result.get_metric("mean_reciprocal_rank"), result.get_metric("hits@3"))

torch.manual_seed(0)
model = deterministic_(ComplEx(triples_factory=train_factory, embedding_dim=8, random_seed=0),
                       scale=0.5)
loop = LCWATrainingLoop(model=model, triples_factory=train_factory,
                        optimizer=torch.optim.Adagrad(model.parameters(), lr=0.05))
losses = loop.train(triples_factory=train_factory, num_epochs=3, batch_size=8, use_tqdm=False,
                    use_tqdm_batch=False)
report("lcwa", [round(v, 5) for v in losses], model.score_t(testing[:, :2]).sum().item())
