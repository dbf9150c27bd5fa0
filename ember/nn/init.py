"""nn.init: in-place initialisers."""
