"""`autograd.nn`, the public name of `autograd.ml.nn`: Module, Neuron, Layer, MLP."""

from autograd.ml.nn import *  # noqa: F401,F403  (the public interface is that module's __all__)
from autograd.ml.nn import __all__  # noqa: F401
