# ruff: noqa  (session 12 diagnostic scripts, kept as they were run)
import sys

import numpy as np

sys.path.insert(0,'/work/main/benchmarks')
from _curve_families import DEV_SHAPES, instance


def rungs(R, eta):
    r=[];x=1
    while x< R: r.append(x); x*=eta
    return r
def feats(curve, r):
    # curve: dict step->value
    v = curve[r]
    xs = [s for s in curve if r/2 <= s <= r]
    if len(xs) >= 2:
        x = np.array(xs, float); y = np.array([curve[s] for s in xs])
        slope = np.polyfit(x, y, 1)[0]
    else:
        slope = 0.0
    return [1.0, v, slope * (1 if len(xs) >= 2 else 0)]
ntrain = int(sys.argv[1]) if len(sys.argv) > 1 else 8
for name, sh in {**DEV_SHAPES}.items():
    if len(sys.argv)>2 and name not in sys.argv[2:]: continue
    R=sh.max_resource; e=sh.reduction_factor; rs=rungs(R,e)
    acc=np.zeros((len(rs),3))
    for seed in range(20):
        inst=instance(sh, seed); rng=np.random.default_rng(seed)
        def cfg(): return {"lr":10**rng.uniform(-4,0),"width":rng.uniform(),"reg":10**rng.uniform(-6,-1)}
        def curve(c): return {t: inst.observe(c, t, rng) for t in range(1, R+1)}
        tr=[cfg() for _ in range(ntrain)]; te=[cfg() for _ in range(300)]
        trc=[curve(c) for c in tr]; tec=[curve(c) for c in te]
        fin=np.array([inst.loss(c,R) for c in te]); top=set(np.argsort(fin)[:100])
        yfin=np.array([c[R] for c in trc])
        for k,r in enumerate(rs):
            v=np.array([c[r] for c in tec])
            kept=set(np.argsort(v)[:300//e]); acc[k,0]+=len(top&kept)/100
            Xtr=np.array([feats(c,r) for c in trc]); Xte=np.array([feats(c,r) for c in tec])
            coef=np.linalg.lstsq(Xtr,yfin,rcond=None)[0]; p=Xte@coef
            kept=set(np.argsort(p)[:300//e]); acc[k,1]+=len(top&kept)/100
            p=Xte[:,1]+np.minimum(Xte[:,2],0)*(R-r)*0.5
            kept=set(np.argsort(p)[:300//e]); acc[k,2]+=len(top&kept)/100
    acc/=20
    print(f"{name:22s}", " ".join(f"r{r}:{a:.2f}/{b:.2f}/{c:.2f}" for r,(a,b,c) in zip(rs,acc)))
