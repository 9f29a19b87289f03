#Requires -Version 5.1
<#
  What install.ps1 and uninstall.ps1 share: the language, the checks of this PC, running the
  agent's own commands, and the few Windows steps (a folder swapped in, the system PATH).
  Dot-sourced by both; not run by itself.
#>

$Common = @{
  NotWindows10 = @{ id = 'Windows ini versi {0}. Agen memerlukan Windows 10, Windows 11 atau Windows Server 2016 ke atas, 64-bit. Pasang Windows yang lebih baru (atau Linux) lebih dulu.'; en = 'This Windows is version {0}. The agent needs Windows 10, Windows 11 or Windows Server 2016 or newer, 64-bit. Install a newer Windows (or Linux) first.' }
  Not64 = @{ id = 'Windows ini 32-bit. Agen memerlukan Windows 64-bit.'; en = 'This Windows is 32-bit. The agent needs 64-bit Windows.' }
  Process32 = @{ id = 'PowerShell ini 32-bit ("Windows PowerShell (x86)"). Buka "Windows PowerShell" yang biasa (64-bit), lalu jalankan perintah ini lagi.'; en = 'This PowerShell is 32-bit ("Windows PowerShell (x86)"). Open the plain "Windows PowerShell" (64-bit), then run this command again.' }
  NotAdmin = @{ id = 'Perlu hak administrator. Klik kanan "Windows PowerShell", pilih "Run as administrator", lalu jalankan perintah ini lagi.'; en = 'Administrator rights are needed. Right-click "Windows PowerShell", choose "Run as administrator", then run this command again.' }
}

<#
  The language: -Lang, else the locale variables the agent reads (LC_ALL, LC_MESSAGES, LANG)
  where they name Indonesian or English, else Indonesian, as the agent chooses (core/i18n.ts).
#>
function Select-Lang([string] $given) {
  if ($given -in @('id', 'en')) { return $given }
  foreach ($name in @('LC_ALL', 'LC_MESSAGES', 'LANG')) {
    $v = [Environment]::GetEnvironmentVariable($name)
    if ($v) {
      if ($v -match '^(id|in)([_.@-]|$)') { return 'id' }
      if ($v -match '^en([_.@-]|$)') { return 'en' }
      break
    }
  }
  'id'
}

function Say($text, [string] $lang) {
  $text[$lang] -f $args
}

function Stop-Install([string] $message) {
  $host.UI.WriteErrorLine($message)
  exit 1
}

# Windows 10 or newer, 64-bit, a 64-bit PowerShell (C:\Program Files, not its x86 twin), an administrator.
function Assert-Station([string] $lang) {
  $v = [Environment]::OSVersion.Version
  if ($v.Major -lt 10) { Stop-Install (Say $Common.NotWindows10 $lang $v) }
  if (-not [Environment]::Is64BitOperatingSystem) { Stop-Install (Say $Common.Not64 $lang) }
  if (-not [Environment]::Is64BitProcess) { Stop-Install (Say $Common.Process32 $lang) }
  $me = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
  if (-not $me.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { Stop-Install (Say $Common.NotAdmin $lang) }
  # The agent prints UTF-8; read it so (a host without a console keeps its own).
  try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false) } catch { }
}

<#
  Runs the agent of the program folder `root` (its own node\node.exe, else Node.js from its MSI
  for a program built on the PC) and returns its exit code, standard output and error lines.
  What a native program writes to standard error is kept apart, not raised: 5.1 turns it into
  errors, which 'Stop' would make fatal.
#>
function Invoke-Agent([string] $root, [string[]] $arguments) {
  $ErrorActionPreference = 'Continue'
  $node = Join-Path $root 'node\node.exe'
  if (-not (Test-Path -LiteralPath $node)) { $node = Join-Path $env:ProgramFiles 'nodejs\node.exe' }
  if (-not (Test-Path -LiteralPath $node)) { return @{ Code = $null; Out = @(); Err = @("$node is missing") } }
  $lines = @(& $node (Join-Path $root 'dist\bin\station-agent.js') @arguments 2>&1)
  $code = $LASTEXITCODE
  @{
    Code = $code
    Out = @($lines | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { [string]$_ })
    Err = @($lines | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.ToString() })
  }
}

# A Windows program that must succeed (icacls, wevtutil, WinSW): its output is the error if not.
function Invoke-Checked([string] $program, [string[]] $arguments) {
  $ErrorActionPreference = 'Continue'
  $lines = @(& $program @arguments 2>&1)
  if ($LASTEXITCODE -ne 0) { throw ('{0} {1}: exit {2}: {3}' -f $program, ($arguments -join ' '), $LASTEXITCODE, ($lines -join ' ')) }
}

# The version `station-agent --version` printed, or $null when it did not answer one.
function Get-VersionLine($result) {
  $line = @($result.Out | Where-Object { $_.Trim() -ne '' }) | Select-Object -Last 1
  if (($result.Code -eq 0) -and ($null -ne $line) -and ($line.Trim() -match '^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$')) { return $line.Trim() }
  $null
}

# -1, 0 or 1, as semantic versions order: the numbers, then a release above its pre-releases.
function Compare-Version([string] $a, [string] $b) {
  $pa = $a.Split('-', 2)
  $pb = $b.Split('-', 2)
  $byNumber = ([version]$pa[0]).CompareTo([version]$pb[0])
  if ($byNumber -ne 0) { return [Math]::Sign($byNumber) }
  if ($pa.Count -eq $pb.Count) { return [Math]::Sign([string]::CompareOrdinal($a, $b)) }
  if ($pa.Count -eq 1) { return 1 }
  -1
}

<#
  Puts `staging` where `target` is, keeping the old folder until the new one is in place, so an
  interrupted upgrade leaves one whole program.
#>
function Switch-Folder([string] $staging, [string] $target) {
  $old = "$target.old"
  if (Test-Path -LiteralPath $old) { Remove-Item -LiteralPath $old -Recurse -Force }
  if (Test-Path -LiteralPath $target) { Rename-Item -LiteralPath $target -NewName (Split-Path -Leaf $old) }
  try { Rename-Item -LiteralPath $staging -NewName (Split-Path -Leaf $target) }
  catch {
    if (Test-Path -LiteralPath $old) { Rename-Item -LiteralPath $old -NewName (Split-Path -Leaf $target) }
    throw
  }
  try { Remove-Item -LiteralPath $old -Recurse -Force -ErrorAction Stop } catch { Write-Warning $_.Exception.Message }
}

<#
  The system PATH, read and written as the registry keeps it (entries such as %SystemRoot% stay
  unexpanded), then announced so that new windows see it.
#>
function Set-MachinePath([scriptblock] $change) {
  $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SYSTEM\CurrentControlSet\Control\Session Manager\Environment', $true)
  try {
    $before = [string]$key.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    $parts = @($before.Split(';') | Where-Object { $_ -ne '' })
    $after = (@(& $change $parts) -join ';')
    if ($after -eq $before.TrimEnd(';')) { return }
    $key.SetValue('Path', $after, [Microsoft.Win32.RegistryValueKind]::ExpandString)
  } finally { $key.Close() }
  if (-not ('StationAgent.Settings' -as [type])) {
    Add-Type -Namespace StationAgent -Name Settings -MemberDefinition '[DllImport("user32.dll", CharSet = CharSet.Unicode)] public static extern IntPtr SendMessageTimeout(IntPtr hWnd, uint msg, UIntPtr wParam, string lParam, uint flags, uint timeout, out UIntPtr result);'
  }
  $ignored = [UIntPtr]::Zero
  [void][StationAgent.Settings]::SendMessageTimeout([IntPtr]0xffff, 0x1A, [UIntPtr]::Zero, 'Environment', 2, 5000, [ref]$ignored)
}

function Add-MachinePath([string] $dir) {
  Set-MachinePath { param($parts) if (@($parts | Where-Object { $_.TrimEnd('\') -eq $dir.TrimEnd('\') }).Count -eq 0) { $parts + $dir } else { $parts } }
}

function Remove-MachinePath([string] $dir) {
  Set-MachinePath { param($parts) $parts | Where-Object { $_.TrimEnd('\') -ne $dir.TrimEnd('\') } }
}
