"""Tianshou 2.0 (reinforcement learning) on gymnasium's CartPole: a DQN (double Q, 3-step
returns, target network) trained by its off-policy trainer from a VectorReplayBuffer filled by
a Collector over seeded DummyVectorEnvs (epsilon-greedy and buffer sampling from NumPy's seeded
generator), and PPO (GAE, clipped objective, a categorical policy sampled with the same torch
draws) trained by its on-policy trainer; test episodes and the learned networks at the end."""
import logging
import os

# Tianshou's buffers compile NumPy helpers with numba at first use (~10 CPU-seconds, the same
# under both): run them as Python instead
os.environ["NUMBA_DISABLE_JIT"] = "1"   # noqa: E402 - numba reads it at import

import gymnasium as gym
import numpy as np
import torch
from tianshou.algorithm import DQN, PPO
from tianshou.algorithm.modelfree.dqn import DiscreteQLearningPolicy
from tianshou.algorithm.modelfree.reinforce import DiscreteActorPolicy
from tianshou.algorithm.optim import AdamOptimizerFactory
from tianshou.data import Collector, VectorReplayBuffer
from tianshou.env import DummyVectorEnv
from tianshou.trainer import OffPolicyTrainerParams, OnPolicyTrainerParams
from tianshou.utils.net.common import Net
from tianshou.utils.net.discrete import DiscreteActor, DiscreteCritic

from _common import deterministic_, report

logging.disable(logging.WARNING)


def envs(n, seed):
    venv = DummyVectorEnv([lambda: gym.make("CartPole-v1") for _ in range(n)])
    venv.seed(seed)
    return venv


def collectors(policy, train_buffer):
    train = Collector(policy, envs(2, 0), train_buffer, exploration_noise=True)
    test = Collector(policy, envs(2, 100))
    train.reset()
    test.reset()
    return train, test


def sums(module):
    return [round(p.sum().item(), 5) for p in module.parameters()]


def summary(result):
    return result.best_reward, result.update_step, result.train_step


np.random.seed(0)
torch.manual_seed(0)
space = gym.make("CartPole-v1")
q_net = deterministic_(Net(state_shape=4, action_shape=2, hidden_sizes=[16, 16]))
policy = DiscreteQLearningPolicy(model=q_net, action_space=space.action_space,
                                 eps_training=0.2, eps_inference=0.0)
dqn = DQN(policy=policy, optim=AdamOptimizerFactory(lr=1e-3), gamma=0.9,
          n_step_return_horizon=3, target_update_freq=20)
train, test = collectors(dqn, VectorReplayBuffer(500, 2))
train.collect(n_step=64, random=True)
result = dqn.run_training(OffPolicyTrainerParams(
    training_collector=train, test_collector=test, max_epochs=2, epoch_num_steps=60,
    collection_step_num_env_steps=10, test_step_num_episodes=2, batch_size=16,
    update_step_num_gradient_steps_per_sample=0.2, verbose=False, show_progress=False))
report("dqn", summary(result), sums(q_net))
stats = test.collect(n_episode=2, reset_before_collect=True)
report("dqn test", stats.returns.tolist(), stats.lens.tolist())

actor = deterministic_(DiscreteActor(
    preprocess_net=Net(state_shape=4, hidden_sizes=[16]), action_shape=2))
critic = deterministic_(DiscreteCritic(preprocess_net=Net(state_shape=4, hidden_sizes=[16])))
policy = DiscreteActorPolicy(actor=actor, action_space=space.action_space)
ppo = PPO(policy=policy, critic=critic, optim=AdamOptimizerFactory(lr=3e-3), gamma=0.95,
          max_grad_norm=0.5)
train, test = collectors(ppo, VectorReplayBuffer(200, 2))
result = ppo.run_training(OnPolicyTrainerParams(
    training_collector=train, test_collector=test, max_epochs=2, epoch_num_steps=64,
    collection_step_num_env_steps=32, test_step_num_episodes=2, batch_size=16,
    update_step_num_repetitions=2, verbose=False, show_progress=False))
report("ppo", summary(result), sums(actor), sums(critic))
