#!/usr/bin/env bash
# Remove the station agent's service and program. The install puts this script in
# /opt/station-agent/scripts/ too: run it from there or from a checkout.
#
#   sudo scripts/uninstall-linux.sh            keeps /etc/station-agent (configuration, secrets),
#                                              /var/lib/station-agent (the database: print queue,
#                                              blank-card ledger, undelivered telemetry) and the user
#                                              and group (with the clerks' accounts in it)
#   sudo scripts/uninstall-linux.sh --purge    removes those too, and the log folder
#   scripts/uninstall-linux.sh --root DIR      the same, in a folder installed with --root DIR
set -euo pipefail

ROOT=/
PURGE=no
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) PURGE=yes; shift ;;
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    --root=*) ROOT=${1#--root=}; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "uninstall-linux.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
ROOT=$(cd "$ROOT" && pwd)
R=${ROOT%/}
SRC=$(cd "$(dirname "$0")/.." && pwd)
say() { printf 'uninstall-linux: %s\n' "$*"; }
[ "$ROOT" != / ] || [ "$(id -u)" = 0 ] || { echo "uninstall-linux: run it as root (sudo $0)" >&2; exit 1; }

LIVE=no
if [ "$ROOT" = / ] && [ -d /run/systemd/system ]; then LIVE=yes; fi
if [ "$LIVE" = yes ]; then
  systemctl disable --now station-agent.service 2>/dev/null || true
elif command -v systemctl >/dev/null && [ -e "$R/etc/systemd/system/station-agent.service" ]; then
  systemctl --root="$ROOT" disable station-agent.service 2>/dev/null || true
fi

# The journal's bounds, only if they are still the ones the install wrote; compared first, as
# the copy to compare with may be in the program folder removed next.
journald="$R/etc/systemd/journald.conf.d/station-agent.conf"
if [ -f "$journald" ] && [ -f "$SRC/deploy/linux/journald.conf" ] && cmp -s "$journald" "$SRC/deploy/linux/journald.conf"; then
  rm -f "$journald"
fi
rm -f "$R/etc/systemd/system/station-agent.service"
rm -rf "$R/etc/systemd/system/station-agent.service.d"
rm -f "$R/etc/udev/rules.d/60-station-agent-ups.rules"
rm -f "$R/usr/local/bin/station-agent"
# This script may be in there: bash goes on reading it from the file it has open.
rm -rf "$R/opt/station-agent" "$R/opt/station-agent.new" "$R/opt/station-agent.old"
say "service, program and command removed"

if [ "$PURGE" = yes ]; then
  rm -rf "$R/etc/station-agent" "$R/var/lib/station-agent" "$R/var/log/station-agent"
  rm -f "$R/etc/sysusers.d/station-agent.conf"
  if [ "$ROOT" = / ] && id station-agent >/dev/null 2>&1; then
    userdel station-agent 2>/dev/null || true
    getent group station-agent >/dev/null && groupdel station-agent 2>/dev/null || true
  elif [ "$ROOT" != / ]; then
    for f in passwd shadow group gshadow; do
      [ -f "$R/etc/$f" ] && sed -i '/^station-agent:/d' "$R/etc/$f"
    done
  fi
  say "purged: configuration, database, logs and the station-agent user and group are gone"
else
  say "kept: $R/etc/station-agent (configuration), $R/var/lib/station-agent (database), $R/var/log/station-agent and the station-agent user and group"
  if [ -e "$0" ]; then
    say "remove them too with: $0 --purge"
  else
    say "remove them too with: rm -rf $R/etc/station-agent $R/var/lib/station-agent $R/var/log/station-agent $R/etc/sysusers.d/station-agent.conf; userdel station-agent; groupdel station-agent"
  fi
fi

if [ "$LIVE" = yes ]; then
  systemctl daemon-reload
  if [ -S /run/udev/control ]; then udevadm control --reload || true; fi
fi
