"""s27: the config updates a W&B offline run file holds (session 26's .wandb reader, config records instead of the
summary): what wandb.config ended as under W&B for a key the program assigned.

    PYTHONPATH=/tmp/s23/wbextra .venv/bin/python benchmarks/history/s27/wandb_wild7_read_config.py RUN.wandb KEY ...
"""

import importlib.util
import json
import sys
from pathlib import Path

from wandb.proto import wandb_internal_pb2 as pb

_text = (Path(__file__).resolve().parent.parent / "s26" / "wandb_wild6_read_run.py").read_text()
_ns: dict = {}
exec(_text.split("\nsumm, hist")[0], _ns)  # its records() reader only, not its summary printout
_ = importlib.util

keys = set(sys.argv[2:])
final: dict = {}
for d in _ns["records"](sys.argv[1]):
    r = pb.Record()
    r.ParseFromString(d)
    kind = r.WhichOneof("record_type")
    items = r.config.update if kind == "config" else r.run.config.update if kind == "run" else []
    for it in items:  # a `run` record carries the whole config; a `config` record, an update of it
        if it.key in keys:
            final[it.key] = {"record": kind, "value": json.loads(it.value_json)}
for key in sorted(final):
    print(json.dumps({"key": key, **final[key]}))
