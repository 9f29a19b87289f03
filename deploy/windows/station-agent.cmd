@echo off
rem station-agent: the command technicians type on a Windows station (station-agent diagnose).
rem Installed in the program folder (see docs/windows.md), which is added to PATH. Node.js is the
rem package's own (node\node.exe beside this file), else the one from Node.js's MSI.
rem The same Node flags as the service (agent/process/runtime-flags.ts); the station's configuration
rem unless STATION_AGENT_CONFIG or --config says otherwise.
setlocal
set FLAGS=--max-old-space-size=128 --expose-gc
rem The provincial dashboard holds a whole province: a heap ceiling of its own, in MB
rem (dashboard.heapMegabytes in docs\configuration.md; 512 unless STATION_DASHBOARD_HEAP_MB says).
if not defined STATION_DASHBOARD_HEAP_MB set STATION_DASHBOARD_HEAP_MB=512
if /i "%~1"=="dashboard" set FLAGS=--max-old-space-size=%STATION_DASHBOARD_HEAP_MB%
if not defined STATION_AGENT_CONFIG set "STATION_AGENT_CONFIG=%ProgramData%\station-agent\agent.yaml"
set "NODE=%~dp0node\node.exe"
if not exist "%NODE%" set "NODE=%ProgramFiles%\nodejs\node.exe"
"%NODE%" %FLAGS% "%~dp0dist\bin\station-agent.js" %*
exit /b %ERRORLEVEL%
