#!/bin/sh
# Writes a config file with N [[areas]] tables to standard output, to time how long a
# config with many areas takes to load:
#   scripts/areas_config.sh 60000 > areas-60000.toml
#   /usr/bin/time -f '%e s %M KB' forceboard --config areas-60000.toml check /dev/null
set -eu
count=${1:?usage: scripts/areas_config.sh N}
awk -v count="$count" 'BEGIN {
    for (i = 1; i <= count; i++) printf "[[areas]]\ncode = \"A%06d\"\nname = \"Area %d\"\n\n", i, i
}'
