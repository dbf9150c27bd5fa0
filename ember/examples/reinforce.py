"""REINFORCE (Monte-Carlo policy gradient) on a cart-pole balancing task.

The environment is the classic cart-pole (Barto, Sutton & Anderson, 1983) written in NumPy
below, so the example needs no gym: push the cart left or right to keep the pole upright;
reward 1 per step, the episode ends when the pole falls, the cart leaves the track, or after
``max_steps`` steps.  The policy is a ``torch.distributions.Categorical`` over the two pushes,
and the loss is the score-function estimator -sum_t log pi(a_t | s_t) G_t.

    python -m ember.examples.reinforce [--episodes N] [--max-steps T] [--plot curve.png]
"""
import math

import numpy as np

import ember as torch
from ember import nn

from ember.distributions import Categorical

from ._common import command_line, progress
from ._plot import save_curves


class CartPole:
    """Euler-integrated cart-pole dynamics; observations are (x, x_dot, theta, theta_dot)."""

    gravity, cart_mass, pole_mass, half_length = 9.8, 1.0, 0.1, 0.5
    force, dt = 10.0, 0.02
    theta_limit, x_limit = 12 * 2 * math.pi / 360, 2.4

    def __init__(self, max_steps=200, seed=0):
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=4)
        self.steps = 0
        return self.state.astype(np.float32)

    def step(self, action):
        """Apply push ``action`` (0 left, 1 right); returns (observation, reward, done)."""
        x, x_dot, theta, theta_dot = self.state
        force = self.force if action == 1 else -self.force
        total_mass = self.cart_mass + self.pole_mass
        pole_moment = self.pole_mass * self.half_length
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + pole_moment * theta_dot ** 2 * sin) / total_mass
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.half_length * (4.0 / 3.0 - self.pole_mass * cos ** 2 / total_mass))
        x_acc = temp - pole_moment * theta_acc * cos / total_mass
        self.state = np.array([x + self.dt * x_dot, x_dot + self.dt * x_acc,
                               theta + self.dt * theta_dot, theta_dot + self.dt * theta_acc])
        self.steps += 1
        fallen = abs(self.state[0]) > self.x_limit or abs(self.state[2]) > self.theta_limit
        return self.state.astype(np.float32), 1.0, fallen or self.steps >= self.max_steps


def discounted_returns(rewards, gamma):
    """Return-to-go G_t = r_t + gamma * G_{t+1}, standardised (a simple baseline)."""
    returns, g = [], 0.0
    for r in reversed(rewards):
        g = r + gamma * g
        returns.append(g)
    returns = torch.tensor(returns[::-1])
    return (returns - returns.mean()) / (returns.std() + 1e-8)


def run_episode(env, policy):
    """Sample one episode; returns the log-probabilities of the actions and the rewards."""
    obs, done = env.reset(), False
    log_probs, rewards = [], []
    while not done:
        pi = Categorical(logits=policy(torch.from_numpy(obs)))
        action = pi.sample()
        obs, reward, done = env.step(action.item())
        log_probs.append(pi.log_prob(action))
        rewards.append(reward)
    return torch.stack(log_probs), rewards


def main(argv=None):
    args = command_line("reinforce", argv,
                        {"episodes": 120, "max-steps": 200, "gamma": 0.99, "lr": 1e-2},
                        plot="write the learning curve (episode lengths) to this PNG")
    env = CartPole(args.max_steps, seed=args.seed)
    policy = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 2))
    optimizer = torch.optim.Adam(policy.parameters(), lr=args.lr)
    lengths = []
    bar = progress(range(1, args.episodes + 1), total=args.episodes, desc="episodes")
    for episode in bar:
        log_probs, rewards = run_episode(env, policy)
        loss = -(log_probs * discounted_returns(rewards, args.gamma)).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        lengths.append(len(rewards))
        bar.set_postfix(mean_return=f"{np.mean(lengths[-20:]):.1f}")
        if episode % 20 == 0 or episode == args.episodes:
            print(f"episode {episode:4d}: mean return of the last 20 episodes "
                  f"{np.mean(lengths[-20:]):6.1f}")
    if args.plot:
        save_curves({"episode return": lengths}, args.plot, "episode", "return (steps)",
                    "REINFORCE on cart-pole")
    first, last = np.mean(lengths[:20]), np.mean(lengths[-20:])
    print(f"Final mean return: {last:.1f} (first 20 episodes: {first:.1f}, "
          f"max {args.max_steps})")
    return first, last


if __name__ == "__main__":
    main()
