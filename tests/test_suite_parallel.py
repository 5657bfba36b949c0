"""`make test` runs the suite in two pytest-xdist workers: the tests that share state or a browser
run in one worker, a module at a time (tests/conftest.py); any other test goes wherever a worker is free."""

import conftest


def test_modules_that_share_state_or_a_browser_go_to_one_worker_whole():
    for module in ("test_site.py", "test_explore.py", "test_course_print.py", "test_viz_page.py"):
        assert conftest.unit_of_work(f"tests/{module}::test_a[1]") == f"tests/{module}"
    for nodeid in ("tests/test_nn.py::test_mlp_contract", "tests/test_viz.py::test_stepper_page_in_headless_chromium",
                   "tests/test_notebooks.py::test_notebook_runs[03_training_an_mlp]"):
        assert conftest.unit_of_work(nodeid) == nodeid


def test_the_schedule_keeps_those_modules_whole(pytestconfig, monkeypatch):
    monkeypatch.setattr(pytestconfig.option, "dist", "load")  # what -n 2 alone sets
    monkeypatch.setattr(pytestconfig.option, "tx", ["popen"] * 2)
    scheduling = conftest.pytest_xdist_make_scheduler(pytestconfig, log=None)
    assert scheduling._split_scope("tests/test_site.py::test_x") == "tests/test_site.py"
    assert scheduling._split_scope("tests/test_nn.py::test_x") == "tests/test_nn.py::test_x"
    monkeypatch.setattr(pytestconfig.option, "dist", "loadfile")  # asked for by name: xdist's own
    assert conftest.pytest_xdist_make_scheduler(pytestconfig, log=None) is None
