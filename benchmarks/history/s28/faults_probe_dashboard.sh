#!/bin/bash
# The dashboard while its SQLite file is corrupted under it, then restored. Usage: probe_dashboard.sh <tunewise-bin>
TW=$1; D=/tmp/s28f/dash; rm -rf $D; mkdir -p $D
cp /tmp/s28f/corrupt/good.db $D/d.db; cp $D/d.db $D/backup.db
for f in text trunc_100; do cp /tmp/s28f/corrupt/$f.db $D/$f.db; done
req() { for p in /api/studies /api/studies/s /api/studies/s/trials /api/studies/s/plots/history /api/studies/s/importance /; do
  r=$(curl -s -m 30 -o $D/body -w "%{http_code}" http://127.0.0.1:$2$p); echo "  [$1] $p -> $r $(head -c 200 $D/body | tr '\n' ' ')"; done; }
for f in text trunc_100; do
  $TW dashboard --storage sqlite:///$D/$f.db --port 18771 > $D/log_$f.txt 2>&1 &
  pid=$!; sleep 4; echo "dashboard on $f: alive=$(kill -0 $pid 2>/dev/null && echo yes || echo no)"; tail -3 $D/log_$f.txt | cut -c1-300
  req $f 18771; kill $pid 2>/dev/null; wait $pid 2>/dev/null
done
$TW dashboard --storage sqlite:///$D/d.db --port 18772 > $D/log_live.txt 2>&1 &
pid=$!; for i in $(seq 1 120); do curl -s -m 2 -o /dev/null http://127.0.0.1:18772/api/config && break; sleep 0.5; done
req good 18772
truncate -s 4096 $D/d.db; echo "truncated"; req truncated 18772
cp $D/backup.db $D/d.db; echo "restored"; req restored 18772
echo "alive=$(kill -0 $pid 2>/dev/null && echo yes || echo no)"; kill $pid; wait $pid 2>/dev/null
tail -20 $D/log_live.txt | cut -c1-300
