# ruff: noqa  (session 12 diagnostic scripts, kept as they were run)
import sys

import numpy as np

sys.path.insert(0,'.')
from _curve_families import DEV_SHAPES, TEST_SHAPES, instance


def rungs(R, eta):
    r=[];x=1
    while x< R: r.append(x); x*=eta
    return r
for name, sh in {**DEV_SHAPES, **TEST_SHAPES}.items():
    out=[]
    for seed in range(20):
        inst=instance(sh, seed)
        rng=np.random.default_rng(seed)
        n=300
        cfgs=[{"lr":10**rng.uniform(-4,0),"width":rng.uniform(),"reg":10**rng.uniform(-6,-1)} for _ in range(n)]
        fin=np.array([inst.loss(c, sh.max_resource) for c in cfgs])
        top=set(np.argsort(fin)[:n//3]) ; best=set(np.argsort(fin)[:n//10])
        row=[]
        for r in rungs(sh.max_resource, sh.reduction_factor):
            v=np.array([inst.observe(c, r, rng) for c in cfgs])
            kept=set(np.argsort(v)[:n//sh.reduction_factor])
            row.append((len(top&kept)/len(top), len(best&kept)/len(best)))
        out.append(row)
    out=np.array(out).mean(0)
    R=sh.max_resource; e=sh.reduction_factor
    price=[r/R+(1-r/R)/e for r in rungs(R,e)]
    print(f"{name:22s}", " ".join(f"r{r}:{a:.2f}/{b:.2f}(p{p:.2f})" for r,(a,b),p in zip(rungs(R,e),out,price)))
