"""pytorch-forecasting 1.8 (time-series models on Lightning): a TimeSeriesDataSet built from a
pandas frame (group normalizer, categorical encoders, lags of known and unknown reals), its
dataloaders, and the Temporal Fusion Transformer (quantile loss), N-BEATS and DeepAR
(normal distribution loss) each trained a few steps by a Lightning Trainer and predicting;
the TFT's interpretation (attention and variable selection weights)."""
import warnings

import lightning.pytorch as pl
import numpy as np
import pandas as pd
import torch
from pytorch_forecasting import (DeepAR, GroupNormalizer, NBeats, QuantileLoss,
                                 TemporalFusionTransformer, TimeSeriesDataSet)
from pytorch_forecasting.metrics import NormalDistributionLoss

from _common import deterministic_, report

warnings.filterwarnings("ignore")
torch.manual_seed(0)
steps = np.arange(40)
frame = pd.DataFrame({
    "series": np.repeat(["a", "b", "c"], 40),
    "time_idx": np.tile(steps, 3),
    "value": np.concatenate([np.sin(steps * 0.3 + k) * (k + 1) + 5 + 0.05 * steps
                             for k in range(3)]).astype("float32"),
    "weekday": np.tile(steps % 7, 3).astype(str),
    "price": np.tile(np.cos(steps * 0.2), 3).astype("float32"),
})
frame["series"] = frame["series"].astype("category")
frame["weekday"] = frame["weekday"].astype("category")
cutoff = 30
common = dict(time_idx="time_idx", target="value", group_ids=["series"],
              max_encoder_length=8, max_prediction_length=4)
training = TimeSeriesDataSet(
    frame[frame.time_idx < cutoff], **common, static_categoricals=["series"],
    time_varying_known_categoricals=["weekday"], time_varying_known_reals=["time_idx", "price"],
    time_varying_unknown_reals=["value"], target_normalizer=GroupNormalizer(groups=["series"]),
    add_relative_time_idx=True, add_target_scales=True, add_encoder_length=True)
validation = TimeSeriesDataSet.from_dataset(training, frame, min_prediction_idx=cutoff)
x, y = next(iter(training.to_dataloader(train=False, batch_size=4)))
report("dataset", len(training), len(validation), sorted(x), x["encoder_cont"].sum().item(),
       y[0].sum().item())


def fit(model, train_set, val_set, name):
    deterministic_(model, scale=0.5)
    trainer = pl.Trainer(max_epochs=2, limit_train_batches=2, limit_val_batches=1,
                         enable_progress_bar=False, enable_model_summary=False, logger=False,
                         enable_checkpointing=False, gradient_clip_val=0.1)
    trainer.fit(model, train_set.to_dataloader(train=False, batch_size=8),
                val_set.to_dataloader(train=False, batch_size=8))
    metrics = trainer.callback_metrics.items()
    report(name, "fit", sorted((k, round(v.item(), 5)) for k, v in metrics))
    prediction = model.predict(val_set.to_dataloader(train=False, batch_size=8))
    report(name, "predict", list(prediction.shape), prediction.sum().item())
    return model


tft = fit(TemporalFusionTransformer.from_dataset(
    training, learning_rate=0.01, hidden_size=8, attention_head_size=2, dropout=0.0,
    hidden_continuous_size=4, loss=QuantileLoss(), log_interval=-1), training, validation, "tft")
raw = tft.predict(validation.to_dataloader(train=False, batch_size=8), mode="raw",
                  return_x=True)
interpretation = tft.interpret_output(raw.output, reduction="sum")
report("tft", "interpret", {k: [round(float(t), 4) for t in v.flatten()[:6]]
                            for k, v in sorted(interpretation.items())})

# univariate models: the target alone
simple = dict(common, max_encoder_length=8, time_varying_unknown_reals=["value"],
              target_normalizer=None)
uni_train = TimeSeriesDataSet(frame[frame.time_idx < cutoff], **simple)
uni_val = TimeSeriesDataSet.from_dataset(uni_train, frame, min_prediction_idx=cutoff)
fit(NBeats.from_dataset(uni_train, learning_rate=0.01, widths=[16, 16], backcast_loss_ratio=0.1,
                        dropout=0.0, log_interval=-1), uni_train, uni_val, "nbeats")
fit(DeepAR.from_dataset(training, learning_rate=0.01, hidden_size=8, rnn_layers=2, dropout=0.0,
                        loss=NormalDistributionLoss(), log_interval=-1),
    training, validation, "deepar")
