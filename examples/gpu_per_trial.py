"""One GPU per trial: ``optimize(n_jobs=k, resources={"gpu": 1})`` trains one torch model per GPU.

Each worker process is given its own device (``CUDA_VISIBLE_DEVICES`` is set before the
objective runs, so ``torch.device("cuda")`` is that GPU), each trial is told which one
(``trial.devices``, kept in ``system_attrs["devices"]``), and a trial waits while no device is
free. ``{"gpu": 0.5}`` puts two trials on each GPU. Each worker also gets its share of the CPU
threads (``resources={"cpu": k}``; default ``cores // n_jobs``), so torch does not oversubscribe.

On a machine without a GPU (and with ``TUNEWISE_EXAMPLE_QUICK=1``) two GPUs are faked with
``CUDA_VISIBLE_DEVICES=0,1``: the devices are shared out the same way and the models train on
the CPU.

    .venv/bin/python examples/gpu_per_trial.py
"""

from __future__ import annotations

import os

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"


def objective(trial: tw.Trial) -> float:
    import torch
    from sklearn.datasets import load_digits

    # CUDA_VISIBLE_DEVICES names only this trial's GPU, so "cuda" is that device.
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    trial.set_user_attr("torch_threads", torch.get_num_threads())
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    hidden = trial.suggest_categorical("hidden", [32, 64, 128])
    X, y = load_digits(return_X_y=True)
    X = torch.as_tensor(X / 16.0, dtype=torch.float32, device=device)
    y = torch.as_tensor(y, device=device)
    torch.manual_seed(trial.number)
    model = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(5 if QUICK else 30):
        for i in range(0, 1400, 100):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[i:i + 100]), y[i:i + 100]).backward()
            opt.step()
        with torch.no_grad():
            acc = (model(X[1400:]).argmax(1) == y[1400:]).float().mean().item()
        trial.report(acc, epoch)
    return acc


if __name__ == "__main__":
    devices = tw.execution.visible_devices()
    if QUICK or not devices:
        os.environ["CUDA_VISIBLE_DEVICES"] = "0,1"  # two fake GPUs: the models train on the CPU
        devices = tw.execution.visible_devices()
    print(f"devices: {devices}")
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=4 if QUICK else 4 * len(devices), n_jobs=len(devices),
                   resources={"gpu": 1})
    for t in study.trials:
        print(f"trial {t.number}: GPU {','.join(t.system_attrs['devices'])}, "
              f"{t.user_attrs['torch_threads']} torch thread(s), accuracy {t.value:.3f}")
    # From the recorded devices and times: trials that ran at the same time had different GPUs.
    trials = study.trials
    for i, a in enumerate(trials):
        for b in trials[i + 1:]:
            if a.datetime_start < b.datetime_complete and b.datetime_start < a.datetime_complete:
                assert a.system_attrs["devices"] != b.system_attrs["devices"]
    print(f"best accuracy {study.best_value:.3f} with {study.best_params}")
