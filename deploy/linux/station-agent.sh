#!/bin/sh
# station-agent: the command technicians type on a station PC (sudo station-agent diagnose).
# Installed by scripts/install-linux.sh as /usr/local/bin/station-agent.
#
# Runs the agent's command line with the station's configuration, as the service's own user,
# so that what `jobs` and `stock` write in /var/lib/station-agent stays the service's: a
# database file made by root would stop the service from writing it.
NODE=/usr/bin/node
CLI=/opt/station-agent/dist/agent/cli.js
# The same Node flags as the service and `npm start` (agent/process/runtime-flags.ts).
FLAGS=--max-old-space-size=128
STATION_AGENT_CONFIG=${STATION_AGENT_CONFIG:-/etc/station-agent/agent.yaml}
export STATION_AGENT_CONFIG

if [ "$(id -u)" = 0 ]; then
  exec runuser -u station-agent -- env STATION_AGENT_CONFIG="$STATION_AGENT_CONFIG" "$NODE" $FLAGS "$CLI" "$@"
fi
exec "$NODE" $FLAGS "$CLI" "$@"
