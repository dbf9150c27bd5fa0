"""Pooling, resampling (interpolate), padding and channel rearrangement ops."""
