#!/bin/sh
# Any program can be swept: this one reads x=... y=... (the ${args_no_hyphens} macro) and prints
# the Branin function, a standard optimization test function (minimum 0.397887), as a metric line.
for a in "$@"; do
  case "$a" in
    x=*) x="${a#x=}" ;;
    y=*) y="${a#y=}" ;;
  esac
done
awk -v x="$x" -v y="$y" 'BEGIN {
  pi = atan2(0, -1); b = 5.1 / (4 * pi * pi); c = 5 / pi; t = 1 / (8 * pi)
  f = (y - b * x * x + c * x - 6) ^ 2 + 10 * (1 - t) * cos(x) + 10
  printf "branin=%.6f\n", f
}'
