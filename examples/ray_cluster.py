"""The guide's Ray Tune ASHA search, run by tunewise on a Ray cluster (``tw.RayExecutor``).

The guide's Ray Tune version, for comparison::

    from ray import tune
    from ray.tune.schedulers import ASHAScheduler

    def train_function(config):
        model = NeuralNetwork(input_size=784, hidden_size=config['hidden_size'],
                              num_layers=config['num_layers'], dropout=config['dropout'])
        optimizer = torch.optim.Adam(model.parameters(), lr=config['learning_rate'],
                                     weight_decay=config['weight_decay'])
        train_loader = DataLoader(train_dataset, batch_size=config['batch_size'], shuffle=True)
        val_loader = DataLoader(val_dataset, batch_size=256)
        for epoch in range(100):
            train_loss = train_epoch(model, train_loader, optimizer)
            val_acc = evaluate(model, val_loader)
            tune.report(accuracy=val_acc, loss=train_loss)

    config = {
        'learning_rate': tune.loguniform(1e-5, 1e-2),
        'hidden_size': tune.choice([64, 128, 256, 512]),
        'num_layers': tune.randint(2, 7),
        'dropout': tune.uniform(0.1, 0.5),
        'batch_size': tune.choice([16, 32, 64, 128]),
        'weight_decay': tune.loguniform(1e-6, 1e-3),
    }
    scheduler = ASHAScheduler(metric='accuracy', mode='max', max_t=100, grace_period=10,
                              reduction_factor=3)
    analysis = tune.run(train_function, config=config, num_samples=50, scheduler=scheduler,
                        resources_per_trial={'gpu': 0.5}, verbose=1)
    best_config = analysis.get_best_config(metric='accuracy', mode='max')

The tunewise version below keeps the training function and the search space as they are
(``tw.report`` for ``tune.report``, ``tw.loguniform`` for ``tune.loguniform``...). Each trial is
a Ray task asking for half a GPU, on the cluster ``ray.init(address=...)`` joins; the study's
storage (a SQLite file here, PostgreSQL across machines) is the single source of truth, so a
trial whose Ray worker dies is retried and ``max_trials`` holds exactly.

Quick mode (``TUNEWISE_EXAMPLE_QUICK=1``, or no ``RAY_ADDRESS``) starts a local Ray with two CPUs
and two fake GPUs, and trains a small MLP on the digits data set on the CPU.

    RAY_ADDRESS=auto .venv/bin/python examples/ray_cluster.py   # on a running Ray cluster
"""

from __future__ import annotations

import os
import tempfile

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
MAX_T = 3 if QUICK else 100


def train_function(config: dict) -> None:
    import torch
    from sklearn.datasets import load_digits

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # the task's GPU, set by Ray
    X, y = load_digits(return_X_y=True)
    X = torch.as_tensor(X / 16.0, dtype=torch.float32, device=device)
    y = torch.as_tensor(y, device=device)
    layers: list[torch.nn.Module] = []
    width = 64
    for _ in range(config["num_layers"]):
        layers += [torch.nn.Linear(width, config["hidden_size"]), torch.nn.ReLU(), torch.nn.Dropout(config["dropout"])]
        width = config["hidden_size"]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learning_rate"], weight_decay=config["weight_decay"])
    batch = config["batch_size"]
    for epoch in range(1, MAX_T + 1):
        model.train()
        for i in range(0, 1400, batch):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X[i:i + batch]), y[i:i + batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_acc = (model(X[1400:]).argmax(1) == y[1400:]).float().mean().item()
        tw.report({"accuracy": val_acc, "loss": loss.item()}, step=epoch)  # ASHA stops it here when told


config = {
    "learning_rate": tw.loguniform(1e-5, 1e-2),
    "hidden_size": tw.choice([64, 128, 256, 512]),
    "num_layers": tw.randint(2, 7),
    "dropout": tw.uniform(0.1, 0.5),
    "batch_size": tw.choice([16, 32, 64, 128]),
    "weight_decay": tw.loguniform(1e-6, 1e-3),
}

if __name__ == "__main__":
    import ray

    address = os.environ.get("RAY_ADDRESS")
    if QUICK or not address:
        ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False)  # 2 fake GPUs
    else:
        ray.init(address=address)
    scheduler = tw.schedulers.ASHAScheduler(min_resource=1 if QUICK else 10, max_resource=MAX_T,
                                            reduction_factor=3)  # grace_period=10, max_t=100
    study = tw.create_study(direction="maximize", metric="accuracy", scheduler=scheduler,
                            storage="sqlite:///" + os.path.join(tempfile.mkdtemp(), "ray.db"),
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(train_function, space=config, n_trials=4 if QUICK else 50,
                   executor=tw.RayExecutor(), resources={"gpu": 0.5})
    for t in study.trials:
        print(f"trial {t.number}: {t.state.value:8s} epochs={len(t.intermediate_values):3d} "
              f"GPU {t.system_attrs.get('devices')} accuracy={max(t.intermediate_values.values()):.3f}")
    print(f"Best config: {study.best_params} (accuracy {study.best_value:.3f})")
    ray.shutdown()
