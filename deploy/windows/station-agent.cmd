@echo off
rem station-agent: the command technicians type on a Windows station (station-agent diagnose).
rem Installed in the program folder (see docs/windows.md), which is added to PATH.
rem The same Node flags as the service (agent/process/runtime-flags.ts); the station's configuration
rem unless STATION_AGENT_CONFIG or --config says otherwise.
setlocal
set FLAGS=--max-old-space-size=128 --expose-gc
if not defined STATION_AGENT_CONFIG set "STATION_AGENT_CONFIG=%ProgramData%\station-agent\agent.yaml"
"%ProgramFiles%\nodejs\node.exe" %FLAGS% "%~dp0dist\bin\station-agent.js" %*
exit /b %ERRORLEVEL%
