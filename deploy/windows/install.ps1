#Requires -Version 5.1
<#
  Installs or upgrades the e-KTP station agent on this Windows PC, from its unpacked package
  (npm run package:windows makes it). In an administrator PowerShell, in the package's folder:

    powershell -NoProfile -ExecutionPolicy Bypass -File .\install.ps1 [-Lang id|en]

  -ExecutionPolicy Bypass holds for that one PowerShell process: the PC's policy is not changed.

  Safe to run again. It replaces the program in C:\Program Files\station-agent (the old one stays
  whole until the new one has started once) and keeps C:\ProgramData\station-agent as it is: the
  configuration, the database, the secrets and the logs. An older package than the installed
  agent is refused (its database may already be in the newer form).

  It decides nothing the agent can say itself: the versions come from `station-agent --version`,
  the database from `station-agent store init`, whether to start the service from
  `station-agent diagnose --json`. Those commands are tested on Linux; this script is parsed
  there (test/unit/powershell.test.ts) and has not yet been run on Windows.
#>
param([string] $Lang = '')
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0
# The package's folder: this script is at its top, and in deploy\windows as in the source.
$Pkg = $PSScriptRoot
if (-not (Test-Path -LiteralPath (Join-Path $Pkg 'package.json'))) { $Pkg = Split-Path -Parent (Split-Path -Parent $PSScriptRoot) }
. (Join-Path $Pkg 'deploy\windows\install-common.ps1')
$Lang = Select-Lang $Lang

$T = @{
  NotPackage = @{ id = 'Folder {0} bukan paket agen yang utuh: {1} tidak ada. Ekstrak lagi berkas zip paket, lalu jalankan install.ps1 dari folder itu.'; en = 'The folder {0} is not a whole agent package: {1} is missing. Extract the package zip again, then run install.ps1 from that folder.' }
  Incomplete = @{ id = 'Paket ini TIDAK LENGKAP dan tidak bisa dipasang. Yang kurang (MISSING.txt):'; en = 'This package is INCOMPLETE and cannot be installed. What is missing (MISSING.txt):' }
  PackageNoRun = @{ id = 'Program di dalam paket tidak bisa dijalankan di PC ini (station-agent --version, kode {0}): {1}'; en = 'The program in the package does not run on this PC (station-agent --version, exit {0}): {1}' }
  Fresh = @{ id = 'Memasang station-agent {0} (belum ada yang terpasang).'; en = 'Installing station-agent {0} (none installed yet).' }
  Upgrade = @{ id = 'Memperbarui station-agent {0} ke {1}.'; en = 'Upgrading station-agent {0} to {1}.' }
  Same = @{ id = 'station-agent {0} sudah terpasang: dipasang ulang, konfigurasi dan data tetap.'; en = 'station-agent {0} is already installed: installed again, configuration and data kept.' }
  Downgrade = @{ id = 'Yang terpasang station-agent {0}, lebih baru dari paket ini ({1}). Turun versi ditolak: basis data mungkin sudah dalam bentuk versi {0}. Pasang paket versi {0} atau yang lebih baru. Tidak ada yang diubah.'; en = 'station-agent {0} is installed, newer than this package ({1}). A downgrade is refused: the database may already be in the form of {0}. Install a package of {0} or newer. Nothing was changed.' }
  Unreadable = @{ id = 'Program yang terpasang di {0} tidak menjawab --version; program itu diganti.'; en = 'The program installed in {0} does not answer --version; it is replaced.' }
  Stopping = @{ id = 'Menghentikan layanan station-agent untuk pembaruan.'; en = 'Stopping the station-agent service for the upgrade.' }
  CopyFailed = @{ id = 'Program baru tidak bisa dipasang ({0}). Program lama tetap utuh. Tutup jendela yang memakai folder {1} lalu coba lagi.'; en = 'The new program could not be put in place ({0}). The old one is whole. Close any window using the folder {1} and try again.' }
  CopyNoRun = @{ id = 'Salinan program di {0} tidak bisa dijalankan (kode {1}): {2}. Program lama tetap utuh.'; en = 'The copied program in {0} does not run (exit {1}): {2}. The old one is whole.' }
  Installed = @{ id = 'Program terpasang di {0}.'; en = 'Program installed in {0}.' }
  ConfigWritten = @{ id = 'Konfigurasi awal ditulis: {0}. Isi stasiun, broker, printer dan UPS di sana (notepad "{0}"), lalu jalankan install.ps1 ini lagi: ia memeriksa konfigurasi dan menjalankan layanan.'; en = 'A starter configuration was written: {0}. Fill in the station, the broker, the printer and the UPS there (notepad "{0}"), then run this install.ps1 again: it checks the configuration and starts the service.' }
  ConfigKept = @{ id = 'Konfigurasi yang ada tetap dipakai: {0}'; en = 'The existing configuration is kept: {0}' }
  StoreMade = @{ id = 'Basis data baru dibuat.'; en = 'A new database was made.' }
  StoreKept = @{ id = 'Basis data yang ada tetap dipakai.'; en = 'The existing database is kept.' }
  StoreLost = @{ id = 'Basis data pernah ada dan kini hilang; layanan tidak dijalankan. Pesan agen:'; en = 'A database was kept before and is missing now; the service is not started. The agent says:' }
  ConfigBad = @{ id = 'Konfigurasi {0} salah; layanan tidak dijalankan. Pesan agen:'; en = 'The configuration {0} is wrong; the service is not started. The agent says:' }
  AgentFailed = @{ id = 'Perintah agen gagal (station-agent {0}, kode {1}):'; en = 'An agent command failed (station-agent {0}, exit {1}):' }
  ServiceAdded = @{ id = 'Layanan Windows "e-KTP Station Agent" didaftarkan (mulai sendiri saat PC menyala).'; en = 'The Windows service "e-KTP Station Agent" was registered (it starts at every boot).' }
  DiagnoseFail = @{ id = 'Pemeriksaan (station-agent diagnose) menemukan masalah; layanan belum dijalankan. Perbaiki, lalu jalankan install.ps1 lagi:'; en = 'The checks (station-agent diagnose) found problems; the service is not started. Fix them, then run install.ps1 again:' }
  DiagnoseFailRunning = @{ id = 'Pemeriksaan (station-agent diagnose) menemukan masalah; layanan tetap dijalankan lagi karena tadi berjalan:'; en = 'The checks (station-agent diagnose) found problems; the service is started again all the same, as it was running before:' }
  Started = @{ id = 'Layanan berjalan. Lihat keadaannya: station-agent status --lang id (di jendela PowerShell baru).'; en = 'The service is running. See its state: station-agent status --lang en (in a new PowerShell window).' }
  PrintLog = @{ id = 'Log PrintService tidak bisa dinyalakan ({0}); kartu setelah listrik padam akan menunggu diperiksa orang.'; en = 'The PrintService log could not be turned on ({0}); a card after a power cut will wait for a person to verify it.' }
}

$Target = Join-Path $env:ProgramFiles 'station-agent'
$Data = Join-Path $env:ProgramData 'station-agent'
$Config = Join-Path $Data 'agent.yaml'

# 1. This PC and this prompt: Windows 10 or newer, 64-bit, an administrator.
Assert-Station $Lang

# 2. The package: unblocked (files from the internet carry a mark that stops scripts), whole.
Get-ChildItem -LiteralPath $Pkg -Recurse -File | Unblock-File
if (Test-Path -LiteralPath (Join-Path $Pkg 'MISSING.txt')) {
  Stop-Install ((Say $T.Incomplete $Lang) + [Environment]::NewLine + (Get-Content -Raw -LiteralPath (Join-Path $Pkg 'MISSING.txt')))
}
foreach ($part in @('node\node.exe', 'dist\bin\station-agent.js', 'station-agent-service.exe', 'station-agent-service.xml', 'station-agent.cmd', 'deploy\windows\agent.example.yaml')) {
  if (-not (Test-Path -LiteralPath (Join-Path $Pkg $part))) { Stop-Install (Say $T.NotPackage $Lang $Pkg $part) }
}

# 3. Versions, from the agent itself: the package's (which also shows it runs on this PC) and
# the installed one's. Older than installed: refused before anything changes.
$r = Invoke-Agent $Pkg @('--version')
$new = Get-VersionLine $r
if ($null -eq $new) { Stop-Install (Say $T.PackageNoRun $Lang $r.Code ($r.Err -join ' ')) }
$old = $null
$installed = Test-Path -LiteralPath (Join-Path $Target 'dist\bin\station-agent.js')
if ($installed) { $old = Get-VersionLine (Invoke-Agent $Target @('--version')) }
if (-not $installed) { Write-Host (Say $T.Fresh $Lang $new) }
elseif ($null -eq $old) { Write-Warning (Say $T.Unreadable $Lang $Target) }
else {
  $order = Compare-Version $new $old
  if ($order -lt 0) { Stop-Install (Say $T.Downgrade $Lang $old $new) }
  if ($order -eq 0) { Write-Host (Say $T.Same $Lang $new) } else { Write-Host (Say $T.Upgrade $Lang $old $new) }
}

# 4. The program: copied beside the old one, started once, then swapped in.
$service = Get-Service -Name 'station-agent' -ErrorAction SilentlyContinue
$wasRunning = ($null -ne $service) -and ($service.Status -eq 'Running')
$staging = "$Target.new"
if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
Copy-Item -LiteralPath $Pkg -Destination $staging -Recurse
$r = Invoke-Agent $staging @('--version')
if ($null -eq (Get-VersionLine $r)) {
  Remove-Item -LiteralPath $staging -Recurse -Force
  Stop-Install (Say $T.CopyNoRun $Lang $staging $r.Code ($r.Err -join ' '))
}
if ($wasRunning) { Write-Host (Say $T.Stopping $Lang); Stop-Service -Name 'station-agent' }
try { Switch-Folder $staging $Target }
catch {
  if ($wasRunning) { Start-Service -Name 'station-agent' }
  Stop-Install (Say $T.CopyFailed $Lang $_.Exception.Message $Target)
}
Write-Host (Say $T.Installed $Lang $Target)
Add-MachinePath $Target

# 5. Data, configuration and secrets: made where missing, never replaced. The service's account
# (LocalService, by its SID: account names are translated on Indonesian Windows) may write here.
New-Item -ItemType Directory -Force -Path (Join-Path $Data 'data'), (Join-Path $Data 'logs') | Out-Null
Invoke-Checked 'icacls.exe' @($Data, '/grant', '*S-1-5-19:(OI)(CI)M', '/Q')
$firstConfig = -not (Test-Path -LiteralPath $Config)
if ($firstConfig) {
  Copy-Item -LiteralPath (Join-Path $Target 'deploy\windows\agent.example.yaml') -Destination $Config
  Write-Host (Say $T.ConfigWritten $Lang $Config)
} else { Write-Host (Say $T.ConfigKept $Lang $Config) }
foreach ($secret in @(Get-ChildItem -LiteralPath $Data -File | Where-Object { $_.Name -match '\.(pass|key|token)$' })) {
  Invoke-Checked 'icacls.exe' @($secret.FullName, '/inheritance:r', '/grant:r', '*S-1-5-19:R', '*S-1-5-32-544:F', '*S-1-5-18:F', '/Q')
}
# The print log proves a card printed after a crash (docs\windows.md); the service may read it.
try {
  Invoke-Checked 'wevtutil.exe' @('sl', 'Microsoft-Windows-PrintService/Operational', '/e:true')
  if (-not (Get-LocalGroupMember -SID 'S-1-5-32-573' | Where-Object { $_.SID.Value -eq 'S-1-5-19' })) { Add-LocalGroupMember -SID 'S-1-5-32-573' -Member 'S-1-5-19' }
} catch { Write-Warning (Say $T.PrintLog $Lang $_.Exception.Message) }

# 6. The service: registered once (WinSW reads the rest of its XML at every start).
if ($null -eq $service) {
  Invoke-Checked (Join-Path $Target 'station-agent-service.exe') @('install')
  Write-Host (Say $T.ServiceAdded $Lang)
}
if ($firstConfig) { exit 0 }

# 7. The database, as the agent keeps it: 0 made, 1 already there, 64 kept before and lost now.
$r = Invoke-Agent $Target @('store', 'init', '--config', $Config, '--lang', $Lang)
switch ($r.Code) {
  0 { Write-Host (Say $T.StoreMade $Lang) }
  1 { Write-Host (Say $T.StoreKept $Lang) }
  64 { Stop-Install ((Say $T.StoreLost $Lang) + [Environment]::NewLine + ($r.Err -join [Environment]::NewLine)) }
  78 { Stop-Install ((Say $T.ConfigBad $Lang $Config) + [Environment]::NewLine + ($r.Err -join [Environment]::NewLine)) }
  default { Stop-Install ((Say $T.AgentFailed $Lang 'store init' $r.Code) + [Environment]::NewLine + ($r.Err -join [Environment]::NewLine)) }
}

# 8. Start when the agent's own checks pass; after an upgrade of a running service, start anyway.
$r = Invoke-Agent $Target @('diagnose', '--json', '--config', $Config, '--lang', $Lang)
if ($r.Code -eq 78) { Stop-Install ((Say $T.ConfigBad $Lang $Config) + [Environment]::NewLine + ($r.Err -join [Environment]::NewLine)) }
if ($r.Code -notin @(0, 1, 2)) { Stop-Install ((Say $T.AgentFailed $Lang 'diagnose' $r.Code) + [Environment]::NewLine + ($r.Err -join [Environment]::NewLine)) }
$report = ($r.Out -join "`n") | ConvertFrom-Json
$failed = @($report.checks | Where-Object { $_.status -eq 'fail' })
if ($failed.Count -gt 0) {
  if ($wasRunning) { Write-Warning (Say $T.DiagnoseFailRunning $Lang) } else { Write-Warning (Say $T.DiagnoseFail $Lang) }
  foreach ($c in $failed) { Write-Host ('  - {0}: {1}' -f $c.title, $c.hint) }
  if (-not $wasRunning) { exit 2 }
}
Start-Service -Name 'station-agent'
Write-Host (Say $T.Started $Lang)
