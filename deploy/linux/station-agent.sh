#!/bin/sh
# station-agent: the command typed on a station PC (sudo station-agent diagnose; a clerk's
# station-agent jobs add REC-0123). Installed by scripts/install-linux.sh as /usr/local/bin/station-agent.
#
# As root it runs the agent's command line as the service's own user, so that what `jobs` and
# `stock` write in /var/lib/station-agent stays the service's. Any other account runs it as
# itself: a clerk's account in the station-agent group reads the configuration and writes the
# database through that group (the data folder is 2770, and the program makes each file it
# creates there group-writable). An account outside the group is told how to get in.
NODE=/usr/bin/node
CLI=/opt/station-agent/dist/bin/station-agent.js
# The same Node flags as the service and `npm start` (agent/process/runtime-flags.ts).
FLAGS="--max-old-space-size=128 --expose-gc"
# The provincial dashboard holds a whole province: a heap ceiling of its own, in MB
# (dashboard.heapMegabytes in docs/configuration.md; 512 unless STATION_DASHBOARD_HEAP_MB says).
if [ "${1:-}" = dashboard ]; then
  FLAGS="--max-old-space-size=${STATION_DASHBOARD_HEAP_MB:-512}"
fi
STATION_AGENT_CONFIG=${STATION_AGENT_CONFIG:-/etc/station-agent/agent.yaml}
export STATION_AGENT_CONFIG

if [ "$(id -u)" = 0 ]; then
  exec runuser -u station-agent -- env STATION_AGENT_CONFIG="$STATION_AGENT_CONFIG" "$NODE" $FLAGS "$CLI" "$@"
fi
if [ ! -r "$STATION_AGENT_CONFIG" ]; then
  # Said, not enforced: --help, --version and `ups decode` need no configuration.
  ME=$(id -un 2>/dev/null) || ME=$(id -u)
  echo "station-agent: akun $ME belum boleh memakai agen (tidak bisa membaca $STATION_AGENT_CONFIG). Minta teknisi menjalankan 'sudo usermod -aG station-agent $ME', lalu keluar dan masuk lagi; atau pakai sudo." >&2
  echo "station-agent: the account $ME may not use the agent yet (it cannot read $STATION_AGENT_CONFIG). Ask the technician to run 'sudo usermod -aG station-agent $ME', then log out and in again; or use sudo." >&2
fi
exec "$NODE" $FLAGS "$CLI" "$@"
