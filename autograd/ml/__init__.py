"""Machine learning on `Value`: nn, losses, optim, data, train, settings and the compiled replay.

numpy comes in here (data, train, settings, replay); nn, losses and optim are plain Python on
`Value`. Import the module you need, e.g. ``from autograd.ml.optim import SGD``.
`autograd.nn` is the public name of `autograd.ml.nn`.
"""
