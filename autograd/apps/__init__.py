"""The applications built on the layers below: the command line, the explorer, the course kit
(problem sets) and the worked example."""
