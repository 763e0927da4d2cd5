"""The example notebook runs top to bottom on the venv's kernel and shows real answers, and its
pictures: the executed notebook, and the one saved in the repository, hold them as PNG images.

Run this module to save the executed notebook with its outputs (after changing a cell):

    .venv/bin/python -m tests.test_notebook
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "explore.ipynb"
PICTURE_CALLS = ("fz.plot_diffusion(", "fz.map(", "fz.draw(")


def executed(path: Path = NOTEBOOK) -> Any:
    """The notebook at ``path``, run top to bottom on the python3 kernel."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def picture_cells(notebook: Any) -> dict[str, list[str]]:
    """For each picture call, the output types of the code cell making it."""
    found: dict[str, list[str]] = {}
    for cell in notebook.cells:
        calls = [c for c in PICTURE_CALLS if cell.cell_type == "code" and c in cell.source]
        for call in calls:
            found[call] = [kind for o in cell.get("outputs", []) for kind in o.get("data", {})]
    return found


def test_explore_notebook_runs_top_to_bottom() -> None:
    notebook = executed()
    outputs = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    assert "锡林郭勒" in text
    assert "nodes: {" in text
    assert "'Report': " in text
    pictures = picture_cells(notebook)
    assert sorted(pictures) == sorted(PICTURE_CALLS)
    assert all("image/png" in kinds for kinds in pictures.values()), pictures


def test_the_saved_notebook_holds_its_pictures() -> None:
    saved = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    pictures = picture_cells(saved)
    assert sorted(pictures) == sorted(PICTURE_CALLS)
    missing = [call for call, kinds in pictures.items() if "image/png" not in kinds]
    assert not missing, f"run .venv/bin/python -m tests.test_notebook to save {missing}"


if __name__ == "__main__":
    nbformat.write(executed(), NOTEBOOK)  # type: ignore[no-untyped-call]
    print(f"saved {NOTEBOOK} with its outputs")
