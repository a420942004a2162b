#!/bin/bash
cd /tmp/s29h/on && PYTHONPATH=/tmp/s29h/on/src nice -n 10 /work/main/.venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/samplers/test_tpe.py tests/samplers/test_sampler_conformance.py tests/samplers/test_proposal_interior.py \
  tests/samplers/test_parallel_proposals.py tests/samplers/test_partial_fixed.py tests/samplers/test_auto.py > /tmp/s29h/tests_on_samplers.txt 2>&1
PYTHONPATH=/tmp/s29h/on/src nice -n 10 /work/main/.venv/bin/python -m pytest -q -p no:cacheprovider tests/compat -k "tpe or TPE" > /tmp/s29h/tests_on_compat.txt 2>&1
date -u +"tests done %H:%M:%S" >> /tmp/s29h/tests_on.log
