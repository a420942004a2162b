"""A worker killed (SIGKILL) inside ``trial.save_checkpoint``.

Found by benchmarks/history/s18/fault_probe.py (promote, hyperband, pbt): the half-written
checkpoint stayed on disk for good (a ``.tmp-*`` folder in the dead trial's directory, which no
later save looks at: a retry is another trial). Now it is written under the study root's
``.partial/`` and the next save on the same host removes what dead writers left there; readers
never see it (it is renamed into place whole)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tunewise.schedulers import _checkpoint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

KILLED_WHILE_WRITING = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    from tunewise.schedulers import _checkpoint

    real = np.savez
    def savez(path, **arrays):
        real(path, **arrays)
        with open(path, "r+b") as f:
            f.truncate(100)  # the file as a kill in the middle of the write leaves it
        os.kill(os.getpid(), signal.SIGKILL)
    np.savez = savez
    _checkpoint.save(sys.argv[1], 7, {"step": 3, "w": np.arange(1000.0)}, step=3, keep=2)
""")


def test_a_checkpoint_half_written_by_a_killed_worker_is_never_read_and_is_removed(tmp_path):
    root = str(tmp_path / "study-1")
    _checkpoint.save(root, 7, {"step": 1}, step=1, keep=2)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, root], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == -9, out.stderr[-2000:]
    partial = os.path.join(root, ".partial")
    assert len(os.listdir(partial)) == 1  # what the killed writer left
    # Readers see only whole checkpoints: the last one saved before the kill.
    assert _checkpoint.load(root, 7, None, 0) == {"step": 1}
    assert _checkpoint.handoff(root, 7) is not None
    # The next save anywhere in the study (another trial: the dead one's retry has an id of its own)
    # removes it.
    _checkpoint.save(root, 8, {"step": 1}, step=1, keep=2)
    assert os.listdir(partial) == []
    assert sorted(os.listdir(_checkpoint.trial_dir(root, 7))) == [".lock", "ckpt-0000000001"]
