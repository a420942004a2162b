#!/bin/sh
# yoyodyne's two commands under tunewise (s31 wandb_wild11.md): store configs/grid.yaml, then run the function
# agent on it. Usage: TW_SRC=<tunewise src> sh wandb_wild11_runside.sh WORKDIR
set -u
P=/work/venvs/compat30/bin/python
W=$1; H=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W"; mkdir -p "$W"; cd "$W"
R=CUNY-CL+yoyodyne; C=7a84f2c309920efc91fa8bf3c091ce9c7124c667
git --git-dir /work/.mirror/$R/repo show $C:examples/wandb_sweeps/configs/grid.yaml > grid.yaml
git --git-dir /work/.mirror/$R/repo show $C:examples/wandb_sweeps/configs/tune.yaml > tune.yaml
cp "$H/wandb_wild11_runside.py" .
export PYTHONPATH="$TW_SRC"
echo "\$ tunewise sweep create grid.yaml"
ID=$($P -m tunewise sweep create grid.yaml --storage sqlite:///$W/s.db 2>create.err); echo "exit $? id=[$ID]"; tail -1 create.err
echo "\$ tunewise sweep python wandb_wild11_runside.py --sweep_id $ID --config tune.yaml"
$P -m tunewise sweep python --storage sqlite:///$W/s.db wandb_wild11_runside.py --sweep_id "${ID:-grid}" \
    --config tune.yaml 2>&1 | grep -v "^\[I " | tail -8
echo "\$ tunewise sweep run grid.yaml"
$P -m tunewise sweep run grid.yaml --storage sqlite:///$W/s2.db --count 1 2>&1 | tail -1
