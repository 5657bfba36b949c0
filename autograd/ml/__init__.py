"""Machine learning on `Value`: nn, losses, optim, data, train and the compiled replay.

numpy comes in here (data, train, replay); import the module you need, e.g.
``from autograd.ml.optim import SGD``. `autograd.nn` is the public name of `autograd.ml.nn`.
"""
