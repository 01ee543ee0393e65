#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into DATABASE_URL and SKM_DATA_DIR, bring the
# schema up to date and check the counts against the responses.
#   DATABASE_URL=postgres://... SKM_DATA_DIR=/srv/skm/data deploy/restore.sh DIR
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
: "${SKM_DATA_DIR:?set SKM_DATA_DIR}"
IN=${1:?the backup directory}
(cd "$IN" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
    --dbname="$DATABASE_URL" "$IN/skm.dump"
mkdir -p "$SKM_DATA_DIR"
tar -C "$SKM_DATA_DIR" -xzf "$IN/files.tar.gz"
SKM=${SKM:-skm}
"$SKM" migrate --noinput
"$SKM" verify
echo "restored from $IN"
