#!/usr/bin/env bash
# Restore drill (docs/deploy.md section 10): build a small registry, back it up as the
# nightly backup does (pg_dump + tar of the media folder), restore both into a fresh
# database and folder, and prove that nothing was lost: every table's row count, every
# media file's checksum, every job result named in the database present, and the
# restored copy passes `tuopin check` and `migrate --check`. Exit 1 on any difference.
#
# Usage: benchmarks/restore_drill.sh [--keep]
#   PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres): the PostgreSQL to use; it
#   creates and drops tuopin_drill_source and tuopin_drill_restored only.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGOPTIONS="-c client_min_messages=warning"  # no NOTICE for a database not there
SOURCE=tuopin_drill_source
RESTORED=tuopin_drill_restored
KEEP="${1:-}"
WORK="$(mktemp -d -t tuopin-drill-XXXXXX)"
TUOPIN=.venv/bin/tuopin
mkdir -p "$WORK/source/media" "$WORK/backup" "$WORK/restored" "$WORK/static"

# A production process, as on the server (a throw-away key for this drill).
export TUOPIN_ENV=production
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY STATIC_ROOT="$WORK/static"
url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1"; }
step() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
cleanup() {
  if [ "$KEEP" != "--keep" ]; then
    dropdb --if-exists "$SOURCE"; dropdb --if-exists "$RESTORED"; rm -rf "$WORK"
  else
    echo "kept: databases $SOURCE, $RESTORED and folder $WORK"
  fi
}
trap cleanup EXIT
started=$(date +%s)

step "1. a small registry in $SOURCE"
dropdb --if-exists "$SOURCE"; dropdb --if-exists "$RESTORED"
createdb "$SOURCE"
export DATABASE_URL="$(url "$SOURCE")" MEDIA_ROOT="$WORK/source/media"
$TUOPIN migrate --no-input -v 0
$TUOPIN regions load >/dev/null
$TUOPIN demo_users >/dev/null
$TUOPIN seed --households 200 --region 411421 --seed 1 -v 0 >/dev/null
# An edit through the services (row history), a job result in the media folder, and an
# access-log entry for its download.
$TUOPIN shell --no-imports -c "
from django.contrib.auth import get_user_model
from tuopin.audit.services import access_log_record
from tuopin.core.services import job_enqueue
from tuopin.registry.models import Household
from tuopin.registry.services import household_update
user = get_user_model().objects.get(username='county')
household = Household.objects.order_by('id').first()
household_update(acting_user=user, household=household, version=household.version,
                 attributes={'phone': '13800000000'})
job = job_enqueue(acting_user=user, kind='registry.export', region_code='411421000000',
                  params={'format': 'csv'})
access_log_record(kind='export', user=user, object_type='job', object_id=job.pk)
"
$TUOPIN worker --once >/dev/null

step "2. back up: pg_dump --format=custom, tar of the media folder"
pg_dump --format=custom --no-owner --file="$WORK/backup/tuopin.dump" "$SOURCE"
tar -C "$WORK/source" -czf "$WORK/backup/media.tar.gz" media
ls -l "$WORK/backup" | tail -n +2

step "3. restore into $RESTORED and a fresh media folder"
createdb "$RESTORED"
pg_restore --no-owner --exit-on-error --dbname="$RESTORED" "$WORK/backup/tuopin.dump"
tar -C "$WORK/restored" -xzf "$WORK/backup/media.tar.gz"

step "4. compare"
counts() {
  local database="$1"
  psql -d "$database" -At -c "SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name" |
  while read -r table; do
    echo "$table $(psql -d "$database" -At -c "SELECT count(*) FROM \"$table\"")"
  done
}
counts "$SOURCE" >"$WORK/source.counts"
counts "$RESTORED" >"$WORK/restored.counts"
checksums() { (cd "$1" && find media -type f -print0 | sort -z | xargs -0 sha256sum); }
checksums "$WORK/source" >"$WORK/source.sums"
checksums "$WORK/restored" >"$WORK/restored.sums"
failed=0
if ! diff -u "$WORK/source.counts" "$WORK/restored.counts"; then
  echo "FAILED: row counts differ"; failed=1
fi
if ! diff -u "$WORK/source.sums" "$WORK/restored.sums"; then
  echo "FAILED: media files differ"; failed=1
fi
export DATABASE_URL="$(url "$RESTORED")" MEDIA_ROOT="$WORK/restored/media"
$TUOPIN migrate --check >/dev/null || { echo "FAILED: restored schema lacks migrations"; failed=1; }
$TUOPIN check >/dev/null || { echo "FAILED: tuopin check on the restored copy"; failed=1; }
$TUOPIN shell --no-imports -c "
import sys
from pathlib import Path
from django.conf import settings
from tuopin.core.models import Job
missing = [j.pk for j in Job.objects.exclude(result_file='')
           if not (Path(settings.MEDIA_ROOT) / j.result_file).is_file()]
print(f'job result files named in the restored database: {Job.objects.exclude(result_file=\"\").count()}, missing: {len(missing)}')
sys.exit(1 if missing else 0)
" || { echo "FAILED: job result files missing"; failed=1; }

# The restored access log is still append-only (its triggers came back with the dump).
if psql -d "$RESTORED" -q -c "DELETE FROM audit_accesslog" 2>/dev/null; then
  echo "FAILED: the restored access log accepts DELETE"; failed=1
else
  echo "restored access log refuses DELETE: yes"
fi

tables=$(wc -l <"$WORK/source.counts")
rows=$(awk '{ s += $2 } END { print s }' "$WORK/source.counts")
files=$(wc -l <"$WORK/source.sums")
for table in registry_household registry_member registry_historicalhousehold audit_accesslog core_job; do
  grep "^$table " "$WORK/restored.counts" | sed 's/^/    /'
done
if [ "$failed" = 0 ]; then
  echo "RESTORE DRILL PASSED: $tables tables, $rows rows and $files media files identical after restore ($(( $(date +%s) - started )) s)"
else
  echo "RESTORE DRILL FAILED"; exit 1
fi
