"""Static Windows facts the lab needs: editions, builds, CSVLK coverage and thresholds, with their sources.

The lab's sources. Every behaviour in tests/lab/kmslab cites one of these keys beside its code, or says "assumed";
the assumptions are listed, with why no source exists, in docs/lab-assumptions.md.

[PLAN] Microsoft, "Plan for volume activation / KMS activation planning" (windowsserverdocs kms-activation-planning.md):
       thresholds, which CSVLK activates which Windows, 180-day validity, intervals.
[KEYS] Microsoft, "Key Management Services (KMS) client activation and product keys" (kms-client-activation-keys.md):
       the public GVLKs; only their last five characters are used here.
[SPP]  Microsoft, SoftwareLicensingProduct / SoftwareLicensingService class documentation (sppwmi).
[SPPT12] Microsoft TechNet, "WMI Properties and Methods for Volume Activation", Table 12 (Volume Activation Technical
       Reference, learn.microsoft.com/en-us/previous-versions/ff793441(v=technet.10)): KeyManagementServiceCurrentCount
       "-1 indicates that the host is not enabled as a KMS or has not received any client licensing requests".
[TS]   Microsoft, "Troubleshoot activation error codes" (SupportArticles-docs
       support/windows-server/licensing-and-activation/troubleshoot-activation-error-codes.md).
[F074] Microsoft, "Error 0xC004F074 when you activate Windows" (same folder, error-0xc004f074-activate-windows.md):
       the 4-hour clock tolerance ("more than 4 hours", UTC) and a KMS host's 12290 for a refused request.
[GEN]  Microsoft, "Guidelines for troubleshooting the Key Management Service (KMS)" (activation-troubleshoot-kms-general.md).
[DNS]  Microsoft, "Common troubleshooting procedures for KMS and DNS issues" (common-troubleshooting-procedures-kms-dns.md).
[OPT]  Microsoft, "Slmgr.vbs options for obtaining volume activation information" (activation-slmgr-vbs-options.md) and
       slmgr.vbs itself (in System32: /skms, /skms-domain, /dlv's "KMS machine name from DNS").
[EVT]  Microsoft TechNet, "KMS Events Logged in the Windows Event Log" (Volume Activation 2.0 Operations Guide,
       ff793440): 12288/12289 data as one comma-separated string, their fields and order.
[REG]  Microsoft, "Registry Settings for Volume Activation" (Volume Activation Technical Reference, ee355153):
       DnsDomainPublishList (REG_MULTI_SZ) "format: domain_name, <priority>, <weight>" - "a list of fully qualified
       domains that KMS uses to auto-publish its DNS service (SRV) record. The KMS home domain is always used"; "The
       priority and weight parameters are optional. if not supplied, these are set to 0 in the SRV record".
[ACTW] Microsoft, "Activate clients running Windows" (windows-itpro-docs, learn.microsoft.com/windows/deployment/
       volume-activation/activate-windows-clients): thresholds 25 / 5 counted together ("activation counts are
       cumulative"); the count cache ("only caches twice the number of client IDs that are required ... if a KMS host
       receives activation requests only from servers, the cache holds only 10 client IDs ... if a client computer
       running Windows client contacts that KMS host, KMS increases the cache size to 50 ... KMS never reduces the
       cache size"); client discovery ("randomly chooses a KMS host from the list of service (SRV) resource records";
       one that "doesn't respond" is removed and another "randomly" selected; priority and weight from
       DnsDomainPublishList). The Office page "Configure DNS for activating volume licensed versions of Office by
       using KMS" (OfficeDocs-DeployOffice) adds: "If the priority and weight parameters are set, the KMS client uses
       them while finding another KMS host computer. Otherwise, KMS host computers are selected randomly."
[W32TM] Microsoft, "Windows Time service tools and settings" (windowsserverdocs networking/windows-time-service/
       windows-time-service-tools-and-settings.md): W32Time registry values and their defaults.
[WSMV] Microsoft Open Specifications [MS-WSMV] "Web Services Management Protocol Extensions for Windows Vista":
       WinRS Create/Command/Send/Receive/Signal/Delete, CommandState Done, ExitCode, SOAP faults.
[CMDLEN] Microsoft, "Command prompt (Cmd.exe) command-line string limitation" (SupportArticles-docs, KB 830473):
       8,191 characters.
[PSRP] Microsoft Open Specifications [MS-PSRP] "PowerShell Remoting Protocol" 2.2.5 (serialization): the CLIXML that
       powershell.exe writes on stderr when its output is redirected.
[MSPSRP] Microsoft Open Specifications [MS-PSRP] "PowerShell Remoting Protocol" (learn.microsoft.com/openspecs/
       windows_protocols/ms-psrp): the RunspacePool and pipeline messages (2.2.2), host method identifiers (2.2.3.17)
       and their use over WS-Management, wxf:Create/Command/Send/Receive/Signal (3.1.5.3, 3.2.5.3).
[WINRMHTTPS] Microsoft, "Installation and configuration for Windows Remote Management" (learn.microsoft.com/windows/
       win32/winrm/installation-and-configuration-for-windows-remote-management) and "How to configure WINRM for HTTPS"
       (learn.microsoft.com/troubleshoot/windows-client/system-management-components/configure-winrm-for-https): the
       HTTPS listener's default port 5986 (HTTP 5985); its certificate is a Server Authentication certificate whose
       CN matches the host name, not expired, revoked or self-signed.
[KMSHOST] Microsoft, "Create a Key Management Services (KMS) activation host" (windowsserverdocs get-started/
       kms-create-host.md): the KMS host's rule SPPSVC-In-TCP; "You can allow this traffic for any network profiles,
       which is the default setting, or for any combination of Domain, Private, and Public network profiles".
[FWREG] A Windows client's published FirewallRules registry values of the built-in Key Management Service rules
       (tests/unit/fixtures/firewall/client_sppsvc_firewallrules.reg.txt; source in tests/unit/fixtures/text/SOURCES.md):
       SPPSVC-In-TCP Profile=Private|Public, RA4/RA6=LocalSubnet; SPPSVC-In-TCP-NoScope Profile=Domain, any address.
[FWPROF] Microsoft, NET_FW_PROFILE_TYPE2 (icftypes.h) and [MS-FASP] 2.2.2 FW_PROFILE_TYPE: profile bits 1 Domain,
       2 Private, 4 Public, 0x7FFFFFFF all; a rule applies where its profile covers an active one.
[SLERR] Windows SDK um/slerror.h and winerror.h: the numeric values of the HRESULTs.
[MOVEFILEEX] Microsoft Learn, MoveFileExW (winbase.h), MOVEFILE_DELAY_UNTIL_REBOOT: the move is done at the next
       restart; the system stores the files to be renamed at restart in the value PendingFileRenameOperations of
       HKLM SYSTEM/CurrentControlSet/Control/Session Manager (REG_MULTI_SZ, a source and a destination per
       operation, an empty destination for a delete).
[PENDREBOOT] The PendingReboot resource of ComputerManagementDsc (dsccommunity/ComputerManagementDsc,
       source/DSCResources/DSC_PendingReboot/DSC_PendingReboot.psm1; Microsoft's xPendingReboot before it): a restart
       is pending when "Component Based Servicing/RebootPending" or "WindowsUpdate/Auto Update/RebootRequired" exists
       under HKLM SOFTWARE/Microsoft/Windows/CurrentVersion, or PendingFileRenameOperations is not empty.
[O14]  Microsoft TechNet, Office 2010 volume activation ("Plan volume activation of Office 2010" ee624357, "Deploy
       volume activation of Office 2010" ee624355, "Tools to configure client computers in Office 2010" ee624350):
       Office 2010 KMS clients are activated by a KMS host that has the Office 2010 KMS host key (the Office 2010 KMS
       Host License Pack), count 5, 180 days; the Office Software Protection Platform service (osppsvc) and ospp.vbs
       (/act, /dstatus) manage them; the Office 2010 GVLKs (only their last five characters are used here).
[OSPP] Office 2010's licensing WMI classes OfficeSoftwareProtectionProduct / OfficeSoftwareProtectionService (namespace root/cimv2,
       osppsvc), as Microsoft's ospp.vbs (Office14) uses them: products by ApplicationID 59a52881-a989-479d-af46-
       f275c6370663, Activate() on the product (/act), InstallProductKey and RefreshLicenseStatus on the service. The
       class is the Windows 7 generation of the licensing classes: it has no ProductKeyChannel,
       KeyManagementServiceLookupDomain, VLActivationTypeEnabled or DiscoveredKeyManagementServiceMachineIpAddress
       (public tools read those four from SoftwareLicensingProduct only and only on Windows 8 / 8.1 and later).
[OKMS] Microsoft, "Configure a KMS host computer to activate volume licensed versions of Office" (OfficeDocs-
       DeployOffice, ms.date 09/18/2024): the Office Volume License Pack and "a KMS host key for each version of
       Office"; the Activation IDs of the Office LTSC 2024, LTSC 2021, 2019 and 2016 KMS host keys; the Office 2016 key's slmgr
       /dlv ("Name: Office 16, OfficeKMSHostVL_KMS_Host edition", "Description: Office 16, VOLUME_KMS channel").
       And "How to discover Office and Windows KMS hosts through DNS and remove unauthorized instances"
       (SupportArticles-docs): the Office 2010 key's /dlv bfe7a195-... ("Microsoft Office 2010, KMSHost edition",
       "Microsoft Office 2010 KMS, VOLUME_KMS channel", Application ID 59a52881-...).
[WBEM] Microsoft, "WBEMSTATUS enumeration (wbemcli.h)" (learn.microsoft.com/windows/win32/api/wbemcli/
       ne-wbemcli-wbemstatus): WBEM_E_ACCESS_DENIED = 0x80041003, WBEM_E_INVALID_CLASS = 0x80041010,
       WBEM_E_QUOTA_VIOLATION = 0x8004106c; and "System Error Codes (1700-3999)" (learn.microsoft.com/windows/win32/
       debug/system-error-codes--1700-3999-): RPC_S_SERVER_UNAVAILABLE 1722 (0x6BA), "The RPC server is unavailable."
[SRV]  IETF RFC 2782 (DNS SRV) and RFC 1035 (NXDOMAIN): the lab's DNS server; Microsoft names the record
       "_vlmcs._tcp" [DNS].
[DNSREG] Microsoft, Register-DnsClient (learn.microsoft.com/powershell/module/dnsclient/register-dnsclient):
       "Registers all of the IP addresses on the computer onto the configured DNS server" (the DNS client's dynamic
       update, ipconfig /registerdns): a dual-stack host's name has its A and its AAAA records.
[NETREG] Microsoft, "RegistryValueKind Enum" (learn.microsoft.com/dotnet/api/microsoft.win32.registryvaluekind):
       MultiString "An array of null-terminated strings ... equivalent to the Windows API registry data type
       REG_MULTI_SZ"; RegistryKey.GetValue, which Get-WakRegistryValue calls, returns such a value as a string[].
[NETSEC] Microsoft, NetSecurity module (learn.microsoft.com/powershell/module/netsecurity/): the Windows Firewall
       cmdlets (Get-NetFirewallProfile, Get-NetFirewallRule, New/Set/Enable/Remove-NetFirewallRule) of "Windows
       Server 2012 and later"; Windows 7 / Server 2008 R2 with WMF 5.1 have PowerShell 5.1 without them.
[NAC]  Microsoft, "Win32_NetworkAdapterConfiguration class" (learn.microsoft.com/windows/win32/cimwin32prov/
       win32-networkadapterconfiguration): "string IPAddress[]" - "Array of all of the IP addresses associated with
       the current network adapter. This property can contain either IPv6 addresses or IPv4 addresses."
[CNAME] IETF RFC 1034 section 3.6.2 "Aliases and canonical names": "A CNAME RR identifies its owner name as an
       alias"; a name server that finds a CNAME "includes the CNAME record in the response and restarts the query at
       the domain name specified in the data field of the CNAME record" - the alias resolves to the canonical name's
       addresses, and a connection to them reaches the machine that has them.
[GHA]  Microsoft, Dns.GetHostAddresses (learn.microsoft.com/dotnet/api/system.net.dns.gethostaddresses): "Returns
       the Internet Protocol (IP) addresses for the specified host", all of them, as an array; an IP address "is
       returned without querying the DNS server" (Remarks).
[ADDRSEL] Microsoft, "Configure IPv6 in Windows for advanced users" (learn.microsoft.com/troubleshoot/windows-server/
       networking/configure-ipv6-in-windows, KB 929852): "A prefix table is used to determine which address to use
       when multiple addresses are available for a DNS name. By default, Windows favors IPv6 global unicast addresses
       over IPv4 addresses"; the default table's precedences are RFC 6724 section 2.1's.
[RPCE] Microsoft Open Specifications [MS-RPCE] 2.1.1.1 "RPC over TCP/IP (ncacn_ip_tcp)" (learn.microsoft.com/
       openspecs/windows_protocols/ms-rpce/95fbfb56-d67a-47df-900c-e263d6031f22): a server name is resolved "by using
       GetAddrInfo or equivalent Windows APIs, which return a list of IP addresses. The server MUST attempt to connect
       to each IP address returned in the list. Connections are attempted in sequential order, a single address at a
       time. If the connection fails, the server MUST attempt to connect to the next IP address in the list." (The
       spec says "the server" for the side that resolves the name and connects, the RPC client here.) That the KMS
       client's "anonymous RPC" over TCP 1688 ([GEN]) goes this way is assumed (docs/lab-assumptions.md).
[SSHD] Microsoft, "OpenSSH Server configuration for Windows" (learn.microsoft.com/windows-server/administration/openssh/
       openssh_server_configuration): "The initial default Windows is the Windows Command shell (cmd.exe)"; the
       DefaultShell registry value. And Microsoft's OpenSSH for Windows source, PowerShell/openssh-portable
       contrib/win32/win32compat/w32-doexec.c (do_exec_windows): for cmd.exe the command option is "/c" and the
       command is passed unescaped, in double quotes: sprintf_s(..., "%s %s \"%s\"", shell, "/c", exec_command).
[CMD]  Microsoft, "cmd" (learn.microsoft.com/windows-server/administration/windows-commands/cmd): /c "Carries out the
       command specified by string and then stops"; with /c "the quotation marks are preserved only if" exactly one
       set, no special character (& < > ( ) @ ^ |) inside, white space inside and "The string within quotation marks
       is the name of an executable file"; otherwise "If the first character is an opening quotation mark, it is
       stripped along with the closing quotation mark. Any text following the closing quotation marks is preserved."
[CMDSYN] Microsoft TechNet, "Command shell overview" (learn.microsoft.com/previous-versions/windows/it-pro/windows-xp/
       bb490954(v=technet.10)): "command1 & command2 ... Cmd.exe runs the first command, and then the second command";
       "command1 && command2 ... runs the second command only if the first command completed successfully". And
       "Using command redirection operators" (bb490982(v=technet.10)): ">" writes a handle's output to a file or a
       device, ">&" writes one handle's output to another's, 1 is STDOUT and 2 STDERR, ">" defaults to handle 1.
"""
from __future__ import annotations

import dataclasses
import uuid

WINDOWS_APP = "55c92734-d682-4d71-983e-d6ec3f16059f"
OFFICE_APP = "0ff1ce15-a989-479d-af46-f275c6370663"
#: [OKMS] the Office KMS host keys the lab installs: generation -> (Activation ID, Name, Description). Microsoft prints
#: the Office 2010 row, and the Office 2016 key's Name and Description ("Office 16, OfficeKMSHostVL_KMS_Host edition",
#: "Office 16, VOLUME_KMS channel"); assumed: the 2019, LTSC 2021 and LTSC 2024 keys read as the 2016 one does
#: (Microsoft publishes their Activation IDs, not their Names). Office LTSC 2024's is F3D89BBF-... ([OKMS], ms.date
#: 09/18/2024: Microsoft corrected an earlier 8D368FC1-... on 2024-09-17). Office 2013's is not published: no row.
_OFFICE_16_HOST = ("Office 16, OfficeKMSHostVL_KMS_Host edition", "Office 16, VOLUME_KMS channel")
OFFICE_HOST_KEYS: dict[str, tuple[str, str, str]] = {
    "office2010": ("bfe7a195-4f8f-4f0b-a622-cf13c7d16864", "Microsoft Office 2010, KMSHost edition",
                   "Microsoft Office 2010 KMS, VOLUME_KMS channel"),
    "office2019": ("70512334-47b4-44db-a233-be5ea33b914c", *_OFFICE_16_HOST),
    "office2021": ("47f3b983-7c53-4d45-abc6-bcd91e2dd90a", *_OFFICE_16_HOST),
    "office2024": ("f3d89bbf-c0ec-47ce-a8fa-e5a5f97e447f", *_OFFICE_16_HOST),
}

#: [PLAN] "CSVLK can be hosted on" per CSVLK group (the "Activation versions" tables): the lab's host families that
#: qualify (Windows Server 2012 R2, 2012, Windows 8.1 and 7 are no lab families). [TS] 0xC004F050 "make sure you're
#: installing the correct KMS key on the corresponding version of Windows": a host the table does not list cannot
#: hold the key, so a fleet cannot describe one. assumed: the lab's win11 key (no [PLAN] group) on Windows 10 or 11.
#: The table's footnote (Datacenter: Azure Edition cannot be a KMS host) and the "KMS host required updates" are not
#: modelled: every lab KMS host is taken to have them (docs/lab-assumptions.md).
CSVLK_HOST_OS: dict[str, frozenset[str]] = {
    "ws2025": frozenset({"ws2025", "ws2022", "ws2019"}),
    "ws2022": frozenset({"ws2022", "ws2019", "ws2016"}),
    "ws2019": frozenset({"ws2019", "ws2016"}),
    "ws2016": frozenset({"ws2016"}),
    "win10": frozenset({"win10"}),
    "win11": frozenset({"win10", "win11"}),
}

#: [OKMS] the KMS host operating systems an Office host key needs ("Office supports KMS host computers running on the
#: following operating systems": Office LTSC 2024 "At least Windows Server 2022 or at least Windows 10 (volume
#: editions)", Office LTSC 2021 "At least Windows Server 2016 or at least Windows 10", Office 2019 "At least Windows
#: Server 2012 or at least Windows 8.1"): the lab's host families that qualify. assumed: Office 2010's key on any lab
#: host (its host license pack's supported systems, [O14], predate the lab's Windows releases).
OFFICE_HOST_OS = {
    "office2024": frozenset({"ws2022", "ws2025", "win10", "win11"}),
    "office2021": frozenset({"ws2016", "ws2019", "ws2022", "ws2025", "win10", "win11"}),
    "office2019": frozenset({"ws2016", "ws2019", "ws2022", "ws2025", "win10", "win11"}),
}

#: [O14][OSPP] Office 2010's ApplicationID; its products live in OfficeSoftwareProtectionProduct, not SoftwareLicensingProduct
OFFICE2010_APP = "59a52881-a989-479d-af46-f275c6370663"
OSPP_PRODUCT_CLASS = "OfficeSoftwareProtectionProduct"
#: [OSPP] the product properties the collection reads that OfficeSoftwareProtectionProduct has (the probe's column list
#: is refused for the others and it reads SELECT *). assumed: LicenseFamily, LicenseIsAddon and GenuineStatus are there
#: as in the Windows 7 SoftwareLicensingProduct the class follows.
OSPP_PRODUCT_PROPS = (
    "ID", "ApplicationID", "Name", "Description", "LicenseFamily", "PartialProductKey", "ProductKeyID", "LicenseStatus",
    "LicenseStatusReason", "GracePeriodRemaining", "LicenseIsAddon", "GenuineStatus", "VLActivationInterval",
    "VLRenewalInterval", "KeyManagementServiceMachine", "KeyManagementServicePort",
    "DiscoveredKeyManagementServiceMachineName", "DiscoveredKeyManagementServiceMachinePort",
)

#: [PLAN] activation is valid 180 days; clients renew every 7 days and retry every 2 hours while unactivated.
VALID_MINUTES = 180 * 24 * 60
RENEWAL_MINUTES = 7 * 24 * 60
RETRY_MINUTES = 120
#: [PLAN] the host activates client OSes from a count of 25, server OSes and Office from 5.
CLIENT_THRESHOLD = 25
SERVER_THRESHOLD = 5
#: The most a KMS host's current count reaches: [PLAN] "The KMS only counts unique connections from the past 30 days,
#: and only stores the 50 most recent contacts" (Windows: double the client threshold, once a Windows client OS asked:
#: [ACTW] "if a KMS host receives activation requests only from servers, the cache holds only 10 client IDs", see
#: KmsRole.cache_size); [OKMS] for Office "The maximum current count is double the activation threshold, or 10".
MAX_COUNT = {"windows": 2 * CLIENT_THRESHOLD, "office": 2 * SERVER_THRESHOLD}
#: [F074] 0xC004F06C "may occur if the difference between system time on the client computer and the system time on
#: the KMS host is more than 4 hours ... Time is coordinated ... in Coordinated Universal Time (UTC)" ([TS] says only
#: "too different" and "uses UTP time": it gives no figure).
MAX_SKEW_SECONDS = 4 * 3600


@dataclasses.dataclass(frozen=True)
class Edition:
    """One Windows or Office edition as the lab installs it."""

    key: str                 # the fleet file's name for it
    application: str         # windows | office
    family: str              # product family for CSVLK coverage: win10, win11, ws2016, ..., office2021
    name: str                # SoftwareLicensingProduct.Name
    license_family: str      # SoftwareLicensingProduct.LicenseFamily (= EditionID for Windows)
    gvlk_last5: str          # [KEYS] last five characters of the edition's public GVLK
    build: int = 0           # Win32_OperatingSystem.BuildNumber
    sku: int = 0             # Win32_OperatingSystem.OperatingSystemSKU
    product_type: int = 1    # 1 workstation, 3 server
    kms_capable: bool = True

    @property
    def activation_id(self) -> str:
        """A stable activation ID for the edition (assumed: the lab's own GUIDs; real IDs differ per release)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kmslab/{self.key}"))

    @property
    def is_server(self) -> bool:
        """True for Windows Server editions."""
        return self.product_type != 1

    @property
    def threshold(self) -> int:
        """[PLAN] the KMS count this edition needs on its host."""
        return CLIENT_THRESHOLD if self.application == "windows" and not self.is_server else SERVER_THRESHOLD


# Build numbers and OperatingSystemSKU values as Windows reports them (Win32_OperatingSystem BuildNumber /
# OperatingSystemSKU, sppwmi and "Win32_OperatingSystem class" on Learn); Name and LicenseFamily as in the real
# captures under tests/unit/fixtures ([SPP]).
_EDITIONS = [
    Edition("win10-pro", "windows", "win10", "Windows(R), Professional edition", "Professional", "T83GX", 19045, 48),
    Edition("win10-enterprise", "windows", "win10", "Windows(R), Enterprise edition", "Enterprise", "2YT43", 19045, 4),
    Edition("win11-pro", "windows", "win11", "Windows(R), Professional edition", "Professional", "T83GX", 22631, 48),
    Edition("win11-enterprise", "windows", "win11", "Windows(R), Enterprise edition", "Enterprise", "2YT43", 22631, 4),
    Edition("win11-education", "windows", "win11", "Windows(R), Education edition", "Education", "VCFB2", 26100, 121),
    Edition("win11-home", "windows", "win11", "Windows(R), Core edition", "Core", "", 22631, 101, kms_capable=False),
    Edition("ws2016-standard", "windows", "ws2016", "Windows(R), ServerStandard edition", "ServerStandard", "KHKQY", 14393, 7, 3),
    Edition("ws2016-datacenter", "windows", "ws2016", "Windows(R), ServerDatacenter edition", "ServerDatacenter", "8XDDG", 14393, 8, 3),
    Edition("ws2019-standard", "windows", "ws2019", "Windows(R), ServerStandard edition", "ServerStandard", "J464C", 17763, 7, 3),
    Edition("ws2019-datacenter", "windows", "ws2019", "Windows(R), ServerDatacenter edition", "ServerDatacenter", "63DFG", 17763, 8, 3),
    Edition("ws2022-standard", "windows", "ws2022", "Windows(R), ServerStandard edition", "ServerStandard", "VMK7H", 20348, 7, 3),
    Edition("ws2022-datacenter", "windows", "ws2022", "Windows(R), ServerDatacenter edition", "ServerDatacenter", "6VM33", 20348, 8, 3),
    Edition("ws2025-standard", "windows", "ws2025", "Windows(R), ServerStandard edition", "ServerStandard", "MY832", 26100, 7, 3),
    Edition("ws2025-datacenter", "windows", "ws2025", "Windows(R), ServerDatacenter edition", "ServerDatacenter", "YP6DF", 26100, 8, 3),
    # [O14] Office 2010: Name "Office 14, OfficeProPlus-KMS_Client edition" (as in the published capture in
    # tests/unit/fixtures/real/issue9_captures.json), LicenseFamily "OfficeProPlus"; GVLK ...-H3GVB
    Edition("office2010-proplus", "office", "office2010", "Office 14, OfficeProPlus-KMS_Client edition", "OfficeProPlus", "H3GVB"),
    Edition("office2019-proplus", "office", "office2019", "Office 19, Office19ProPlus2019VL_KMS_Client_AE edition",
            "Office19ProPlus2019VL_KMS_Client_AE", "6MWKP"),
    Edition("office2021-proplus", "office", "office2021", "Office 21, Office21ProPlus2021VL_KMS_Client_AE edition",
            "Office21ProPlus2021VL_KMS_Client_AE", "6F7TH"),
    Edition("office2024-proplus", "office", "office2024", "Office 24, Office24ProPlus2024VL_KMS_Client_AE edition",
            "Office24ProPlus2024VL_KMS_Client_AE", "GCVGB"),
]
EDITIONS = {e.key: e for e in _EDITIONS}

#: [PLAN] which product families a KMS host key (CSVLK) of each generation activates. A Windows 10/11 client CSVLK
#: activates client OSes only; a server CSVLK activates the servers of its release and older plus the clients of its time.
CSVLK_COVERAGE: dict[str, frozenset[str]] = {
    "ws2016": frozenset({"win10", "ws2016"}),
    "ws2019": frozenset({"win10", "ws2016", "ws2019"}),
    "ws2022": frozenset({"win10", "win11", "ws2016", "ws2019", "ws2022"}),
    "ws2025": frozenset({"win10", "win11", "ws2016", "ws2019", "ws2022", "ws2025"}),
    "win10": frozenset({"win10"}),
    # assumed: [PLAN]'s table has no Windows 11 client CSVLK group (its client group is "Volume license for Windows
    # 10", which activates Windows 10, 8.1 and 7 only); the lab's win11 key stands for a client CSVLK that also
    # activates Windows 11 (docs/lab-assumptions.md)
    "win11": frozenset({"win10", "win11"}),
    # [O14][OKMS] an Office host key activates its own version: "activate a KMS host key for each version of Office";
    # the Office 2010 key (its own host license pack) Office 2010
    "office2010": frozenset({"office2010"}),
    "office2019": frozenset({"office2019"}),
    "office2021": frozenset({"office2021"}),
    "office2024": frozenset({"office2024"}),
}

#: SoftwareLicensingProduct.Description per channel ([SPP]; the text of the license, not localized; the exact wording
#: follows the real captures in tests/unit/fixtures; the CSVLK generation suffix is CSVLK_DESCRIPTION_SUFFIX's).
CHANNEL_DESCRIPTION = {
    "KMS_CLIENT": "{os}, VOLUME_KMSCLIENT channel",
    "KMS_HOST": "{os}, VOLUME_KMS_{gen} channel",
    "MAK": "{os}, VOLUME_MAK channel",
    "RETAIL": "{os}, RETAIL channel",
    "OEM": "{os}, OEM_DM channel",
}
#: The generation in a Windows CSVLK's Description ("Windows(R) Operating System, VOLUME_KMS_<suffix> channel"). Real
#: text: a published guide to a Windows Server 2022 KMS host (Windows OS Hub's, quoted in a public repository file the
#: code index returns for "VOLUME_KMS_WS22", id 22774209596): "Run the command: slmgr.vbs /dlv Make sure the result
#: includes: Description = VOLUME_KMS_WS22 channel and License status = Licensed". assumed: WS16, WS19 and WS25 by
#: analogy, WIN10 and WIN11 (no published slmgr /dlv of those host keys was found); the lab printed
#: "VOLUME_KMS_2022" before, which no capture shows.
CSVLK_DESCRIPTION_SUFFIX = {"ws2016": "WS16", "ws2019": "WS19", "ws2022": "WS22", "ws2025": "WS25",
                            "win10": "WIN10", "win11": "WIN11"}
PRODUCT_KEY_CHANNEL = {"KMS_CLIENT": "Volume:GVLK", "KMS_HOST": "Volume:CSVLK", "MAK": "Volume:MAK",
                       "RETAIL": "Retail", "OEM": "OEM:DM"}

#: LicenseStatus values ([SPP]).
UNLICENSED, LICENSED, OOB_GRACE, OOT_GRACE, NON_GENUINE_GRACE, NOTIFICATION, EXTENDED_GRACE = range(7)

#: HRESULTs the lab produces ([TS] Microsoft, "Troubleshoot activation error codes"; values per [SLERR]).
HR = {
    "NO_KMS": 0xC004F074,
    "COUNT": 0xC004F038,
    "NOT_ACTIVATED_HOST": 0xC004F041,
    "CANNOT_ACTIVATE": 0xC004F042,
    "TIMESTAMP": 0xC004F06C,
    "DNS_NAME": 0x8007232B,
    "DNS_SERVER": 0x8007232A,
    "DNS_NO_RECORDS": 0x8007251D,
    "DNS_INVALID_NAME": 0x8007007B,
    "TIMEOUT": 0x800705B4,          # ERROR_TIMEOUT (winerror.h); its use for "no DNS server answers" is assumed
    "RPC_UNAVAILABLE": 0x800706BA,
    "SERVICE_DISABLED": 0x80070422,
    "INVALID_KEY": 0xC004F050,
    "ACCESS_DENIED": 0x80070005,
    "NOT_GENUINE": 0x8004FE21,
    "LICENSE_CORRUPT": 0xC004E015,
    "NOT_FOUND": 0x80070490,
}

#: [WBEM] the messages a CimException of these WMI failures carries (the symbols' meaning; the exact English text of
#: the provider's message is assumed, docs/lab-assumptions.md); any other code gets a generic message.
WMI_ERROR_MESSAGES = {
    0x80041003: "Access denied ",
    0x80041010: "Invalid class ",
    0x8004106C: "Quota violation ",
    0x800706BA: "The RPC server is unavailable. ",
}

#: Win32_OperatingSystem.OSLanguage LCIDs ([MS-LCID] Windows Language Code Identifier reference).
LANGUAGES = {"en-US": 1033, "ja-JP": 1041, "de-DE": 1031, "fr-FR": 1036}
