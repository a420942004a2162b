"""A sweep file read while it is being written in place (session 30): a prefix of a sweep file
can be another valid sweep (``run_cap: 12`` cut to ``run_cap: 1``, or dropped), and a resumed
``sweep run`` stored it as the sweep's record, which every agent then reads. Now a resume that
would change the record reads the file again once it is quiet and refuses a file that changed
meanwhile; a change it does store is said."""

from __future__ import annotations

import pytest

from tunewise.sweeps import SweepConfig, SweepConfigError
from tunewise.sweeps._runner import SWEEP_ATTR, SweepRunner

SWEEP = """\
name: in-place
program: train.py
method: random
seed: 0
metric: {name: loss, goal: minimize}
parameters:
  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}
run_cap: 12
"""


@pytest.fixture
def sweep(tmp_path):
    (tmp_path / "train.py").write_text("print('loss=1')\n")
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    SweepRunner(SweepConfig.from_file(path), storage=url, echo=None).create()
    return path, url


def _stored_run_cap(url):
    from tunewise import load_study

    return load_study("in-place", url).system_attrs[SWEEP_ATTR]["config"]["run_cap"]


def test_a_resume_from_a_half_written_file_is_refused_and_the_sweep_kept(sweep):
    path, url = sweep
    path.write_text(SWEEP[:-2])  # "run_cap: 1": a valid sweep
    half = SweepConfig.from_file(path)
    assert half.run_cap == 1
    path.write_text(SWEEP)  # the writer finishes
    with pytest.raises(SweepConfigError, match="the sweep file changed while it was read"):
        SweepRunner(half, storage=url, echo=None).create()
    assert _stored_run_cap(url) == 12  # before: 1, for every agent of the sweep


def test_a_change_a_resume_stores_is_said(sweep):
    path, url = sweep
    path.write_text(SWEEP.replace("run_cap: 12", "run_cap: 20"))
    said = []
    SweepRunner(SweepConfig.from_file(path), storage=url, echo=said.append).create()
    assert _stored_run_cap(url) == 20
    assert any("the sweep file changes run_cap" in line for line in said), said
