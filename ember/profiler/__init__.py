"""``torch.profiler``: CPU time per op and per ``record_function`` range."""
from ._range import record_function
from .profiler import (ProfilerAction, ProfilerActivity, profile, schedule,
                       supported_activities)

__all__ = ["profile", "schedule", "ProfilerAction", "ProfilerActivity", "record_function",
           "supported_activities"]
