#!/usr/bin/env bash
# Install (or upgrade) the station agent as a systemd service on a Debian-like PC.
#
#   sudo scripts/install-linux.sh            from a built checkout: npm ci && npm run build first
#   scripts/install-linux.sh --root DIR      install into DIR as if it were / (packaging, tests)
#
# Safe to run again: it replaces the program in /opt/station-agent and the service files, and
# never changes an existing /etc/station-agent/agent.yaml or the data in /var/lib/station-agent
# (only the group and mode of its files, so that the station-agent group may write them: clerks'
# accounts in that group run their commands without sudo).
# Without a running systemd (a container, a chroot, --root) it installs and enables the
# service and says what to run once systemd is there.
set -euo pipefail

ROOT=/
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    --root=*) ROOT=${1#--root=}; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "install-linux.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
ROOT=$(cd "$ROOT" && pwd)
R=${ROOT%/}   # prefix for every installed path: "" for /
SRC=$(cd "$(dirname "$0")/.." && pwd)
USER_NAME=station-agent
PREFIX=/opt/station-agent
say() { printf 'install-linux: %s\n' "$*"; }
die() { printf 'install-linux: %s\n' "$*" >&2; exit 1; }

[ "$ROOT" != / ] || [ "$(id -u)" = 0 ] || die "run it as root (sudo $0), or with --root DIR to install into a folder"
[ -f "$SRC/dist/bin/station-agent.js" ] || die "$SRC is not built: run 'npm ci && npm run build' there first"

# Node.js 20.19 or newer in line 20, or 22.12 or newer, as package.json says (what rolldown, which builds the program, runs on); its path goes into the unit and the wrapper.
NODE=$(command -v node || true)
[ -n "$NODE" ] || die "Node.js is not installed: install Node.js 20 (20.19 or newer), then run this again"
NODE=$(readlink -f "$NODE")
# The service cannot see /root or /home (ProtectHome=yes): a Node.js from nvm or a home folder
# would run by hand and then fail as a service with "No such file or directory".
case "$NODE" in
  /root/*|/home/*) die "Node.js at $NODE is under /root or /home, which the service cannot see (ProtectHome=yes): install Node.js 20 for the whole PC (the nodejs.org or NodeSource packages put it in /usr/bin), make sure 'command -v node' finds that one (with nvm: 'nvm deactivate'), then run this again" ;;
esac
"$NODE" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||(a===22&&b>=12)||a>22?0:1)' \
  || die "Node.js $("$NODE" --version) at $NODE is not one the agent is built and tested for: install Node.js 20 (20.19 or newer) or 22.12 or newer"

# 1. The user and its group, through systemd-sysusers (works offline and under --root). The
# group is the clerks' too: an account in it runs the clerk's commands without sudo.
install -D -m 0644 "$SRC/deploy/linux/sysusers.conf" "$R/etc/sysusers.d/station-agent.conf"
if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers --root="$ROOT" "$R/etc/sysusers.d/station-agent.conf"
elif [ "$ROOT" = / ]; then
  getent group "$USER_NAME" >/dev/null || groupadd --system "$USER_NAME"
  id "$USER_NAME" >/dev/null 2>&1 || useradd --system --gid "$USER_NAME" --home-dir /var/lib/station-agent --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
# Owner of the agent's folders, looked up in the target's own user list.
owner() {
  local uid gid
  uid=$(awk -F: -v u="$USER_NAME" '$1==u {print $3}' "$R/etc/passwd" 2>/dev/null || true)
  gid=$(awk -F: -v g="$USER_NAME" '$1==g {print $3}' "$R/etc/group" 2>/dev/null || true)
  if [ -n "$uid" ] && [ -n "$gid" ] && [ "$(id -u)" = 0 ]; then echo "$uid:$gid"; fi
}
OWNER=$(owner)
[ -n "$OWNER" ] || say "note: not root or no $USER_NAME user under $ROOT: folders keep their current owner"
own() { if [ -n "$OWNER" ]; then chown "$@"; fi; }

# 2. The program: dist, the pages and schemas it reads, the production dependencies only, and
# the docs, into a fresh folder
# swapped in at the end, so an interrupted upgrade leaves the old program whole.
new="$R$PREFIX.new"
rm -rf "$new"
mkdir -p "$new"
cp -a "$SRC/package.json" "$SRC/dist" "$new/"
# What the program reads beside its code, at its path in the source (core/package-root.ts).
(cd "$SRC" && cp -a --parents agent/operator/web dashboard/web telemetry/schemas "$new/")
[ -f "$SRC/package-lock.json" ] && cp -a "$SRC/package-lock.json" "$new/"
mkdir -p "$new/docs" "$new/deploy"
cp -a "$SRC/docs/." "$new/docs/" 2>/dev/null || true
cp -a "$SRC/deploy/linux" "$new/deploy/"
cp -a "$SRC/README.md" "$new/" 2>/dev/null || true
# The uninstall script too, so removing the agent does not need the checkout it came from.
install -D -m 0755 "$SRC/scripts/uninstall-linux.sh" "$new/scripts/uninstall-linux.sh"
# npm ls exits non-zero on a mere warning (an extraneous package), so its status is not used:
# a package missing from its list is caught when the copy is checked below.
(cd "$SRC" && npm ls --omit=dev --all --parseable 2>/dev/null || true) | tail -n +2 | sed "s#^$SRC/##" | sort -u > "$new/.production-packages"
[ -s "$new/.production-packages" ] || die "could not list the production packages (npm ls): is $SRC/node_modules complete (npm ci)?"
(cd "$SRC" && xargs -a "$new/.production-packages" cp -a --parents -t "$new")
rm -f "$new/.production-packages"
# Root's, whoever owns the checkout: cp -a keeps its owner (uid 1000, say), and that user could
# then change code the service and root run.
if [ "$(id -u)" = 0 ]; then chown -R 0:0 "$new"; fi
chmod -R u=rwX,go=rX "$new"
# Every production package must load from the copy: `--version` alone loads only what the CLI
# imports up front, not a driver's package (ipp, say) imported once the configuration names it.
# Importing, not only resolving, also catches a package whose own dependencies are missing.
broken=$(cd "$new" && "$NODE" --input-type=module -e '
  const { readFileSync } = await import("node:fs");
  const deps = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies ?? {});
  const bad = [];
  for (const name of deps) await import(name).catch((e) => bad.push(`${name} (${e.code ?? e.message})`));
  console.log(bad.join(", "));
  process.exit(0);
') || die "could not check the production packages in $new with $NODE; the installed one is unchanged"
[ -z "$broken" ] || die "production package(s) cannot be loaded from the copy: $broken. Run 'npm ci' in $SRC (it installs every package in package-lock.json), then this script again; the installed one is unchanged"
# The copy must start (every module the CLI loads, SQLite's native one included) before it
# replaces the program that runs now.
"$NODE" "$new/dist/bin/station-agent.js" --version >/dev/null || die "the copied program in $new does not start; the installed one is unchanged"
if [ -d "$R$PREFIX" ]; then
  rm -rf "$R$PREFIX.old"
  mv "$R$PREFIX" "$R$PREFIX.old"
fi
mv "$new" "$R$PREFIX"
rm -rf "$R$PREFIX.old"
say "program installed in $R$PREFIX ($(du -sh "$R$PREFIX" | cut -f1)); to remove it: sudo $PREFIX/scripts/uninstall-linux.sh"

# 3. The command technicians type, running as the service's user with the station's file.
install -D -m 0755 "$SRC/deploy/linux/station-agent.sh" "$R/usr/local/bin/station-agent"
sed -i "s#^NODE=.*#NODE=$NODE#" "$R/usr/local/bin/station-agent"

# 4. Folders: configuration (root's, readable by the group: the clerk's commands read
# agent.yaml), logs (the agent's), and the data folder, the agent's and its group's: 2770, setgid
# so that every file made in it gets the group, nothing for anyone else. The unit's
# StateDirectoryMode says the same, and systemd sets it again at every start.
DATA="$R/var/lib/station-agent"
install -d -m 0750 "$R/etc/station-agent" "$R/var/log/station-agent"
install -d -m 2770 "$DATA"
own "root:${OWNER#*:}" "$R/etc/station-agent"
own "$OWNER" "$DATA" "$R/var/log/station-agent"
# An earlier install left the database and its files 0640 and its folder 0750: give them to the
# group as well. Group and mode only, never a file's content; symbolic links are left alone.
if [ -n "$OWNER" ]; then
  find "$DATA" -mindepth 1 \( -type d -o -type f \) -exec chgrp "${OWNER#*:}" {} +
fi
find "$DATA" -mindepth 1 -type d -exec chmod g+rwxs,o-rwx {} +
find "$DATA" -mindepth 1 -type f -exec chmod g+rw,o-rwx {} +
FIRST_INSTALL=no
if [ ! -e "$R/etc/station-agent/agent.yaml" ]; then
  FIRST_INSTALL=yes
  install -m 0640 "$SRC/docs/station.example.yaml" "$R/etc/station-agent/agent.yaml"
  own "root:${OWNER#*:}" "$R/etc/station-agent/agent.yaml"
  say "wrote a starter configuration $R/etc/station-agent/agent.yaml: fill in the station's id, broker and printer"
else
  say "kept the existing configuration $R/etc/station-agent/agent.yaml"
fi

# 5. The service, its restart back-off where systemd has it, the udev rule, the journal's bounds.
install -D -m 0644 "$SRC/deploy/linux/station-agent.service" "$R/etc/systemd/system/station-agent.service"
sed -i "s#^ExecStart=/usr/bin/node #ExecStart=$NODE #" "$R/etc/systemd/system/station-agent.service"
SYSTEMD_VERSION=$(systemctl --version 2>/dev/null | awk 'NR==1 {print $2}' | grep -Eo '^[0-9]+' || echo 0)
if [ "${SYSTEMD_VERSION:-0}" -ge 254 ]; then
  install -D -m 0644 "$SRC/deploy/linux/station-agent.service.d/restart-backoff.conf" "$R/etc/systemd/system/station-agent.service.d/restart-backoff.conf"
  say "systemd $SYSTEMD_VERSION: restarts back off from 5 s to 5 minutes, for as long as it takes"
else
  rm -f "$R/etc/systemd/system/station-agent.service.d/restart-backoff.conf"
  say "systemd ${SYSTEMD_VERSION:-unknown}: restarts every 15 s for as long as it takes (a growing back-off needs systemd 254)"
fi
install -D -m 0644 "$SRC/deploy/linux/60-station-agent-ups.rules" "$R/etc/udev/rules.d/60-station-agent-ups.rules"
if [ ! -e "$R/etc/systemd/journald.conf.d/station-agent.conf" ]; then
  install -D -m 0644 "$SRC/deploy/linux/journald.conf" "$R/etc/systemd/journald.conf.d/station-agent.conf"
fi
if command -v systemctl >/dev/null; then
  systemctl --root="$ROOT" enable station-agent.service
  say "service enabled: it starts at every boot"
fi

# 6. Tell the running system, when there is one.
if [ "$ROOT" = / ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ -S /run/udev/control ]; then udevadm control --reload && udevadm trigger --subsystem-match=hidraw --subsystem-match=usb || true; fi
  if [ "$FIRST_INSTALL" = yes ]; then
    say "next: edit /etc/station-agent/agent.yaml, run 'sudo station-agent diagnose', then 'sudo systemctl start station-agent'"
  else
    systemctl try-restart station-agent.service
    say "upgraded: the service was restarted if it was running ('systemctl status station-agent')"
  fi
else
  say "systemd is not running here (a container or chroot, or --root): nothing was started."
  say "on the station PC, with systemd running: systemctl daemon-reload && udevadm control --reload && udevadm trigger,"
  say "then edit /etc/station-agent/agent.yaml, run 'station-agent diagnose', and 'systemctl start station-agent'"
fi
