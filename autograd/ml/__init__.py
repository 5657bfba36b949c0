"""Machine learning on `Value`: nn, losses, optim, data, train, settings and the compiled replay.

numpy comes in here (data, train, settings, replay); nn, losses, optim and toy_data (the
explorer's datasets) are plain Python on `Value`, and importing this package imports none of the
numpy modules, so the plain ones run where numpy is missing (the static site's Pyodide). Import
the module you need, e.g. ``from autograd.ml.optim import SGD``.
`autograd.nn` is the public name of `autograd.ml.nn`.
"""
