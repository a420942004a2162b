"""Entry point of a worker process started by ``study.optimize(n_jobs=k)`` (see _local.py)."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from multiprocessing.connection import Client, Connection
from typing import Any

import cloudpickle

from tunewise import distributions as D
from tunewise.storage import BaseStorage, StaleOutcome, StudySummary
from tunewise.storage._base import PreparedStart
from tunewise.trial import FrozenTrial, LiveAttrs, TrialState


class ShippedCallable(bytes):
    """A function argument of a storage call, as cloudpickle bytes (see ``_RemoteStorage._call``);
    the coordinator restores it with :meth:`restore`."""

    def restore(self) -> Any:
        return cloudpickle.loads(bytes(self))


class _RemoteStorage(BaseStorage):
    """The parent's in-memory storage, reached over the coordinator connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # The study's distributions as last seen in a reply: every trial the parent sends carries
        # them (one dict per message), so the hot path needs no round trip of its own for them.
        self._dists: dict[int, dict[str, D.Distribution]] = {}
        # Numbers of WAITING trials this worker enqueued (ASHA continuations, retries) and has not
        # seen claimed: the expects_waiting() hint, kept without a round trip.
        self._enqueued: dict[int, set[int]] = {}
        self._claims_at_start: bool | None = None

    def _learn(self, study_id: int, trials: Any) -> Any:
        for t in (trials if isinstance(trials, list) else (trials,)):
            self._dists[study_id] = t._distributions
            break  # one dict shared by every trial of the study
        return trials

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        import pickle

        # A function argument (recover_stale_trials' outcome) may be a closure, which pickle refuses:
        # it travels as cloudpickle bytes and the coordinator restores it (ShippedCallable).
        kind = "storage"
        if any(callable(a) for a in args):
            kind = "storage_fn"
            args = tuple(ShippedCallable(cloudpickle.dumps(a)) if callable(a) else a for a in args)
        self._conn.send((kind, name, args, kwargs))
        status, value = self._conn.recv()
        if status == "err":
            raise pickle.loads(value)
        return value

    def create_study(self, name: str, directions: list[str]) -> int:
        return self._call("create_study", name, directions)  # type: ignore[no-any-return]

    def get_study_id(self, name: str) -> int:
        return self._call("get_study_id", name)  # type: ignore[no-any-return]

    def get_study_directions(self, study_id: int) -> list[str]:
        return self._call("get_study_directions", study_id)  # type: ignore[no-any-return]

    def get_all_studies(self) -> list[StudySummary]:
        return self._call("get_all_studies")  # type: ignore[no-any-return]

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_attr", study_id, key, value)

    def set_study_attr_item(self, study_id: int, key: str, item: str, value: Any) -> None:
        self._call("set_study_attr_item", study_id, key, item, value)  # atomic in the parent's storage

    def get_study_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_attrs", study_id)  # type: ignore[no-any-return]

    def get_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        dists: dict[str, D.Distribution] = self._call("get_distributions", study_id)
        self._dists[study_id] = dists
        return dict(dists)

    def known_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        known = self._dists.get(study_id)
        return dict(known) if known is not None else self.get_distributions(study_id)

    def add_distribution(self, study_id: int, name: str, dist: D.Distribution) -> D.Distribution:
        stored: D.Distribution = self._call("add_distribution", study_id, name, dist)
        self._dists.setdefault(study_id, {})[name] = stored
        return stored

    def enqueue_trial(self, study_id: int, fixed_params: Mapping[str, Any],
                      system_attrs: Mapping[str, Any] | None = None,
                      user_attrs: Mapping[str, Any] | None = None) -> FrozenTrial:
        t: FrozenTrial = self._call("enqueue_trial", study_id, dict(fixed_params),
                                    system_attrs=system_attrs, user_attrs=user_attrs)
        self._enqueued.setdefault(study_id, set()).add(t.number)
        return t

    def next_trial_number(self, study_id: int, *, claim_waiting: bool = True) -> int:
        return self._call("next_trial_number", study_id, claim_waiting=claim_waiting)  # type: ignore

    def expects_waiting(self, study_id: int) -> bool:
        # Only what this worker enqueued is known without a round trip (a trial another worker
        # enqueued gets a proposal that goes unused, as before the hint existed).
        return bool(self._enqueued.get(study_id))

    def start_trial(self, study_id: int, *, claim_waiting: bool = True,
                    max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        kwargs: dict[str, Any] = {"claim_waiting": claim_waiting}
        if max_started is not None:
            kwargs["max_started"] = max_started
        if prepared is not None:
            kwargs["prepared"] = PreparedStart(prepared.number, dict(prepared.system_attrs),
                                               dict(prepared.user_attrs), prepared.claim)
        t: FrozenTrial = self._learn(study_id, self._call("start_trial", study_id, **kwargs))
        mine = self._enqueued.get(study_id)
        if mine:
            # The oldest WAITING trial is claimed first: every one of ours up to the number just
            # started has been claimed, by this worker or another.
            mine.difference_update([n for n in mine if n <= t.number])
        return t

    def update_trial(self, trial_id: int, **kwargs: Any) -> None:
        self._call("update_trial", trial_id, **_shipped(kwargs))

    def finish_trial(self, trial_id: int, state: TrialState, values: list[float] | None, **kwargs: Any) -> bool:
        return self._call("finish_trial", trial_id, state, values, **_shipped(kwargs))  # type: ignore[no-any-return]

    def record_late_result(self, trial_id: int, late: Mapping[str, Any]) -> bool:
        return self._call("record_late_result", trial_id, dict(late))  # type: ignore[no-any-return]

    def record_late_params(self, trial_id: int, params: Mapping[str, Any]) -> list[str]:
        return self._call("record_late_params", trial_id, dict(params))  # type: ignore[no-any-return]

    def get_trial(self, trial_id: int) -> FrozenTrial:
        return self._call("get_trial", trial_id)  # type: ignore[no-any-return]

    def get_trials(self, study_id: int, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        wanted = None if states is None else tuple(s for s in TrialState if s in states)
        trials = self._call("get_trials", study_id, wanted)
        return self._learn(study_id, trials)  # type: ignore[no-any-return]

    def start_retry_of(self, study_id: int, number: int) -> FrozenTrial | None:
        t: FrozenTrial | None = self._call("start_retry_of", study_id, number)
        return None if t is None else self._learn(study_id, t)  # type: ignore[no-any-return]

    def has_waiting_retry(self, study_id: int) -> bool:
        return self._call("has_waiting_retry", study_id)  # type: ignore[no-any-return]

    def count_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return self._call("count_trials", study_id, None if states is None else tuple(states))  # type: ignore

    def try_claim(self, study_id: int, key: str) -> bool:
        return self._call("try_claim", study_id, key)  # type: ignore[no-any-return]

    def claim_for_trial(self, study_id: int, trial_id: int, key: str, system_attrs: Mapping[str, Any]) -> bool:
        # One call: the parent's storage claims and writes atomically.
        return self._call("claim_for_trial", study_id, trial_id, key, dict(system_attrs))  # type: ignore[no-any-return]

    def claims_at_start(self) -> bool:
        if self._claims_at_start is None:  # the parent's storage's answer, asked once
            self._claims_at_start = bool(self._call("claims_at_start"))
        return self._claims_at_start

    def is_claimed(self, study_id: int, key: str) -> bool:
        return self._call("is_claimed", study_id, key)  # type: ignore[no-any-return]

    def release_claim(self, study_id: int, key: str) -> bool:
        return self._call("release_claim", study_id, key)  # type: ignore[no-any-return]

    def claim_and_enqueue(self, study_id: int, key: str,
                          trials: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[FrozenTrial] | None:
        # One call: the parent's storage claims and enqueues atomically.
        out: list[FrozenTrial] | None = self._call("claim_and_enqueue", study_id, key,
                                                   [(dict(p), dict(a)) for p, a in trials])
        if out:
            self._enqueued.setdefault(study_id, set()).update(t.number for t in out)
        return out

    def record_heartbeat(self, trial_id: int) -> bool | None:
        return self._call("record_heartbeat", trial_id)  # type: ignore[no-any-return]

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[FrozenTrial]:
        return self._call("fail_stale_trials", study_id, grace_seconds)  # type: ignore[no-any-return]

    def recover_stale_trials(self, study_id: int, grace_seconds: float,
                             outcome: Callable[[FrozenTrial], StaleOutcome], *,
                             alive: Collection[int] = ()) -> list[tuple[FrozenTrial, FrozenTrial | None]]:
        # One call, so that the parent's storage ends each trial and enqueues its retry atomically
        # (sparing the trials this worker runs).
        return self._call("recover_stale_trials", study_id, grace_seconds, outcome,  # type: ignore[no-any-return]
                          **({"alive": set(alive)} if alive else {}))

    def recover_trial(self, study_id: int, trial_id: int, reason: str,
                      outcome: Callable[[FrozenTrial], StaleOutcome], *,
                      params: Mapping[str, Any] | None = None,
                      intermediate_values: Mapping[int, float] | None = None,
                      user_attrs: Mapping[str, Any] | None = None,
                      system_attrs: Mapping[str, Any] | None = None) -> tuple[FrozenTrial, FrozenTrial | None] | None:
        # One call (a worker stopped by SIGTERM fails its trial): the parent's storage ends the
        # trial and enqueues its retry atomically.
        fields = {"params": params, "intermediate_values": intermediate_values, "user_attrs": user_attrs,
                  "system_attrs": system_attrs}
        return self._call("recover_trial", study_id, trial_id, reason, outcome,  # type: ignore[no-any-return]
                          **_shipped(fields))

    def detach_trial(self, trial_id: int) -> bool:
        return self._call("detach_trial", trial_id)  # type: ignore[no-any-return]


def _shipped(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A write's fields as they travel to the parent: plain dicts, except a live trial's attributes,
    which keep the keys they set (``LiveAttrs``), so the parent's storage merges those only."""
    return {k: v if v is None or type(v) is LiveAttrs else dict(v) for k, v in fields.items()}


def main() -> None:
    from tunewise.execution._job import RemoteJob

    address = os.environ["TUNEWISE_COORDINATOR_ADDRESS"]
    authkey = bytes.fromhex(os.environ["TUNEWISE_COORDINATOR_AUTHKEY"])
    index = int(os.environ.get("TUNEWISE_WORKER_INDEX", "0"))
    conn = Client(address, family="AF_UNIX", authkey=authkey)
    conn.send(("hello", index))
    job: RemoteJob = cloudpickle.loads(conn.recv_bytes())
    # With the in-memory storage the parent serves it (and starts each trial itself, so it knows
    # which trial this worker runs); with a URL this worker opens it and announces each trial.
    runner = job.open(None if job.storage_url else _RemoteStorage(conn), worker=index)
    from tunewise.execution._resources import apply_thread_limit

    apply_thread_limit()  # this worker's share of the cores, for what is loaded already (numpy's BLAS)
    def announce_param(trial_id: int, name: str, value: Any) -> None:
        # One-way, as each value is chosen: if this process dies before the values reach the
        # storage (heartbeats save them a moment later), the parent reruns the same configuration.
        conn.send(("param", trial_id, name, value))

    announce = None
    if job.storage_url:
        def announce(trial_id: int) -> None:
            # One-way: the parent then knows which trial to fail if this process dies.
            conn.send(("started", trial_id))

    from tunewise._interrupts import TerminateAsInterrupt

    terminate = TerminateAsInterrupt(end_as_sigterm=False)  # SIGTERM fails (and requeues) the trial
    terminate.__enter__()
    try:
        while True:
            conn.send(("slot",))
            if not conn.recv():
                break
            try:
                frozen = runner.run_trial(on_start=announce, on_param=announce_param)
            except KeyboardInterrupt:
                break
            except BaseException as e:
                data: bytes | None
                try:
                    data = cloudpickle.dumps(e)
                except Exception:
                    data = None
                conn.send(("error", data, traceback.format_exc()))
                conn.recv()
                break
            if frozen is None:  # the search is exhausted
                conn.send(("exhausted",))
                conn.recv()
                break
            # With whether the objective called study.stop(): the parent's
            # study is another object, and Optuna's stop() from an objective ends the whole run.
            conn.send(("done", frozen, runner.stop_requested))
            if conn.recv():
                break
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass  # the parent went away or the user pressed Ctrl-C; nothing left to report
    finally:
        terminate.__exit__(None, None, None)
        conn.close()
        runner.close()


if __name__ == "__main__":
    main()
