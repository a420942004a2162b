"""s28 mends: CPU and wall per _chol_inverse call (LAPACK dpotri) with 1 and 2 BLAS threads."""

import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from tunewise.samplers._gp_model import _chol_inverse

print([(i["internal_api"], i["num_threads"]) for i in threadpool_info()])

rng = np.random.default_rng(0)
for n in (20, 40, 100):
    A = rng.normal(size=(n, n))
    K = A @ A.T + n * np.eye(n)
    L = np.linalg.cholesky(K)
    for th in (1, 2):
        with threadpool_limits(th):
            c0 = time.process_time()
            w0 = time.perf_counter()
            for _ in range(300):
                _chol_inverse(L)
            cpu, wall = (time.process_time() - c0) / 0.3, (time.perf_counter() - w0) / 0.3
            print(n, th, f"cpu/call {cpu:.3f} ms wall/call {wall:.3f} ms")
