#Requires -Version 5.1
<#
  Removes the e-KTP station agent from this Windows PC: stops and removes its service, takes its
  folder off the system PATH and deletes C:\Program Files\station-agent. In an administrator
  PowerShell:

    powershell -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\station-agent\uninstall.ps1" [-Lang id|en]

  C:\ProgramData\station-agent stays: the configuration, the database (the print history and
  the ledgers), the secrets and the logs. Delete it yourself once nothing in it is needed.
  Safe to run again. Parsed on Linux (test/unit/powershell.test.ts); not yet run on Windows.
#>
param([string] $Lang = '')
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0
$Root = $PSScriptRoot
if (-not (Test-Path -LiteralPath (Join-Path $Root 'package.json'))) { $Root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot) }
. (Join-Path $Root 'deploy\windows\install-common.ps1')
$Lang = Select-Lang $Lang

$T = @{
  Stopping = @{ id = 'Menghentikan dan menghapus layanan station-agent.'; en = 'Stopping and removing the station-agent service.' }
  NoService = @{ id = 'Layanan station-agent tidak terdaftar.'; en = 'The station-agent service is not registered.' }
  Removed = @{ id = 'Program dihapus dari {0}.'; en = 'The program was removed from {0}.' }
  NotThere = @{ id = 'Tidak ada program di {0}.'; en = 'There is no program in {0}.' }
  RemoveFailed = @{ id = 'Folder {0} tidak bisa dihapus seluruhnya ({1}). Tutup jendela yang memakainya, lalu jalankan uninstall.ps1 lagi.'; en = 'The folder {0} could not be removed whole ({1}). Close any window using it, then run uninstall.ps1 again.' }
  Kept = @{ id = 'Tetap disimpan: {0} (konfigurasi, basis data, rahasia, log). Hapus sendiri bila tidak diperlukan lagi.'; en = 'Kept: {0} (configuration, database, secrets, logs). Delete it yourself once it is no longer needed.' }
}

$Target = Join-Path $env:ProgramFiles 'station-agent'
$Data = Join-Path $env:ProgramData 'station-agent'

Assert-Station $Lang

# 1. The service: stopped (the agent closes its database and says it is going), then removed.
$service = Get-Service -Name 'station-agent' -ErrorAction SilentlyContinue
if ($null -ne $service) {
  Write-Host (Say $T.Stopping $Lang)
  if ($service.Status -ne 'Stopped') { Stop-Service -Name 'station-agent' }
  $winsw = Join-Path $Target 'station-agent-service.exe'
  if (Test-Path -LiteralPath $winsw) { Invoke-Checked $winsw @('uninstall') } else { Invoke-Checked 'sc.exe' @('delete', 'station-agent') }
} else { Write-Host (Say $T.NoService $Lang) }

# 2. The command off the PATH, and the program folder (left first: it may be this script's).
Remove-MachinePath $Target
Set-Location -LiteralPath $env:SystemRoot
if (Test-Path -LiteralPath $Target) {
  try { Remove-Item -LiteralPath $Target -Recurse -Force } catch { Stop-Install (Say $T.RemoveFailed $Lang $Target $_.Exception.Message) }
  Write-Host (Say $T.Removed $Lang $Target)
} else { Write-Host (Say $T.NotThere $Lang $Target) }
Write-Host (Say $T.Kept $Lang $Data)
