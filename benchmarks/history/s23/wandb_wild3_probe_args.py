"""s23 probe: the command-line tokens of one run, W&B 0.31's agent (``create_sweep_command_args``) against
tunewise's ``build_command``, for every ``${args...}`` macro, on values of each kind a sweep can hand a program
(a nested block, a list, booleans, a string with a space, None, small and large floats, an int, a negative).

    PYTHONPATH=/tmp/s23/after/src:/tmp/s23/wbextra .venv/bin/python benchmarks/history/s23/wandb_wild3_probe_args.py
"""

from wandb.sdk.launch.sweeps import utils as wandb_utils

from tunewise.sweeps._protocol import build_command

CONFIG = {
    "opt": {"lr": 0.01, "name": "adam"},
    "hs": [64, 32],
    "flag": True,
    "off": False,
    "s": "64 32",
    "n": None,
    "f": 1e-05,
    "big": 1e20,
    "i": 3,
    "neg": -0.5,
}
MACROS = (
    "args",
    "args_no_equals",
    "args_no_hyphens",
    "args_no_boolean_flags",
    "args_json",
    "args_append_hydra",
    "args_override_hydra",
)

wandb_tokens = wandb_utils.create_sweep_command_args({"args": {k: {"value": v} for k, v in CONFIG.items()}})
for macro in MACROS:
    ours = build_command(["${" + macro + "}"], None, CONFIG)
    print(macro, "SAME" if ours == wandb_tokens[macro] else f"DIFF tunewise={ours} wandb={wandb_tokens[macro]}")
