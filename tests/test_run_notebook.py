"""helpers.runner.notebooks.run_notebook in a shared kernel: fresh namespace per notebook, one write at
the end, and the cells run so far kept when a cell fails or times out."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.runner.kernel import RegionKernel
from helpers.runner.notebooks import run_notebook


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('label = "a"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def kernel():
    with RegionKernel() as k:
        yield k


def _outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_notebooks_share_a_kernel_but_not_a_namespace(tmp_path, kernel):
    first = _notebook(
        tmp_path / "first.ipynb",
        "import os\nleft_over = os.getpid()\nprint(left_over)\nprint(label)",
    )
    second = _notebook(
        tmp_path / "second.ipynb",
        "import os\nprint(os.getpid())\nprint('left_over' in globals(), label)",
    )
    one = run_notebook(
        first, tmp_path / "out" / "1.ipynb", {"label": "x"}, timeout=60, kernel=kernel
    )
    two = run_notebook(
        second, tmp_path / "out" / "2.ipynb", {"label": "y"}, timeout=60, kernel=kernel
    )
    assert one.status == two.status == "ok"
    first_pid, label = "".join(_outputs(one.output)).split("\n")[:2]
    assert label == "x"
    pid, rest = _outputs(two.output)[0].split("\n", 1)
    assert pid == first_pid  # the same kernel process
    assert rest == "False y\n"  # the first notebook's variables are gone; parameters injected
    assert not list((tmp_path / "out").glob(".*running*"))  # renamed into place


def test_a_failing_cell_is_kept_with_its_error(tmp_path, kernel):
    nb = _notebook(tmp_path / "bad.ipynb", "print('before')", "raise ValueError('no column X')")
    step = run_notebook(nb, tmp_path / "out" / "bad.ipynb", {}, timeout=60, kernel=kernel)
    assert step.status == "failed" and "no column X" in step.error
    assert step.cell is not None
    kept = nbformat.read(step.output, as_version=4)
    assert "before" in "".join(_outputs(step.output))
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))


def test_a_timeout_keeps_the_cells_run_so_far_and_the_kernel_recovers(tmp_path, kernel):
    nb = _notebook(tmp_path / "slow.ipynb", "print('done first')", "import time\ntime.sleep(30)")
    step = run_notebook(nb, tmp_path / "out" / "slow.ipynb", {}, timeout=2, kernel=kernel)
    assert step.status == "failed" and "Timeout" in step.error
    assert step.output.is_file()
    assert "done first" in "".join(_outputs(step.output))
    after = _notebook(tmp_path / "after.ipynb", "print(label)")
    again = run_notebook(after, tmp_path / "out" / "after.ipynb", {}, timeout=60, kernel=kernel)
    assert again.status == "ok" and _outputs(again.output) == ["a\n"]


def test_a_kernel_that_dies_is_replaced_for_the_next_notebook(tmp_path, kernel):
    nb = _notebook(tmp_path / "die.ipynb", "import os\nos._exit(1)")
    step = run_notebook(nb, tmp_path / "out" / "die.ipynb", {}, timeout=60, kernel=kernel)
    assert step.status == "failed"
    after = _notebook(tmp_path / "after.ipynb", "print(label)")
    again = run_notebook(after, tmp_path / "out" / "after.ipynb", {}, timeout=60, kernel=kernel)
    assert again.status == "ok" and _outputs(again.output) == ["a\n"]


def test_what_survives_a_notebook_is_frozen_out_of_garbage_collection(tmp_path, kernel):
    """Each later notebook starts with the modules already imported frozen (gc.freeze), so
    collections stop scanning them; the namespace itself is still emptied."""
    first = _notebook(tmp_path / "a.ipynb", "import pandas\nbig = list(range(10))")
    second = _notebook(
        tmp_path / "b.ipynb", "import gc\nprint(gc.get_freeze_count() > 10_000, 'big' in dir())"
    )
    run_notebook(first, tmp_path / "out" / "a.ipynb", {}, timeout=60, kernel=kernel)
    step = run_notebook(second, tmp_path / "out" / "b.ipynb", {}, timeout=60, kernel=kernel)
    assert step.status == "ok" and _outputs(step.output) == ["True False\n"]


def test_a_batch_kernel_keeps_no_input_history(tmp_path, kernel):
    """The kernels of a run write no cell to IPython's history database (nothing reads it,
    and it costs every cell a write to an SQLite file that kernels side by side share)."""
    nb = _notebook(
        tmp_path / "history.ipynb",
        "x = 1",
        "hm = get_ipython().history_manager\nprint(hm.enabled, hm.hist_file)",
    )
    step = run_notebook(nb, tmp_path / "out" / "history.ipynb", {}, timeout=60, kernel=kernel)
    assert step.status == "ok" and _outputs(step.output) == ["False :memory:\n"]


def test_a_batch_kernel_does_not_pause_before_replies_and_loses_no_output(tmp_path, kernel):
    """ipykernel's 0.5 ms sleep after every cell is off in a run's kernels; every cell's last
    output (unflushed stdout and stderr, written just before the cell ends) still reaches
    the executed notebook, because nbclient reads a cell's output until the kernel is idle."""
    cells = [
        f"import sys\nsys.stdout.write('out{i}')\nsys.stderr.write('err{i}')" for i in range(40)
    ]
    nb = _notebook(
        tmp_path / "sleep.ipynb", *cells, "print(get_ipython().kernel._execute_sleep, end='')"
    )
    step = run_notebook(nb, tmp_path / "out" / "sleep.ipynb", {}, timeout=60, kernel=kernel)
    assert step.status == "ok"
    executed = nbformat.read(step.output, as_version=4)
    texts = [
        [o["text"] for o in c.outputs if o["output_type"] == "stream"]
        for c in executed.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    assert texts[:-1] == [[f"out{i}", f"err{i}"] for i in range(40)]
    assert texts[-1] == ["0.0"]


def test_a_kernel_is_replaced_after_max_notebooks(tmp_path):
    nb = _notebook(tmp_path / "pid.ipynb", "import os\nprint(os.getpid())")
    pids = []
    with RegionKernel(max_notebooks=2) as k:
        for i in range(3):
            step = run_notebook(nb, tmp_path / "out" / f"{i}.ipynb", {}, timeout=60, kernel=k)
            pids.append(_outputs(step.output)[0])
        assert k.notebooks_run == 1
    assert pids[0] == pids[1] != pids[2]
    with pytest.raises(ValueError, match="at least 1"):
        RegionKernel(max_notebooks=0)


# --------------------------------------------------------------------------------------------
# one kernel state per notebook
# --------------------------------------------------------------------------------------------

POLLUTE = (
    "import os, warnings, random\n"
    "import numpy as np, pandas as pd, matplotlib\n"
    "pd.set_option('display.precision', 2)\n"
    "pd.set_option('display.max_rows', 3)\n"
    "warnings.simplefilter('error')\n"
    "matplotlib.rcParams['font.size'] = 31\n"
    "np.random.seed(123)\n"
    "random.seed(7)\n"
    "os.environ['ASN_POLLUTED'] = '1'\n"
    "os.chdir('/')\n"
    "from helpers.privacy.deidentify import mask_text, _build_masker\n"
    "mask_text('Siti Aminah datang', names=['Siti Aminah'])\n"
    "print(_build_masker.cache_info().currsize)"
)
PROBE = (
    "import json, random\n"
    "import numpy as np\n"
    "import helpers.runner.kernel_state as ks\n"
    "ks.capture()\n"
    "state = ks.snapshot()\n"
    "state['numpy_draw_is_seeded'] = float(np.random.rand()) == float(np.random.RandomState(123).rand())\n"
    "state['random_draw_is_seeded'] = random.random() == random.Random(7).random()\n"
    "state['cwd_is_notebook_folder'] = state.pop('cwd') == label\n"
    "state.pop('numpy_random_draw')\n"
    "from helpers.privacy.deidentify import _build_masker\n"
    "state['package_cache_entries'] = _build_masker.cache_info().currsize\n"
    "print(json.dumps(state, sort_keys=True))"
)


def _state(step) -> dict:
    import json

    assert step.status == "ok", step.error
    return json.loads(_outputs(step.output)[-1])


def test_a_shared_kernel_gives_each_notebook_the_state_of_a_fresh_kernel(tmp_path):
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    polluter = _notebook(tmp_path / "polluter.ipynb", POLLUTE)
    folder = str(tmp_path)
    fresh = run_notebook(probe, tmp_path / "out" / "fresh.ipynb", {"label": folder}, timeout=120)
    with RegionKernel() as shared:
        dirty = run_notebook(
            polluter, tmp_path / "out" / "dirty.ipynb", {}, timeout=120, kernel=shared
        )
        assert dirty.status == "ok", dirty.error
        after = run_notebook(
            probe, tmp_path / "out" / "after.ipynb", {"label": folder}, timeout=120, kernel=shared
        )
    expected = _state(fresh)
    got = _state(after)
    assert got == expected
    assert got["cwd_is_notebook_folder"] and not got["environ_has_polluter"]
    assert not got["numpy_draw_is_seeded"] and not got["random_draw_is_seeded"]
    assert got["pandas"] == {"display.max_rows": "60", "display.precision": "6"}
    assert got["package_cache_entries"] == 0
    assert _outputs(dirty.output)[-1] == "1\n"  # the polluter did fill the cache


def test_the_runner_can_add_to_a_notebooks_environment(tmp_path, kernel):
    nb = _notebook(tmp_path / "env.ipynb", "import os\nprint(os.environ.get('ASN_EXTRA'))")
    first = run_notebook(
        nb, tmp_path / "out" / "e1.ipynb", {}, timeout=60, kernel=kernel, env={"ASN_EXTRA": "x"}
    )
    second = run_notebook(nb, tmp_path / "out" / "e2.ipynb", {}, timeout=60, kernel=kernel)
    assert _outputs(first.output)[-1] == "x\n"
    assert _outputs(second.output)[-1] == "None\n"  # not carried to the next notebook


# --------------------------------------------------------------------------------------------
# a kernel started ahead of its first notebook
# --------------------------------------------------------------------------------------------


def test_a_prestarted_kernel_is_adopted_with_its_imports_done_and_its_names_gone(tmp_path):
    nb = _notebook(
        tmp_path / "warm.ipynb",
        "import sys\nprint('tabnanny' in sys.modules, 'tabnanny' in globals(), 'nope' in globals())",
    )
    with RegionKernel() as cold:
        plain = run_notebook(nb, tmp_path / "out" / "cold.ipynb", {}, timeout=60, kernel=cold)
    with RegionKernel() as warm:
        # a failing import is left to the notebook: the boot goes on, the kernel answers
        warm.prestart(cwd=tmp_path, warm=["import tabnanny", "import no_such_module_asn as nope"])
        assert warm.started
        pid = warm.km.provisioner.process.pid
        step = run_notebook(nb, tmp_path / "out" / "warm.ipynb", {}, timeout=60, kernel=warm)
        assert warm.km.provisioner.process.pid == pid  # adopted, not replaced
        warm.prestart(warm=["import colorsys"])  # a running kernel: nothing happens
        assert warm.km.provisioner.process.pid == pid
    assert _outputs(plain.output) == ["False False False\n"]
    assert step.status == "ok" and _outputs(step.output) == ["True False False\n"]


def test_a_prestarted_kernel_gives_its_first_notebook_the_state_of_a_fresh_kernel(tmp_path):
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    folder = str(tmp_path)
    fresh = run_notebook(probe, tmp_path / "out" / "fresh.ipynb", {"label": folder}, timeout=120)
    with RegionKernel() as warm:
        # what the boot imports may touch the state (warnings filters, rcParams): the
        # baseline is recorded before it, as before a first notebook's own imports
        warm.prestart(warm=["import matplotlib.pyplot as plt", "import helpers.steps.plots"])
        after = run_notebook(
            probe, tmp_path / "out" / "warm.ipynb", {"label": folder}, timeout=120, kernel=warm
        )
    assert _state(after) == _state(fresh)


def test_warm_arguments_accept_only_import_statements():
    from helpers.runner.kernel import warm_arguments

    args = warm_arguments(["import os.path", "from json import dumps as d"])
    assert len(args) == 3 and "capture()" in args[0]  # the baseline first
    assert all(a.startswith("--IPKernelApp.exec_lines=") for a in args)
    for bad in ("print(1)", "import os; import sys", "import", "x = __import__('os')"):
        with pytest.raises(ValueError, match="not an import statement"):
            warm_arguments([bad])


def test_notebook_imports_are_the_top_level_imports_of_code_cells(tmp_path):
    from helpers.runner.notebooks import notebook_imports

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport pandas as pd\nfrom os import path"),
        nbformat.v4.new_code_cell("def f():\n    import inside\nfrom . import relative"),
        nbformat.v4.new_code_cell("import pandas as pd\nif True:\n    import in_a_block"),
        nbformat.v4.new_code_cell("x = (\nimport lost"),
        nbformat.v4.new_code_cell("import a.b, c"),
    ]
    nbformat.write(nb, tmp_path / "n.ipynb")
    assert notebook_imports(tmp_path / "n.ipynb") == [
        "import pandas as pd",
        "from os import path",
        "import a.b, c",
    ]
    assert notebook_imports(tmp_path / "missing.ipynb") == []
    (tmp_path / "bad.ipynb").write_text("{ not json")
    assert notebook_imports(tmp_path / "bad.ipynb") == []
