#!/bin/bash
# CLI against corrupt / truncated / non-SQLite files. Usage: probe_corrupt.sh <tunewise-bin> <python>
TW=$1; PY=$2; D=/tmp/s28f/corrupt; rm -rf $D; mkdir -p $D
$PY - <<PYEOF
import tunewise as tw
st = tw.create_study(storage="sqlite:///$D/good.db", study_name="s")
st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50)
PYEOF
size=$(stat -c %s $D/good.db)
cp $D/good.db $D/trunc_half.db; truncate -s $((size/2)) $D/trunc_half.db
cp $D/good.db $D/trunc_100.db; truncate -s 100 $D/trunc_100.db
cp $D/good.db $D/garbage_mid.db; dd if=/dev/urandom of=$D/garbage_mid.db bs=1 seek=$((size/2)) count=4096 conv=notrunc 2>/dev/null
cp $D/good.db $D/garbage_hdr.db; dd if=/dev/urandom of=$D/garbage_hdr.db bs=1 seek=0 count=100 conv=notrunc 2>/dev/null
echo "hello, this is a text file" > $D/text.db
: > $D/empty.db
$PY -c "import sqlite3; c=sqlite3.connect('$D/other.db'); c.execute('create table foo(a)'); c.commit()"
$PY -c "import sqlite3; c=sqlite3.connect('$D/optunaish.db'); c.execute('create table studies(study_id integer, study_name text)'); c.execute('create table tunewise_meta(key text, value text)'); c.commit()"
head -c 8192 /dev/urandom > $D/random.db
for f in trunc_half trunc_100 garbage_mid garbage_hdr text empty other optunaish random; do
  for cmd in "studies" "trials s" "best s" "export s" "report s" "worker --study s --n-trials 1 --objective math:sqrt"; do
    out=$(timeout 60 $TW $cmd --storage sqlite:///$D/$f.db 2>&1 </dev/null); rc=$?
    echo "[$f] tunewise $cmd -> rc=$rc :: $(echo "$out" | tail -3 | tr '\n' ' ' | cut -c1-300)"
  done
done
