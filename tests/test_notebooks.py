"""Every notebook runs top to bottom, each within two minutes, with no errors, and shows what its
saved copy shows: each cell the same kinds of output (printed text, a picture, a table).

The notebooks that train declare their runs' lengths in one cell tagged ``parameters``; here a cell
after it shortens them (papermill's convention), so the suite checks that every cell runs and shows
its results without training for long. A reader running the notebook gets the full runs, whose
outputs are the saved ones.
"""

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
SHORTER = {  # notebook → what the suite runs instead of its parameters cell's values
    "03_training_an_mlp": {"STEPS": 10, "EPOCHS": 1},
    "05_gradient_descent_experiments": {"EPOCH_SCALE": 0.05, "SIZES": [20, 40]},
}


def test_there_are_eight_notebooks():
    # 01-05, 06 problem sets, 07 forward and reverse mode, 08 the seed article's network on MNIST
    assert len(NOTEBOOKS) == 8


def shown(cell) -> set[str]:
    """The kinds of output a code cell shows: stdout/stderr text, a result, each picture's or table's
    type (text/plain goes with every one of them), an error."""
    kinds = set()
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            kinds.add(output["name"])
        elif output["output_type"] == "error":
            kinds.add("error")
        else:
            kinds.update(kind for kind in output.get("data", {}) if kind != "text/plain")
            kinds.add("result" if output["output_type"] == "execute_result" else "display")
    return kinds


def shortened(notebook, nbformat, values: dict):
    """The notebook with a cell after its ``parameters`` cell that sets ``values`` (each a name
    that cell sets: a renamed parameter fails here rather than leaving the run long)."""
    tagged = [i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "one cell tagged parameters"
    declared = notebook.cells[tagged[0]].source
    for name in values:
        assert f"\n{name} = " in "\n" + declared, f"the parameters cell sets no {name}"
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    notebook.cells.insert(tagged[0] + 1, nbformat.v4.new_code_cell(source))
    return tagged[0] + 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the notebooks extra (in dev) runs notebooks")
    nbclient = pytest.importorskip("nbclient", reason="the notebooks extra (in dev) runs notebooks")
    saved = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    added = shortened(notebook, nbformat, SHORTER[path.stem]) if path.stem in SHORTER else None
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    ran = [cell for i, cell in enumerate(notebook.cells) if i != added]
    assert len(ran) == len(saved.cells)
    for number, (now, before) in enumerate(zip(ran, saved.cells)):
        if now.cell_type != "code":
            continue
        assert "error" not in shown(now), (number, now.outputs)
        assert shown(before) <= shown(now), (number, now.source[:80], shown(now))
    outputs = [o for cell in ran if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert any(o.get("output_type") in ("display_data", "execute_result", "stream") for o in outputs)
