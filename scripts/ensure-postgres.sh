#!/usr/bin/env bash
# Ensure a PostgreSQL server installation (initdb, pg_ctl, postgres, psql) for the shared-backend test
# (tests/e2e/sharedBackend.test.ts starts its own throwaway server with it) and print the directory
# holding those programs (LAST line of stdout).
#
# Resolution order:
#   1. Debian's layout: the newest /usr/lib/postgresql/<version>/bin with initdb (not on PATH there);
#   2. an initdb on PATH whose directory also has pg_ctl, postgres and psql (other distributions, Homebrew);
#   3. otherwise, as root (or with passwordless sudo) on Debian/Ubuntu: `apt-get install postgresql`
#      (noninteractive, quiet), then 1.;
#   4. otherwise: fail loudly (exit 1). Nothing is skipped.
# Installs no service and starts no server. Safe to run concurrently (flock). Progress goes to stderr.
set -euo pipefail

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

complete() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" && -x "$1/psql" ]]; }

find_bin() {
  local dir
  # Newest version first (sort -V), Debian's layout.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if complete "$dir"; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    if complete "$dir"; then echo "$dir"; return 0; fi
  fi
  return 1
}

exec 9>"${TMPDIR:-/tmp}/ensure-postgres.$(id -u).lock"
flock 9

if dir="$(find_bin)"; then
  log "using PostgreSQL $("$dir/postgres" --version | awk '{print $3}') from $dir"
  echo "$dir"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL server (initdb) found and no apt-get to install it: install PostgreSQL >= 12 (server and client), then re-run $0"
# Root, or a passwordless sudo (CI runners): never a password prompt.
if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
  die "no PostgreSQL server (initdb) found; installing it needs root: run 'sudo apt-get install postgresql', then re-run $0"
fi

log "no initdb found: installing Debian's postgresql with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt_install() { "${as_root[@]}" apt-get install -y -qq --no-install-recommends postgresql >&2; }
if ! apt_install; then
  log "apt-get install failed; updating the package lists and trying again"
  "${as_root[@]}" apt-get update -qq >&2 || die "apt-get update failed (see above)"
  apt_install || die "apt-get install postgresql failed (see above)"
fi
dir="$(find_bin)" || die "apt-get installed postgresql, but no /usr/lib/postgresql/*/bin has initdb, pg_ctl, postgres and psql"
log "installed PostgreSQL $("$dir/postgres" --version | awk '{print $3}') in $dir"
echo "$dir"
