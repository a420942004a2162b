"""Summary and history of a W&B offline run file (.wandb: LevelDB-log records of protobuf Record)."""

import json
import struct
import sys

from wandb.proto import wandb_internal_pb2 as pb


def records(path):
    data = open(path, "rb").read()
    pos, block, buf = 7, 32768, b""
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:
            pos += left
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        if length == 0 and kind == 0:
            pos += left
            continue
        chunk = data[pos + 7 : pos + 7 + length]
        pos += 7 + length
        if kind == 1:
            yield chunk
        elif kind == 2:
            buf = chunk
        elif kind == 3:
            buf += chunk
        elif kind == 4:
            yield buf + chunk


summ, hist = {}, []
for d in records(sys.argv[1]):
    r = pb.Record()
    r.ParseFromString(d)
    k = r.WhichOneof("record_type")
    if k == "summary":
        for it in r.summary.update:
            summ[it.key or "/".join(it.nested_key)] = json.loads(it.value_json)
    elif k == "history":
        hist.append(
            {
                (it.key or "/".join(it.nested_key)): it.value_json
                for it in r.history.item
                if not (it.key or "").startswith("_")
            }
        )
print(json.dumps({"summary": {k: v for k, v in summ.items() if not isinstance(v, dict)}, "history_rows": len(hist)}))
