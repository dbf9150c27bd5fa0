"""stable-baselines3 2.9 on gymnasium 1.4: PPO, A2C and DQN on CartPole, SAC on Pendulum (short
runs from the same seeds: the policies' initial weights and every action drawn come from
torch's seeded random stream), deterministic predictions, save / load of the zip archive."""
import os
import tempfile

import gymnasium as gym
import torch
from stable_baselines3 import A2C, DQN, PPO, SAC

from _common import report

folder = tempfile.mkdtemp()
cartpole = gym.make("CartPole-v1")
for algo, kwargs in ((PPO, {"n_steps": 64, "batch_size": 32, "n_epochs": 2}),
                     (A2C, {"n_steps": 8}), (DQN, {"learning_starts": 50})):
    model = algo("MlpPolicy", cartpole, seed=0, verbose=0, **kwargs)
    model.learn(total_timesteps=256)
    obs, _ = cartpole.reset(seed=1)
    action, _ = model.predict(obs, deterministic=True)
    path = os.path.join(folder, algo.__name__)
    model.save(path)
    again = algo.load(path)
    same = all(torch.equal(a, b) for a, b in zip(model.policy.parameters(),
                                                 again.policy.parameters()))
    report(algo.__name__, int(action), sum(p.sum().item() for p in model.policy.parameters()),
           same)

pendulum = gym.make("Pendulum-v1")
sac = SAC("MlpPolicy", pendulum, seed=0, learning_starts=50, batch_size=32, verbose=0)
sac.learn(total_timesteps=150)
obs, _ = pendulum.reset(seed=2)
report("SAC", sac.predict(obs, deterministic=True)[0].tolist(),
       sum(p.sum().item() for p in sac.policy.parameters()))
