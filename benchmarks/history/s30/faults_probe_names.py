"""s30 faults, case 5: hostile names. Study and parameter names with NUL bytes, 10,000 characters,
and Unicode normalization twins ("café" composed, NFC, and decomposed, NFD); a storage URL with a
wrong password. Per storage: what happens (stored and read back equal / an error naming the
problem / a traceback), and whether the two twins stay two studies / two parameters.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) .venv/bin/python benchmarks/history/s30/faults_probe_names.py
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
import uuid

import tunewise as tw

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")
NAMES = {"nul": "a\x00b", "long": "n" * 10_000, "nfc": NFC, "nfd": NFD, "emoji": "loss📉", "empty": ""}


def short(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0][:150]}"


def probe(label: str, url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    for key, name in NAMES.items():
        try:
            s = tw.create_study(study_name=f"{tag}-{name}", storage=url)
            back = tw.load_study(study_name=f"{tag}-{name}", storage=url).study_name
            print(f"{label:10s} study {key:6s}: stored, read back equal: {back == f'{tag}-{name}'}")
            tw.delete_study(study_name=s.study_name, storage=url)
        except Exception as e:  # noqa: BLE001 - reported
            print(f"{label:10s} study {key:6s}: {short(e)}")
    try:
        a = tw.create_study(study_name=f"{tag}-{NFC}", storage=url)
        b = tw.create_study(study_name=f"{tag}-{NFD}", storage=url)
        names = {x.study_name for x in tw.get_all_study_summaries(url)} & {a.study_name, b.study_name}
        print(f"{label:10s} NFC/NFD studies: {len(names)} distinct")
        for x in (a, b):
            tw.delete_study(study_name=x.study_name, storage=url)
    except Exception as e:  # noqa: BLE001 - reported
        print(f"{label:10s} NFC/NFD studies: {short(e)}")
    for key, name in NAMES.items():
        study = tw.create_study(study_name=f"{tag}-p-{key}", storage=url)
        try:
            study.optimize(lambda t, n=name: t.suggest_float(n, 0, 1), n_trials=2)
            t = tw.load_study(study_name=study.study_name, storage=url).trials
            print(f"{label:10s} param {key:6s}: states {[x.state.value for x in t]}, "
                  f"read back equal: {all(list(x.params) == [name] for x in t)}")
        except Exception as e:  # noqa: BLE001 - reported
            states = [x.state.value for x in tw.load_study(study_name=study.study_name, storage=url).trials]
            print(f"{label:10s} param {key:6s}: {short(e)}; states {states}")
        tw.delete_study(study_name=study.study_name, storage=url)
    study = tw.create_study(study_name=f"{tag}-twins", storage=url)
    try:
        study.optimize(lambda t: t.suggest_float(NFC, 0, 1) + t.suggest_float(NFD, 2, 3), n_trials=2)
        t = tw.load_study(study_name=study.study_name, storage=url).trials
        print(f"{label:10s} NFC/NFD params in one trial: states {[x.state.value for x in t]}, "
              f"params per trial {[len(x.params) for x in t]}")
    except Exception as e:  # noqa: BLE001 - reported
        print(f"{label:10s} NFC/NFD params in one trial: {short(e)}")
    tw.delete_study(study_name=study.study_name, storage=url)


def main() -> None:
    probe("sqlite", f"sqlite:///{tempfile.mkdtemp()}/names.db")
    pg = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
    if pg:
        probe("postgresql", pg)
        import sqlalchemy as sa

        bad = sa.engine.make_url(pg).set(password="wrong-password").render_as_string(hide_password=False)
        for what in ("create_study", "studies CLI"):
            try:
                if what == "create_study":
                    tw.create_study(storage=bad)
                else:
                    from click.testing import CliRunner

                    from tunewise.cli import main as cli

                    r = CliRunner().invoke(cli, ["studies", "--storage", bad])
                    print(f"bad password, {what}: exit {r.exit_code}: {r.output.strip()[:220]}")
                    continue
            except Exception as e:  # noqa: BLE001 - reported
                print(f"bad password, {what}: {short(e)[:260]}; password shown: {'wrong-password' in str(e)}")


if __name__ == "__main__":
    main()
