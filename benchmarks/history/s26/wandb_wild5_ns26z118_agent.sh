#!/bin/sh
# s26: ns26z118-del/DA6401_Assignment1's two-step workflow under tunewise: experiments/section_2_2_create_sweep.py
# makes a sweep dict with `program:` and prints `wandb agent ENTITY/PROJECT/ID --count 100`; the user then runs
# that agent. W&B's agent needs W&B's server (no offline oracle); tunewise: `tunewise sweep python` the script,
# then `tunewise sweep agent` with the id as printed. Epochs [10, 15, 20] -> [1, 2] (as the harness edits
# epochs); keras' mnist -> the harness's digits stand-in (session 26's standins_tunewise folder).
# usage: sh wandb_wild5_ns26z118_agent.sh TUNEWISE_SRC WORKDIR
set -u
SRC=$1; W=$2
rm -rf "$W" && mkdir -p "$W/repo"
git --git-dir /work/.mirror/ns26z118-del+DA6401_Assignment1/repo archive aa5db3fb5ba2e509c57748994fd374c4eecd592c \
    | tar -x -C "$W/repo"
cd "$W/repo" || exit 1
sed -i 's/"epochs":        {"values": \[10, 15, 20\]}/"epochs":        {"values": [1, 2]}/' \
    experiments/section_2_2_create_sweep.py
# the harness's environment (s21 wandb_wild.py base_env): stand-ins first, Keras on torch, one thread
export PYTHONPATH=/tmp/s26w/wb/before/standins_tunewise:$SRC:/tmp/s25/extra MPLBACKEND=Agg KERAS_BACKEND=torch \
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONUNBUFFERED=1 TQDM_DISABLE=1
S=sqlite:///$W/tw.db
PY=/work/main/.venv/bin/python
echo "== tunewise sweep python experiments/section_2_2_create_sweep.py"
$PY -m tunewise sweep python --storage "$S" experiments/section_2_2_create_sweep.py 2>&1 | grep -v "^$"
echo "== tunewise sweep agent ns26z118-indian-institute-of-technology-madras/DA6401_ns26z118/sweep --count 2"
$PY -m tunewise sweep agent --storage "$S" --count 2 ns26z118-indian-institute-of-technology-madras/DA6401_ns26z118/sweep 2>&1 \
    | tail -6
$PY -m tunewise sweep status --storage "$S" sweep 2>&1 | head -3
