#!/usr/bin/env bash
# Back up skm: the PostgreSQL database (pg_dump custom format) and the files under
# SKM_DATA_DIR that are not in the database (evidence photos, logos, made reports).
#   DATABASE_URL=postgres://... SKM_DATA_DIR=/srv/skm/data deploy/backup.sh [DIR]
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
: "${SKM_DATA_DIR:?set SKM_DATA_DIR}"
OUT=${1:-skm-backup-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$OUT/skm.dump"
DIRS=()
for d in evidence files reports; do [ -d "$SKM_DATA_DIR/$d" ] && DIRS+=("$d"); done
tar -C "$SKM_DATA_DIR" -czf "$OUT/files.tar.gz" --files-from /dev/null "${DIRS[@]}"
(cd "$OUT" && sha256sum skm.dump files.tar.gz > SHA256SUMS)
echo "backup written to $OUT"
