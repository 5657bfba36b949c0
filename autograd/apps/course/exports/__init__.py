"""Problem sets exported to the platforms teachers grade in (see docs/problem-sets.md):

- `prairielearn`: ``autograd export SET --to prairielearn DIR``, a question folder per problem
  whose ``server.py`` calls `runtime` (our grading, vendored into the course);
- `runtime`: PrairieLearn's ``generate(data)`` and ``grade(data)`` for one problem;
- `moodle`: ``autograd export SET --to moodle FILE.xml``, Moodle ``calculated`` questions.

This file imports nothing, so that the vendored copy of `runtime` needs only the grading modules.
"""
