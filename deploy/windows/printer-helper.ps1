#Requires -Version 5.1
<#
  The station agent's printer helper, for printer.driver: windows (Windows PowerShell 5.1, which
  every Windows 10 and 11 has; nothing to install). The agent starts it once and keeps it
  running; it reads one JSON request a line on standard input and writes one JSON answer a line
  on standard output (see hal/printer/windows/protocol.ts for every operation).

  It is a thin pipe: it asks Windows (and the card printer's vendor software, where installed)
  and passes the answers through raw. Every meaning (states, reasons, supply levels, how a card
  ended) is given by the agent, where it is tested. Nothing but answers may reach standard output.

  Not run on Linux: the agent's side of this protocol is tested there against a stand-in
  (test/support/printer-helper-standin.mjs). On a station: station-agent printer test.
#>
$ErrorActionPreference = 'Stop'
# Progress bars, warnings and the like are written by the host to standard output when it is
# redirected: silenced, so only answers reach the agent.
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
Set-StrictMode -Version 2.0

Add-Type -AssemblyName System.Drawing
Add-Type -AssemblyName System.Web.Extensions

# IBidiSpl (bidispl.h): the spooler's bidirectional channel to the printer's driver, as the
# Entrust/Datacard XPS Card Printer SDK samples use it. Declared here; compiled once at start.
Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;
namespace StationAgent {
  [ComImport, Guid("8F348BD7-4B47-4755-8A9D-0F422DF3DC89"), InterfaceType(ComInterfaceType.InterfaceIsIUnknown)]
  interface IBidiRequest {
    void SetSchema([MarshalAs(UnmanagedType.LPWStr)] string schema);
    void SetInputData(uint type, IntPtr data, uint size);
    void GetResult(out int hr);
    void GetOutputData(uint index, out IntPtr schema, out uint type, out IntPtr data, out uint size);
    void GetEnumCount(out uint count);
  }
  [ComImport, Guid("D580DC0E-DE39-4649-BAA8-BF0B85A03A97"), InterfaceType(ComInterfaceType.InterfaceIsIUnknown)]
  interface IBidiSpl {
    void BindDevice([MarshalAs(UnmanagedType.LPWStr)] string device, uint access);
    void UnbindDevice();
    void SendRecv([MarshalAs(UnmanagedType.LPWStr)] string action, IBidiRequest request);
    void MultiSendRecv([MarshalAs(UnmanagedType.LPWStr)] string action, [MarshalAs(UnmanagedType.IUnknown)] object container);
  }
  public static class Bidi {
    const uint BIDI_ACCESS_USER = 2;
    /** One bidi Get: the answer's bytes as UTF-16 text, exactly as the driver gave them. */
    public static string Get(string printer, string schema) {
      IBidiSpl spl = (IBidiSpl)Activator.CreateInstance(Type.GetTypeFromCLSID(new Guid("2A614240-A4C5-4c33-BD87-1BC709331639")));
      IBidiRequest req = (IBidiRequest)Activator.CreateInstance(Type.GetTypeFromCLSID(new Guid("B9162A23-45F9-47cc-80F5-FE0FE9B9E1A2")));
      bool bound = false;
      try {
        spl.BindDevice(printer, BIDI_ACCESS_USER);
        bound = true;
        req.SetSchema(schema);
        spl.SendRecv("Get", req);
        int hr;
        req.GetResult(out hr);
        if (hr < 0) Marshal.ThrowExceptionForHR(hr);
        IntPtr name, data; uint type, size;
        req.GetOutputData(0, out name, out type, out data, out size);
        try {
          return data == IntPtr.Zero ? "" : Marshal.PtrToStringUni(data, (int)(size / 2)).TrimEnd('\0');
        } finally {
          if (name != IntPtr.Zero) Marshal.FreeCoTaskMem(name);
          if (data != IntPtr.Zero) Marshal.FreeCoTaskMem(data);
        }
      } finally {
        if (bound) { try { spl.UnbindDevice(); } catch (Exception) { } }
        Marshal.ReleaseComObject(req);
        Marshal.ReleaseComObject(spl);
      }
    }
  }
}
'@

$json = New-Object System.Web.Script.Serialization.JavaScriptSerializer
$json.MaxJsonLength = [int]::MaxValue
$script:stage = $null

function Get-Printer32([string] $name) {
  @(Get-CimInstance -ClassName Win32_Printer | Where-Object { $_.Name -eq $name }) | Select-Object -First 1
}

function Get-Jobs32([string] $name) {
  # Win32_PrintJob.Name is "<printer>, <job id>". Without case, as -eq finds the printer above:
  # a name configured in other capitals must not find the printer but none of its cards.
  $prefix = $name + ', '
  $rows = @(Get-CimInstance -ClassName Win32_PrintJob | Where-Object { $_.Name.StartsWith($prefix, [StringComparison]::OrdinalIgnoreCase) })
  , @($rows | ForEach-Object { @{ JobId = [long]$_.JobId; Document = $_.Document; StatusMask = [long]$_.StatusMask; JobStatus = $_.JobStatus } })
}

function Invoke-Hello {
  @{ helper = 'station-agent-printer-helper'; protocol = 1; powershell = $PSVersionTable.PSVersion.ToString(); clr = $PSVersionTable.CLRVersion.ToString() }
}

function Invoke-Printer($req) {
  $p = Get-Printer32 $req['printer']
  if ($null -eq $p) { return @{ found = $false; printer = $null } }
  @{ found = $true; printer = @{
      Name = $p.Name; PrinterStatus = $p.PrinterStatus; DetectedErrorState = $p.DetectedErrorState
      ExtendedPrinterStatus = $p.ExtendedPrinterStatus; ExtendedDetectedErrorState = $p.ExtendedDetectedErrorState
      WorkOffline = $p.WorkOffline; DriverName = $p.DriverName; PortName = $p.PortName } }
}

function Invoke-Jobs($req) {
  @{ jobs = (Get-Jobs32 $req['printer']) }
}

# Prints the card image on one page, filling it, through the printer's own Windows driver.
function Invoke-Print($req) {
  $script:stage = 'prepare'
  $name = [string]$req['printer']
  $jobName = [string]$req['name']
  $bytes = [Convert]::FromBase64String([string]$req['png'])
  $image = [System.Drawing.Image]::FromStream((New-Object System.IO.MemoryStream(, $bytes)))
  $doc = New-Object System.Drawing.Printing.PrintDocument
  try {
    $doc.PrinterSettings.PrinterName = $name
    if (-not $doc.PrinterSettings.IsValid) { throw "Windows has no printer named '$name'" }
    $doc.DocumentName = $jobName
    $doc.PrintController = New-Object System.Drawing.Printing.StandardPrintController
    $doc.DefaultPageSettings.Margins = New-Object System.Drawing.Printing.Margins(0, 0, 0, 0)
    # The card image is landscape: a driver whose card page is portrait turns it.
    $paper = $doc.DefaultPageSettings.PaperSize
    if (($image.Width -gt $image.Height) -and ($paper.Width -lt $paper.Height)) { $doc.DefaultPageSettings.Landscape = $true }
    $seen = New-Object System.Collections.ArrayList
    $doc.add_PrintPage({
        param($sender, $e)
        $e.Graphics.TranslateTransform(-$e.PageSettings.HardMarginX, -$e.PageSettings.HardMarginY)
        $e.Graphics.DrawImage($image, 0, 0, $e.PageBounds.Width, $e.PageBounds.Height)
        $e.HasMorePages = $false
        foreach ($j in (Get-Jobs32 $name)) { if ($j.Document -eq $jobName) { $null = $seen.Add($j) } }
      })
    $script:stage = 'spool'
    $doc.Print()
    foreach ($j in (Get-Jobs32 $name)) { if ($j.Document -eq $jobName) { $null = $seen.Add($j) } }
    @{ jobs = @($seen) }
  } finally {
    $doc.Dispose()
    $image.Dispose()
  }
}

function Invoke-History($req) {
  $logName = 'Microsoft-Windows-PrintService/Operational'
  $enabled = $null
  try { $enabled = (Get-WinEvent -ListLog $logName).IsEnabled } catch { $enabled = $null }
  $max = [int]$req['max']
  $events = @()
  try {
    $events = @(Get-WinEvent -FilterHashtable @{ LogName = $logName; Id = 307 } -MaxEvents $max | ForEach-Object { @{ id = $_.Id; xml = $_.ToXml() } })
  } catch {
    if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { throw }
  }
  @{ logEnabled = $enabled; events = $events }
}

function Invoke-Vendor($req) {
  $name = [string]$req['printer']
  $bidi = @{}
  foreach ($schema in @('\Printer.SuppliesStatus3:Read', '\Printer.Hopper:Status:Get')) {
    try { $bidi[$schema] = @{ ok = $true; text = [StationAgent.Bidi]::Get($name, $schema) } }
    catch { $bidi[$schema] = @{ ok = $false; error = $_.Exception.Message } }
  }
  $fargo = $null
  if ($req.ContainsKey('fargoSdk') -and $req['fargoSdk']) {
    try {
      $type = [Reflection.Assembly]::LoadFrom([string]$req['fargoSdk']).GetType('Fargo.PrinterSDK.PrinterInfo', $true)
      $info = [Activator]::CreateInstance($type, @($name))
      $props = @{}
      foreach ($p in $type.GetProperties()) {
        if ($p.GetIndexParameters().Count -ne 0) { continue }
        try { $v = $p.GetValue($info, $null); $props[$p.Name] = if ($null -eq $v) { $null } else { $v.ToString() } } catch { $props[$p.Name] = $null }
      }
      foreach ($m in @('PrinterError', 'PrinterErrorEx', 'CurrentActivity', 'PrinterStatus')) {
        $method = $type.GetMethod($m, [Type[]]@())
        if ($null -ne $method) { try { $props[$m] = [string]$method.Invoke($info, @()) } catch { $props[$m] = $null } }
      }
      $fargo = @{ ok = $true; properties = $props }
    } catch { $fargo = @{ ok = $false; error = $_.Exception.Message } }
  }
  @{ bidi = $bidi; fargo = $fargo }
}

# UTF-8 both ways, whatever the console's code page (a printer's name may not be ASCII).
$utf8 = New-Object System.Text.UTF8Encoding($false)
$stdin = New-Object System.IO.StreamReader([Console]::OpenStandardInput(), $utf8)
$stdout = New-Object System.IO.StreamWriter([Console]::OpenStandardOutput(), $utf8)
$stdout.AutoFlush = $true
while ($null -ne ($line = $stdin.ReadLine())) {
  if ($line.Trim() -eq '') { continue }
  $id = 0
  $script:stage = $null
  try {
    $req = $json.DeserializeObject($line)
    $id = [long]$req['id']
    $result = switch ([string]$req['op']) {
      'hello' { Invoke-Hello }
      'printer' { Invoke-Printer $req }
      'jobs' { Invoke-Jobs $req }
      'print' { Invoke-Print $req }
      'history' { Invoke-History $req }
      'vendor' { Invoke-Vendor $req }
      default { throw "unknown operation '$($req['op'])'" }
    }
    $answer = @{ id = $id; ok = $true; result = $result }
  } catch {
    $ex = $_.Exception
    $answer = @{ id = $id; ok = $false; error = @{ type = $ex.GetType().FullName; message = $ex.Message; stage = $script:stage } }
  }
  $stdout.WriteLine($json.Serialize($answer))
}
