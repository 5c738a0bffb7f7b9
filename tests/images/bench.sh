#!/bin/bash
# Figure pipeline benchmark on a directory of figures (default: the reading
# group's Images/): PDF size against source bytes, 1 thread against 2, cold
# against warm cache, full resolution against --dpi 150 with every figure
# placed 453 pt wide. Each case runs RUNS times (default 5); the median wall
# time and peak RSS are printed. Build imgpdf in Release for real numbers.
# Usage: bench.sh IMGPDF [IMAGES-DIR] [RUNS]
set -u
IMGPDF=$(realpath "$1")
DIR=${2:-$(dirname "$0")/../../../shared/corpus/reading-group/Images}
RUNS=${3:-5}
[ -d "$DIR" ] || { echo "no figures at $DIR"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mapfile -d '' FILES < <(find "$DIR" -maxdepth 1 -type f -print0 | sort -z)

# run LABEL CACHE-MODE(none|cold|warm) ARGS...: prints the median line.
run() {
  local label=$1 mode=$2
  shift 2
  local out=() i
  for ((i = 0; i < RUNS; i++)); do
    local cache=()
    case $mode in
    cold) rm -rf "$T/cache"; cache=(--cache "$T/cache") ;;
    warm) cache=(--cache "$T/cache") ;;
    esac
    out+=("$("$IMGPDF" --stats "${cache[@]}" "$@" "$T/out.pdf" "${FILES[@]}" 2>/dev/null)")
  done
  printf '%s\n' "${out[@]}" | python3 -c '
import sys, statistics
label = sys.argv[1]
rows = [dict(zip(l.split()[0::2], l.split()[1::2])) for l in sys.stdin if l.strip()]
def med(k):
    return statistics.median(float(r[k]) for r in rows)
r = rows[0]
src, pdf = int(r["source_bytes"]) / 1e6, int(r["pdf_bytes"]) / 1e6
print("%-34s %7.2f MB %7.2f MB %6.3f %7.3f s %7.3f s %7.1f MB  failed %s"
      % (label, src, pdf, float(r["ratio"]), med("total_s"), med("cpu_s"), med("maxrss_kb") / 1024,
         r["failed"]))
' "$label"
}

echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ${#FILES[@]} figures, median of $RUNS"
printf '%-34s %10s %10s %6s %9s %9s %10s\n' case source pdf ratio wall cpu peak-rss
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times)"
run "1 thread, no cache" none --threads 1
run "2 threads, no cache" none --threads 2
rm -rf "$T/cache"
run "2 threads, cold cache" cold --threads 2
"$IMGPDF" --cache "$T/cache" "$T/out.pdf" "${FILES[@]}" 2>/dev/null
run "2 threads, warm cache" warm --threads 2
run "dpi 150 @453pt, 1 thread" none --threads 1 --dpi 150 --width 453
run "dpi 150 @453pt, 2 threads" none --threads 2 --dpi 150 --width 453
rm -rf "$T/cache"
run "dpi 150 @453pt, 2 threads, cold" cold --threads 2 --dpi 150 --width 453
"$IMGPDF" --cache "$T/cache" --dpi 150 --width 453 "$T/out.pdf" "${FILES[@]}" 2>/dev/null
run "dpi 150 @453pt, 2 threads, warm" warm --threads 2 --dpi 150 --width 453
