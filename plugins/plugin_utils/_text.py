# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pasted console output -> a partial snapshot (the snapshot_from_text filter).

Takes whole transcripts as they come - ``slmgr /dlv``, ``/dli``, ``/xpr``, ``/ato``, ``cscript ospp.vbs /dstatus`` and
``/act``, the Info data of events 12288/12289/12290/12293, ``nslookup -type=srv _vlmcs._tcp...`` and
``Get-CimInstance``/``Get-WmiObject`` SoftwareLicensingProduct/-Service in Format-List (double-spaced pastes too;
other classes in Format-List, such as Win32_Service or Get-Service, are no licence) - and returns what they show as
snapshot probes. What the text does not show stays absent. Output relayed by Vagrant, Packer, Terraform or a log
is read without the prefix the tool put before each line (_relayed). A licence view pasted on one line is cut at its known
labels; a result with no licence before it (slmgr's lone ``Error:``, ospp.vbs's ``ERROR CODE`` without SKU ID) is an
activation attempt or, after another command (``ospp.vbs /inpkey``), left unread. The localized activation error
messages of Microsoft's KB articles ("エラー: 0x8007232b", "Kod błędu: 0xc004f035") are read by their result label; a
code alone on its line only when the whole paste is its message (_Reader._lone_dialog_code). slmgr's confirmations are
read for what they say: /skms's the KMS host set, /ipk's a key only where a public KMS client key names the one licence
it fits, /ato's sentences the licence's state; the Settings app's Activation line is Windows's licence.

It anchors on what no Windows language changes: GUIDs, ``0x`` codes, the five-character partial key, the license
Name and Description (``Windows(R), Professional edition``, ``..., VOLUME_KMSCLIENT channel``), ``host:port``,
numbers, the shape of event data and nslookup's field names and failure lines ("*** ... _vlmcs._tcp...: Non-existent
domain", whose sentence is localized and whose last words are not). Labels are read only where two lines look alike
(Activation ID / Application ID, the two intervals, the KMS host names, the status word); the label table per
language holds only labels seen in real published output, each with its source. Lines that were not understood are
returned with their numbers; a full product key in them is masked to its last five characters.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import collections
import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk, _hresult, _product_names, _snapshot

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID_RE = re.compile(_GUID)
# no \b: in CJK text the code runs into the next word ("0xC004F074软件授权...")
_HEX_RE = re.compile(r"(?<![0-9A-Za-z])0x[0-9A-Fa-f]{1,8}(?![0-9A-Fa-f])")
#: "label: value" (a bullet before it allowed). Written so that a long run of blanks is not tried quadratically: the
#: bullet's blanks belong to it, and the value ends at its last non-blank character (``(?:.*\S)?``), not at a lazy
#: ``.*?`` tried before every blank of the run (a 20,000-blank line took seconds).
_LABEL_RE = re.compile(r"^\s*(?:[-*•]\s*)?(?P<label>[^:：]{1,70}?)\s*[:：]\s*(?P<value>(?:.*\S)?)\s*$")
_CHANNEL_RE = re.compile(r"\b(VOLUME_[A-Z_]+|RETAIL|OEM_[A-Z_]+|TIMEBASED_[A-Z_]+|VIRTUAL_MACHINE_ACTIVATION)\b[^,]*\bchannel\b", re.I)
#: A licence Name: "Windows(R), ... edition", "Office 16, ... edition", and the Office 2010 KMS host key's "Microsoft
#: Office 2010, KMSHost edition" (Microsoft's slmgr /dlv bfe7a195-...).
_NAME_RE = re.compile(r"^(?:Microsoft )?(Windows|Office)\b.*\b(edition|add-on)\s*$")
#: A partial product key: the last five characters of a key, in the key's own alphabet - the 24 characters of the
#: base-24 encoding of a product key ("BCDFGHJKMPQRTVWXY2346789", the table every key decoder uses, e.g. the code
#: index's ids 8496404267 and 1391912087) and the "N" a Windows 8 and later key carries ("W269N-..."). A value with any
#: other character (A, E, I, L, O, S, U, Z, 0, 1, 5) is no key but what the publisher wrote in its place: "Last 5
#: characters of installed product key: 12345" (github.com/kevinblumenfeld/Posh365/issues/54, beside "SKU ID:
#: 149dbce7-1234-1234-...") is absent, as XXXXX is.
_PARTIAL_RE = re.compile(r"^(?:[A-Z0-9Xx*]{5}-){0,4}([BCDFGHJKMNPQRTVWXY2346789]{5})$")
_HOSTPORT_RE = re.compile(r"^(?P<host>[A-Za-z0-9][A-Za-z0-9.\-_]*):(?P<port>\d{1,5})$")
_NUMBER_RE = re.compile(r"(\d+)")
_NOISE_RE = re.compile(r"^[\s\-=*_#~.]*$")
_ATTEMPT_RE = re.compile(rf"(?:Windows|Office).*?[(（](?P<id>{_GUID})[)）]")
#: slmgr /ato's line with its Activation ID hidden by the publisher: "Activating Windows(R), ServerDatacenter edition
#: (12345678-1234-1234-1234-12345678) …" (Microsoft's example of a successful activation in "Troubleshoot Azure Windows
#: virtual machine activation problems", code index id 226425580: the placeholder is no GUID). The Name is read, the
#: ID stays absent.
_ATTEMPT_HIDDEN_ID_RE = re.compile(r"^Activating (?P<name>(?:Windows|Office)\S*,? .*?(?:edition|add-on)) *[(（][^()（）]+[)）] *(?:\.\.\.|…)$")
#: KMS_VL_ALL's report of one licence's activation: "Activating: <Name>" (the licence Name it read from WMI) and, when
#: the Activate call left the licence short of a renewed period, "Product Activation Failed: 0x<code>" with the code the
#: call returned (code index ids 1061436180 and 20082773414: `echo Activating: %%x`, `echo Product Activation Failed:
#: 0x%=ExitCode%`; github.com/abbodi1406/KMS_VL_ALL_AIO/issues/13 and /68 as published). The first line alone says
#: nothing of the licence: it is no licence Name field.
_KVL_ACTIVATING_RE = re.compile(r"^Activating: (?P<name>(?:Windows|Office)\S*,? .*?(?:edition|add-on))\s*$", re.I)
_KVL_FAILED_RE = re.compile(r"^Product Activation Failed: (?P<code>0x[0-9A-Fa-f]{8})\.?\s*$")
_LONE_CODE_RE = re.compile(r"^(?:Info\s*[:：]\s*)?(0x[0-9A-Fa-f]{1,8})\s*$")
_QUOTED_DOMAIN_RE = re.compile("['\u2018\u2019\"\u300c`](?P<domain>[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+)['\u2018\u2019\"\u300d`]")
#: A DNS domain name standing alone in a sentence, as Microsoft publishes event 12293 ("Publishing the Key Managment
#: Service (KMS) to DNS in the contoso.com domain failed.", KB 2553863): labels joined by dots, the last one starting
#: with a letter (a top-level domain, so "6.1" or "0x8007.1" are no domain), not part of a longer token.
_BARE_DOMAIN_RE = re.compile(r"(?<![\w.\-@/\\])(?P<domain>(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z][A-Za-z0-9\-]*)(?![\w\-]|\.[\w\-])")
_EVENT_DATA_RE = re.compile(r"^\s*(?:Info\s*[:：]\s*)?(?P<data>0x[0-9A-Fa-f]{1,8}\s*,.*)$")
_SRV_RE = re.compile(r"(?P<name>_vlmcs\._tcp(?:\.(?P<domain>[A-Za-z0-9.\-]+?))?)\.?\s+SRV\b", re.I)
_SRV_FIELD_RE = re.compile(r"^\s*(priority|weight|port|svr hostname)\s*=\s*(\S+)\s*$", re.I)
#: The _vlmcs._tcp name in a line, the domain after it (None when the name was asked without one).
_SRV_NAME = r"(?P<name>_vlmcs\._tcp(?:\.(?P<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*))?)\.?"
#: nslookup's answer when the name does not exist: "*** <server> can't find <name>: Non-existent domain". The sentence
#: around the name is localized and the response code's words are not: Japanese "*** UnKnown が hackroom.lab を見つけられ
#: ません: Non-existent domain" (real pastes in the code index, ids 5901248121, 13144554668, 16916264831, 21363154445), French
#: "*** dns.google ne parvient pas à trouver ... : Non-existent domain" (id 28578595527); English "*** UnKnown can't find
#: ...: Non-existent domain" (id 66890674070). Microsoft's nslookup help lists "Non-existent domain: The computer or
#: DNS domain name does not exist" (microsoft.com/windows/windows2000/en/advanced/help/nslookup__notes.htm). So the
#: line is read by its shape: '***', the _vlmcs._tcp name (_SRV_FAILED_NAME_RE), the words after the last colon.
_SRV_NXDOMAIN_RE = re.compile(r"^\*{3}\s.*[:：]\s*Non-existent domain\s*$", re.I)
_SRV_FAILED_NAME_RE = re.compile(r"(?<![\w.\-])" + _SRV_NAME + r"(?=[\s:：])", re.I)
#: nslookup's last line when no DNS server answered any of its tries ("DNS request timed out." per try, then "*** Request
#: to UnKnown timed-out": real pastes in the code index, ids 16991627716, 56730668626). It does not name the query:
#: read only after an nslookup command line that asks for _vlmcs._tcp (_NSLOOKUP_RE).
_SRV_TIMED_OUT_RE = re.compile(r"^\*{3}\s*Request to \S.* timed-out\s*$", re.I)
_NSLOOKUP_START_RE = re.compile(r"^(?:[^>]*>\s*)?nslookup(?:\.exe)?\b", re.I)
_NSLOOKUP_RE = re.compile(r"\s(?<![\w.\-])" + _SRV_NAME + r"(?:\s|$)", re.I)
#: The Win32 DNS errors the kms_dns probe records for a failed SRV look-up (Resolve-DnsName's NativeErrorCode, winerror.h):
#: DNS_ERROR_RCODE_NAME_ERROR (the name does not exist) and ERROR_TIMEOUT (no server answered in time).
DNS_NAME_ERROR = 9003
DNS_TIMEOUT = 1460
#: slmgr /dlv when the product holds no KMS host found through DNS (slmgr.vbs L_MsgKmsFromDnsUnavailable, Microsoft's
#: slmgr/0409/slmgr.ini: "DNS auto-discovery: KMS name not available", printed when DiscoveredKeyManagementServiceMachineName
#: is empty or its port 0; ospp.vbs prints the same line): the discovered host is empty, not unknown. It says nothing of
#: a registered host: some slmgr.vbs print it only without one, the real /dlv of github.com/massgravel/
#: Microsoft-Activation-Scripts/issues/71 prints it above "Registered KMS machine name: 0.0.0.0:1688".
_KMS_NAME_UNAVAILABLE_RE = re.compile(r"^DNS auto-discovery\s*:\s*KMS name not available\.?$", re.I)
_EVENT_ID_RE = re.compile(r"\b(1228[89]|12290|12293)\b")
#: The "Event ID:" line of an event as Event Viewer copies it ("Log Name:", "Source:", "Date:", "Event ID:", ...,
#: "Description:"), whatever the event: after it an "Error Code:" is the event's, not a licence's (Security-SPP's event
#: 8229 "The rules engine failed to perform one or more scheduled actions." / "Error Code:0x80070005" / "Path:
#: C:\Windows\System32\SLUI.exe", Microsoft's article on 0x80070005 when activating Windows Server 2012 R2). Japanese
#: Windows' Event Viewer names it "イベント ID:" ("イベント ID: 8200", support.microsoft.com/ja-jp/help/2958281).
_VIEWER_EVENT_RE = re.compile(r"^(?:Event ID|イベント ID)\s*[:：]\s*\d+$", re.I)
_ADDON_RE = re.compile(r"^(?:Windows|Office)\b[^,]*,\s*\S+ add-on\b")
_FORUM_UNDERSCORE_RE = re.compile(r"(?<=[A-Za-z0-9])_ (?=[A-Za-z0-9])")
_XPR_HEADER_RE = re.compile(r"^(?P<name>(?:Windows|Office)\b.*\b(?:edition|add-on))\s*[:：]$")
#: The command line of the paste ("cscript //nologo ospp.vbs /inpkey:...", "slmgr.vbs -ato"): the tool and its option;
#: a line that starts, after an optional prompt ("PS C:\\...>"), with the command, not ospp.vbs's hint "To view the
#: activation event history run: cscript ospp.vbs /dhistorykms".
_COMMAND_START_RE = re.compile(r"^(?:[^>]*>\s*)?(?:cscript|slmgr|ospp|[\"\\]|[A-Za-z]:[\\/])", re.I)
_COMMAND_RE = re.compile(r"\b(?P<tool>ospp\.vbs|slmgr(?:\.vbs)?)\b\S*\s+(?:\S+\s+)*?[/-](?P<option>[A-Za-z]+)", re.I)
#: slmgr typed as the command with its option and no blank between them, "slmgr/ato", "slmgr/skms kms.03k.org": cmd.exe
#: ends a command's name at "/" and runs slmgr.vbs with "/ato", and published scripts and guides type it so (a batch
#: file's `slmgr/skms %kms_server% && slmgr/ato`, code index id 1535152489; a guide's "type slmgr/ato to activate the
#: system for 90 days. You will see a response that activation has been successful.", 31496180504; a tutorial's
#: "slmgr/skms kms.03k.org" then "slmgr/ato", 48378962401). Only as the command itself: after cscript,
#: "slmgr.vbs/ato" is the script's file name (a folder "slmgr.vbs" to Windows), and "-" ends no command's name
#: ("slmgr-ato" is another program to cmd.exe), so neither is this command. Nor at a PowerShell prompt ("PS C:\\>"):
#: PowerShell ends a command's name at a blank, not at "/", so "slmgr/ato" there is a command it does not find.
_SLMGR_NO_BLANK_RE = re.compile(r"^(?:(?!PS\s)[^>]*>\s*)?(?:[A-Za-z]:)?(?:[\\/][^\s\\/]+)*[\\/]?slmgr(?:\.vbs)?/(?P<option>[A-Za-z]+)\b", re.I)
#: slmgr's error line ("Error: 0xC004F074 The Software Licensing Service reported that the computer could not be
#: activated...", github.com/Py-KMS-Organization/py-kms/issues/85): its label, the code, Windows' message for the code.
#: On Japanese Windows the label and the message are Japanese ("エラー: 0xC004F074 ソフトウェア ライセンス サービスで、コン
#: ピューターのライセンス認証ができなかったことが報告されました。...", quoted from an Azure VM by Microsoft Japan's Azure
#: support, github.com/jpaztech/blog articles/vm/azure-kms-update.md); on Chinese (zh-CN) Windows "错误: 0xC004F074 软件
#: 授权服务报告无法激活计算机。..." (github.com/ThunderEX/py-kms/issues/20, github.com/11notes/docker-kms/issues/41); on
#: Portuguese and Swedish Windows "Erro: 0xC004F074 O Serviço de Licenciamento de Software informou que o computador não
#: podia ser ativado. ..." and "Fel: 0xC004F074 Software LicensingService rapporterade att datorn inte kunde aktiveras.
#: ..." (Microsoft's pt-PT and sv-SE machine translations of "Troubleshoot Azure Windows virtual machine activation
#: problems", code index ids 36163443365, 46534510995). Danish "Fejl:" is assumed to be the same line: it is the result
#: label of the Danish activation message (LABELS "da") and no Danish slmgr line is published. The same article's
#: other translations quote the line with their Windows' label (code index ids, tests/unit/fixtures/text/SOURCES.md,
#: session a1): de "Fehler: 0xC004F074 Vom Softwarelizenzierungsdienst wurde gemeldet, dass der Computer nicht aktiviert
#: werden konnte. ..." (36601863934), tr "Hata: ... etkinleştirilemediğini ..." (6766785871), nl "Fout: ... niet kon
#: worden geactiveerd. ..." (14055862687), cs "Chyba: ... počítač nelze aktivovat. ..." (39999760794), pl "Błąd: ...
#: nie można aktywować komputera. ..." (16117828793), hu "Hiba: ... nem lehetett aktiválni. ..." (12446816392), ru
#: "Ошибка: ... не удалось активировать. ..." (6497288160), it "Errore: ... impossibile attivare il computer. ..."
#: (15979271142), ko "오류: ... 컴퓨터를 정품 인증할 수 없다고 ..." (1186113231), zh-TW "錯誤：0xC004F074。軟體授權服務報告指出
#: 無法啟用電腦。..." (3471094794, the full-width colon and full stop as printed). Each is Microsoft's machine translation
#: of the article, not a console capture: the label and the line's shape are what is read, never its words alone.
_SLMGR_ERROR_RE = re.compile(r"^(?:Error|エラー|错误|錯誤|Erro|Fel|Fejl|Fehler|Hata|Fout|Chyba|Błąd|Hiba|Ошибка|Errore|오류)"
                             r"\s*[:：]\s*(?P<code>0x[0-9A-Fa-f]{1,8})(?![0-9A-Fa-f])(?P<text>.*)$")
#: ospp.vbs prints its result labels in capitals whatever the language (fr_21z_office2021_1_ospp_inslic.txt).
_OSPP_ERROR_CODE = "ERROR CODE"
_OSPP_DESCRIPTION_RE = re.compile(r"^ERROR DESCRIPTION\s*:(?P<text>.*)$")
#: ospp.vbs's own separators: "---Processing--------------------------" and "---Exiting-----------------------------"
#: around its output, "---------------------------------------" between licences (ospp.vbs's line of dashes). They,
#: not blank lines (a forum's or a CRLF paste doubles every line), end a licence block.
_OSPP_SEPARATOR_RE = re.compile(r"^---(?:Processing|Exiting)?-{3,}$")
#: A result message that is about activation ("... could not be activated", "activation"; Japanese Windows' word for
#: activation, "ライセンス認証": "コンピューターのライセンス認証ができなかった", github.com/jpaztech/blog; Microsoft's ja-JP
#: "ライセンス認証エラー コードのトラブルシューティング" gives it for 0xC004F038/39/6C/74, and none for 0xC004F050's
#: "プロダクト キーが無効である", code index id 6471319197); zh-CN "激活" ("软件授权服务报告无法激活计算机", the zh-CN
#: captures above); pt "ativado" / pt-PT "activado" ("não podia ser ativado"), sv and da "aktiver-" ("kunde aktiveras",
#: the pt and sv lines of _SLMGR_ERROR_RE); the translations of that article (_SLMGR_ERROR_RE): de "aktiviert", tr
#: "etkinleştir-", nl "geactiveerd", cs "aktivovat", pl "aktywować", hu "aktiválni", ru "активировать", it "attivare",
#: ko "정품 인증" (Korean Windows' word for activation, as in its slmgr label "정품 인증 ID", LABELS "ko"), zh-TW "啟用"
#: ("無法啟用電腦").
_ACTIVATION_WORD_RE = re.compile(r"activat|ライセンス認証|激活|啟用|\ba(?:c)?tiva|\baktiver|\baktiv(?:ier|ál|ov)"
                                 r"|\baktywow|\betkinleştir|\bge?activeer|\bактивир|\battiva|정품 인증", re.I)
#: The console window widths at which a long line is cut (_console_wrapped).
_CONSOLE_WIDTHS = (80, 120)
#: Windows' own activation attempts as the Application log prints them (Event Viewer, Get-WinEvent's Message), one
#: attempt an event: Security-SPP's event 8198 "License Activation (slui.exe) failed with the following error code:",
#: "hr=0x...", "Command-line arguments:", "RuleId=...;Action=AutoActivate;AppId=<guid>;SkuId=<guid>;..."
#: (github.com/Azure-Samples/azuresandbox/issues/145), and the rules engine's "The rules engine reported a failed VL
#: activation attempt.", "Reason:0x...", "AppId = <guid>, SkuId = <guid>", "Trigger=..."
#: (github.com/massgravel/Microsoft-Activation-Scripts/issues/738); a paste may hold an event on one line.
_AUTO_ATTEMPT_START_RE = re.compile(r"^(?:License Activation \(slui\.exe\) failed with the following error code"
                                    r"|The rules engine reported a failed VL activation attempt)\b", re.I)
_AUTO_ATTEMPT_CODE_RE = re.compile(r"\b(?:hr|Reason)\s*[=:]\s*(?P<code>0x[0-9A-Fa-f]{1,8})(?![0-9A-Fa-f])", re.I)
_AUTO_ATTEMPT_IDS_RE = re.compile(rf"\bAppId\s*=\s*(?P<app>{_GUID})\s*[;,]\s*SkuId\s*=\s*(?P<sku>{_GUID})", re.I)
_AUTO_ATTEMPT_OTHER_RE = re.compile(r"^(?:Command-line arguments\s*:|Trigger\s*=\s*\S+)$", re.I)
#: slmgr.vbs's L_MsgActivated after "Activating <Name> (<ID>) ...": its DisplayActivatedStatus prints it once
#: objProduct.Activate() returned, and only when the licence's LicenseStatus is then 1 (Licensed; a non-genuine or
#: notification state gets its own error text instead). English: slmgr.vbs's words are localized (slmgr.ini), these are
#: the 0409 ones.
_SLMGR_ACTIVATED_RE = re.compile(r"^Product activated successfully\.?$")
#: ospp.vbs's MSG_ACTSUCCESS: /act calls instance.Activate for the licence it has just listed (SKU ID, LICENSE NAME, ...)
#: and SppErrHandle prints this when Activate raised no error; a failure prints ERROR CODE instead. ospp.vbs is not
#: localized (github.com/Py-KMS-Organization/py-kms/issues/126).
_OSPP_ACTIVATED_RE = re.compile(r"^<Product activation successful>$")
#: slmgr.vbs DisplayActivatedStatus's other words after "Activating <Name> (<ID>) ...", each "Error: " and a sentence
#: with no code: objProduct.Activate() returned, and the licence is then in the state the sentence names -
#: L_MsgErrorText_11 when its LicenseStatus is 4 (non-genuine grace), L_MsgErrorText_12 when it is 5 with
#: LicenseStatusReason HR_SL_E_NOT_GENUINE (0xC004F200) (slmgr.vbs, code index ids 4066849753, 3835088679; Microsoft's
#: KB 4487266 quotes the second after "Activating Windows(R) 7, Enterprise edition (ae2ee509-...) ..."). English (0409).
_SLMGR_STATES: dict[str, tuple[int, str | None]] = {
    "the machine is running within the non-genuine grace period. run 'slui.exe' to go online and make the machine genuine": (4, None),
    "windows is running within the non-genuine notification period. run 'slui.exe' to go online and validate windows": (5, "0xC004F200"),
}
_SLMGR_STATE_RE = re.compile(r"^Error\s*:\s*(?P<text>\D.*?)\.?$")
#: slmgr /skms's L_MsgKmsNameSet, "Key Management Service machine name set to %KMS% successfully.", %KMS% being the
#: name and port as the command line gave them (slmgr.vbs SetKmsMachineName: the host, then the port after its first
#: colon, an IPv6 address in brackets; no port clears the stored one). The Italian words are slmgr's on an Italian
#: Windows (pastebin.com/WngJXsF3: "Nome computer del servizio di gestione delle chiavi impostato su 192.0.2.69:1833.").
_KMS_NAME_SET_RE = re.compile(r"^(?:Key Management Service machine name set to (?P<en>\S+) successfully"
                              r"|Nome computer del servizio di gestione delle chiavi impostato su (?P<it>\S+?))\.?$")
#: The Settings app's Activation page as pasted (System > Activation, or About's "Windows specifications"): "Activation:
#: Windows is activated with a digital license linked to your Microsoft account" (a blog's notes, code index id
#: 32197616391), "Activation: Windows is not activated" with "Product Key: CPR8F" below it
#: (github.com/Wind4/vlmcsd/issues/37). The page speaks of Windows alone; "activated" is its licence Licensed, "not
#: activated" says only that it is not (its LicenseStatus stays not collected); the key is the last five characters.
_SETTINGS_ACTIVATION_RE = re.compile(r"^Activation\s*:\s*Windows is (?P<not>not )?activated\b")
_SETTINGS_KEY_RE = re.compile(r"^Product key\s*:\s*(?P<key>\S+)$", re.I)
#: slmgr /ipk's L_MsgInstalledPKey, "Installed product key %PKEY% successfully.", the whole key as typed.
_KEY_INSTALLED_RE = re.compile(r"^Installed product key (?P<key>\S+) successfully\.?$")
#: The GVLK releases (_gvlk) whose licence Names carry the release's number ("Windows(R) 7, Enterprise edition", KB
#: 4487266): their keys fit only a Name with that number, a Name with none fits only the other releases' keys.
_NUMBERED_RELEASES = frozenset({"Windows 7"})

#: Labels seen in real published output, per language, mapped to the CIM property they show. Only where the value
#: alone is ambiguous. Sources:
#: en slmgr /dli, /dlv - Microsoft, "Managing License States" (TechNet ff793426) and KB 4487266's slmgr /dlv text;
#: en ospp.vbs - github.com/Wind4/vlmcsd/issues/20 (/dstatus), github.com/reeddoy/Microsoft-office-LTSC-2024/issues/4 (/act);
#: zh-CN Office licence views - github.com/YerongAI/Office-Tool/issues/580, /260, /331, /601 (许可证说明, 许可证状态, 错误代码,
#: 剩余期限, ...);
#: de - support.microsoft.com/kb/942962/de ("Fehlercode"); ja - support.microsoft.com/kb/942962/ja ("エラー コード").
#: The result label of the activation error messages in Microsoft's localized KB articles (read as "error code" is):
#: ja - support.microsoft.com/kb/929826/ja ("エラー: 0x8007232b", and its Vista / Server 2008 message "ライセンス認証エラー:
#: コード 0x8007232b") and support.microsoft.com/ja-jp/help/3166553 ("ライセンス認証のエラー: コード 0x8007232b"); the
#: Settings app's activation page writes "エラーコード:0xC004C003" without the blanks (as a PC shop quotes it,
#: pasokon360.com/0xc004c003.html; windowsfaq.net quotes "エラーコード:0xC004C008" and "エラーコード:0xC004F213");
#: da - support2.microsoft.com/kb/929826/da ("Fejl: 0x80092328", "Aktiveringsfejl: Code 0x8007232b");
#: sv - support2.microsoft.com/kb/929826/sv ("Fel: 0x8007232b", "Aktiveringsfel: Kod 0x8007232b");
#: pl - support.microsoft.com/pl-pl/kb/942962 ("Kod błędu: 0xc004f035"); it - support.microsoft.com/kb/942962/it
#: ("Codice errore: 0xc004f035"); pt (pt-PT) - support.microsoft.com/kb/929826/pt ("Erro: 0x8007232b", "Erro de
#: activação: Código 0x8007232b"). The label of the message's description that follows
#: them ("説明:", "Description:", "Beskrivning:", "Opis:", "Descrizione:", "Descrição:") is no licence's Description
#: (_labelled). The English KB 942962 prints "Error Code:" with its code on the next line (_pending_error_label).
#: No localized slmgr.ini (System32\slmgr\<LCID>\slmgr.ini, where slmgr.vbs reads its words) is published in the
#: corpora searched, and no Korean, German or Japanese slmgr /dli transcript; these labels come from public programs
#: that read real localized slmgr /dli and /dlv output, each found with the search index's find_string (the index
#: names the file by id, not by repository - tests/unit/fixtures/text/SOURCES.md lists them):
#: ko - "부분 제품 키:", "라이선스 상태", "정품 인증 ID", "사용 허가됨" (a Korean ESU activation tool parsing /dli and
#: /dlv, index ids 62503268362, 28408958823); ja - "ライセンスの状態:" and "ライセンスされています" (a Japanese
#: inventory script that keeps that line of slmgr -dli, index id 21137339454); de - "Lizenzstatus: Lizenziert" (a
#: German KMS check script, index id 38804472328); es - "Estado de la licencia: con licencia" (what a course's teuton
#: test cases expect from `cscript slmgr.vbs /dlv` on a Spanish Windows 10, index ids 49547514273, 6015136478, and a C#
#: tool's test of slmgr output, "Estado de la licencia: Con licencia", index id 27763225754); ru - "Состояние лицензии:
#: имеет лицензию" (a Russian activation script testing `cscript slmgr.vbs /dli`, index id 46597030991; two Python
#: tools test for "лицензировано" instead, index ids 25023291784, 67652063301: that word is not read).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "name": "Name", "description": "Description", "activation id": "ID", "application id": "ApplicationID",
        "partial product key": "PartialProductKey", "product key channel": "ProductKeyChannel",
        "license status": "LicenseStatus", "notification reason": "LicenseStatusReason",
        "volume activation expiration": "GracePeriodRemaining", "client machine id (cmid)": "ClientMachineID",
        "kms machine name from dns": "DiscoveredKeyManagementServiceMachineName",
        "registered kms machine name": "KeyManagementServiceMachine",
        "activation interval": "VLActivationInterval", "renewal interval": "VLRenewalInterval",
        "current count": "KeyManagementServiceCurrentCount", "listening on port": "KeyManagementServiceListeningPort",
        "sku id": "ID", "license name": "Name", "license description": "Description",
        "last 5 characters of installed product key": "PartialProductKey", "error code": "LicenseStatusReason",
        "remaining grace": "GracePeriodRemaining",
        # slmgr /dlv's minutes left (slmgr.vbs and Microsoft's slmgr/0409/slmgr.ini, github.com/abduyevelvin/first_app):
        # "Time remaining: %MINUTE% minute(s) (%DAY% day(s))" under a grace status (L_MsgLicenseStatusTimeRemaining),
        # "Timebased activation expiration: ..." (L_MsgLicenseStatusTBL_1) and "Automatic VM activation expiration: ..."
        # (L_MsgLicenseStatusAVMA_1) beside "Volume activation expiration: ..." (L_MsgLicenseStatusVL_1)
        "time remaining": "GracePeriodRemaining", "timebased activation expiration": "GracePeriodRemaining",
        "automatic vm activation expiration": "GracePeriodRemaining",
    },
    "zh-CN": {
        "许可证说明": "Description", "许可证状态": "LicenseStatus", "产品密钥的最后五个字符": "PartialProductKey",
        "错误代码": "LicenseStatusReason", "错误": "LicenseStatusReason",
        # Office Tool Plus's minutes left: "剩余期限: 4 天 (7054 分钟后到期)" (github.com/YerongAI/Office-Tool/issues/601)
        "剩余期限": "GracePeriodRemaining",
    },
    "de": {"fehlercode": "LicenseStatusReason", "lizenzstatus": "LicenseStatus"},
    "ja": {"エラー コード": "LicenseStatusReason", "エラー": "LicenseStatusReason", "ライセンス認証のエラー": "LicenseStatusReason",
           "ライセンス認証エラー": "LicenseStatusReason", "エラーコード": "LicenseStatusReason",
           "ライセンスの状態": "LicenseStatus"},
    "da": {"fejl": "LicenseStatusReason", "aktiveringsfejl": "LicenseStatusReason"},
    "sv": {"fel": "LicenseStatusReason", "aktiveringsfel": "LicenseStatusReason"},
    "pl": {"kod błędu": "LicenseStatusReason"},
    "it": {"codice errore": "LicenseStatusReason"},
    "pt": {"erro": "LicenseStatusReason", "erro de activação": "LicenseStatusReason"},
    "ko": {"부분 제품 키": "PartialProductKey", "라이선스 상태": "LicenseStatus", "정품 인증 id": "ID"},
    "es": {"estado de la licencia": "LicenseStatus"},
    "ru": {"состояние лицензии": "LicenseStatus"},
}

#: Status words as published (same sources): slmgr's words and ospp.vbs's ---WORD--- forms (read without the blanks
#: a forum's formatting puts in them: "---OOB_ GRACE---", github.com/massgravel/Microsoft-Activation-Scripts/issues/269).
STATUS_WORDS: dict[str, int] = {
    "licensed": 1, "unlicensed": 0, "notification": 5, "initial grace period": 2,
    # slmgr /dlv's other grace statuses (L_MsgLicenseStatus*_1 of Microsoft's slmgr/0409/slmgr.ini; "License Status:
    # Non-genuine grace period." ends with a full stop, read without it)
    "additional grace period (kms license expired or hardware out of tolerance)": 3, "non-genuine grace period": 4,
    "extended grace period": 6,
    "---licensed---": 1, "---unlicensed---": 0, "---notifications---": 5, "---oob_grace---": 2, "---oot_grace---": 3,
    "---未许可---": 0,
    # Office Tool Plus 9.0 prints its zh-CN status words without the dashes (github.com/YerongAI/Office-Tool/issues/601:
    # "许可证状态:  未许可 ", "许可证状态:  OOB_宽限期 " beside 0x4004F00C, "running in its grace period")
    "未许可": 0, "oob_宽限期": 2,
    "lizenziert": 1, "ライセンスされています": 1, "사용 허가됨": 1, "con licencia": 1, "имеет лицензию": 1,
}

#: The word a localized error message puts between its result label and the code ("ライセンス認証のエラー: コード
#: 0x8007232b", support.microsoft.com/ja-jp/help/3166553; "Aktiveringsfejl: Code 0x8007232b", support2.microsoft.com/kb/
#: 929826/da; "Aktiveringsfel: Kod 0x8007232b", .../kb/929826/sv; "Erro de activação: Código 0x8007232b",
#: support.microsoft.com/kb/929826/pt): an error label's value is the code, or one of these words and the code; any
#: other text before the code is not read.
CODE_WORDS: frozenset[str] = frozenset({"code", "コード", "kod", "código"})
_CODE_VALUE_RE = re.compile(r"^(?:(?P<word>[^\s\d][^\s]*)\s*)?(?P<code>0x[0-9A-Fa-f]{1,8})(?![0-9A-Fa-f])")
#: A code alone on its line, as the "Windows is not genuine" dialog's text ends (support.microsoft.com/de-de/help/
#: 4487266: "Windows ist kein Original" ... "0xC004F200"): read only as _lone_dialog_code allows.
_DIALOG_CODE_RE = re.compile(r"^0x[0-9A-Fa-f]{8}$")
#: The Software Licensing facility (0xC004xxxx: slerror.h's SL_E_* codes).
_LICENSING_FACILITY = 0xC0040000

#: slmgr /xpr: "<license Name>:" then one indented line that depends only on LicenseStatus and GracePeriodRemaining
#: (slmgr.vbs, Sub ExpirationDatime: 0 Unlicensed; 1 with GracePeriodRemaining 0 "permanently activated", else
#: "... activation will expire <date>"; 2 initial, 3 additional, 4 non-genuine, 6 extended grace "... ends <date>";
#: 5 "Notification mode"). Words: en - Microsoft's slmgr\0409\slmgr.ini (L_MsgLicenseStatus*, a published copy:
#: github.com/abduyevelvin/first_app, slmgr/0409/slmgr.ini); zh-CN - "计算机已永久激活" (programs that test
#: slmgr /xpr output for it beside "permanently activated", index ids 59123422725, 68308412231). The <date> is
#: the host's local time in its own format, relative to when slmgr ran: it is not turned into minutes, so
#: GracePeriodRemaining stays absent for "will expire" (and is 0 only for "permanently activated", as slmgr.vbs says).
XPR_PHRASES: tuple[tuple[re.Pattern[str], int, int | None], ...] = (
    (re.compile(r"^The machine is permanently activated\.?$", re.I), 1, 0),
    (re.compile(r"^计算机已永久激活[。.]?$"), 1, 0),
    (re.compile(r"^(?:Volume|Timebased) activation will expire\s+\S.*$", re.I), 1, None),
    (re.compile(r"^Unlicensed\.?$", re.I), 0, None),
    (re.compile(r"^Initial grace period ends\s+\S.*$", re.I), 2, None),
    (re.compile(r"^Additional grace period ends\s+\S.*$", re.I), 3, None),
    (re.compile(r"^Non-genuine grace period ends\s+\S.*$", re.I), 4, None),
    (re.compile(r"^Windows is in Notification mode\.?$", re.I), 5, None),
    (re.compile(r"^Extended grace period ends\s+\S.*$", re.I), 6, None),
)

#: Get-CimInstance / Get-WmiObject SoftwareLicensingProduct and SoftwareLicensingService in Format-List
#: ("LicenseStatus       : 0", github.com/ansible-collections/ansible.windows/issues/834,
#: github.com/kolide/launcher/issues/505): the CIM property names themselves, read as the properties the probes collect
#: ($WakProductProperties, $WakServiceProperties in powershell/library.ps1), with how PowerShell prints each value.
#: Not read: the CIM datetimes (EvaluationEndDate, TrustedTime: printed in the host's local format) and properties the
#: probes do not collect (left unread).
CIM_PRODUCT_PROPERTIES: dict[str, str] = {
    "ID": "guid", "ApplicationID": "guid", "Name": "text", "Description": "text", "LicenseFamily": "text",
    "PartialProductKey": "partial", "ProductKeyChannel": "text", "ProductKeyID": "text", "LicenseStatus": "int",
    "LicenseStatusReason": "hresult", "GracePeriodRemaining": "int", "LicenseIsAddon": "bool", "GenuineStatus": "int",
    "VLActivationInterval": "int", "VLRenewalInterval": "int", "VLActivationType": "int", "VLActivationTypeEnabled": "int",
    "KeyManagementServiceMachine": "text", "KeyManagementServicePort": "int", "KeyManagementServiceLookupDomain": "text",
    "KeyManagementServiceProductKeyID": "text", "DiscoveredKeyManagementServiceMachineName": "text",
    "DiscoveredKeyManagementServiceMachinePort": "int", "DiscoveredKeyManagementServiceMachineIpAddress": "text",
    "IsKeyManagementServiceMachine": "int", "KeyManagementServiceCurrentCount": "int", "RequiredClientCount": "int",
    "ADActivationObjectName": "text", "ADActivationCsvlkPid": "text",
}
CIM_SERVICE_PROPERTIES: dict[str, str] = {
    "Version": "text", "ClientMachineID": "guid", "KeyManagementServiceMachine": "text", "KeyManagementServicePort": "int",
    "KeyManagementServiceLookupDomain": "text", "DiscoveredKeyManagementServiceMachineName": "text",
    "DiscoveredKeyManagementServiceMachinePort": "int", "DiscoveredKeyManagementServiceMachineIpAddress": "text",
    "KeyManagementServiceHostCaching": "bool", "IsKeyManagementServiceMachine": "int", "KeyManagementServiceCurrentCount": "int",
    "RequiredClientCount": "int", "KeyManagementServiceListeningPort": "int", "KeyManagementServiceDnsPublishing": "bool",
    "KeyManagementServiceLowPriority": "bool", "KeyManagementServiceProductKeyID": "text",
    "KeyManagementServiceTotalRequests": "int", "KeyManagementServiceFailedRequests": "int",
    "KeyManagementServiceLicensedRequests": "int", "VLActivationInterval": "int", "VLRenewalInterval": "int",
    "PolicyCacheRefreshRequired": "int", "RemainingWindowsReArmCount": "int",
}
#: Properties only SoftwareLicensingService has (Microsoft's class references): a listing with one of them is the
#: service, not a product (SoftwareLicensingProduct has the KMS request counters too).
_CIM_SERVICE_ONLY = frozenset({"Version", "ClientMachineID", "KeyManagementServiceHostCaching", "KeyManagementServiceListeningPort",
                               "KeyManagementServiceDnsPublishing", "KeyManagementServiceLowPriority",
                               "PolicyCacheRefreshRequired", "RemainingWindowsReArmCount"})
#: SoftwareLicensingService properties other CIM classes have too (Win32_OperatingSystem's Version): a record needs
#: one of the service's other, licensing-specific properties (ClientMachineID, KeyManagementService*, ...) to be read as
#: the licensing service.
_CIM_GENERIC_SERVICE_PROPERTIES = frozenset({"Version"})
_CIM_SERVICE_LICENSING = frozenset(CIM_SERVICE_PROPERTIES) - _CIM_GENERIC_SERVICE_PROPERTIES
#: SoftwareLicensingProduct properties every CIM class or cmdlet object may print (Win32_Service, Win32_Product,
#: Win32_OperatingSystem, Get-Service: Name, Description; an ID): a listing showing only these is a licence only when
#: its Name or Description is a licence's (_licence_text); any other product property (ApplicationID,
#: PartialProductKey, LicenseStatus, ProductKeyChannel, LicenseFamily, ...) is the licensing classes' own.
_CIM_GENERIC_PRODUCT_PROPERTIES = frozenset({"ID", "Name", "Description"})
_CIM_PRODUCT_LICENSING = frozenset(CIM_PRODUCT_PROPERTIES) - _CIM_GENERIC_PRODUCT_PROPERTIES
#: One Format-List line: a property name, the blanks PowerShell pads it with, " : ", the value (slmgr's "Name: ..." has
#: no blank before the colon and is not this).
_CIM_LINE_RE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+:(?:\s(?P<value>.*))?$")
#: The CIM property names the reader knows. A run of 'Word : value' lines is Format-List only when two consecutive lines
#: of it are named so: one such line alone is a label typed with a blank before its colon (French typography, "Nom :
#: ...\nDescription : ...", or a forum's alignment) and goes the label path.
_CIM_NAMES = frozenset(CIM_PRODUCT_PROPERTIES) | frozenset(CIM_SERVICE_PROPERTIES)
#: One kept Format-List line: its number, the property name, the value as printed, the line.
_CimEntry = tuple[int, str, str, str]
#: A Format-List value that is not read (the property is not collected, or its text is not such a value).
_UNREAD = object()

_LABEL_TO_FIELD = {label: field for table in LABELS.values() for label, field in table.items()}
#: A known label inside a line (after its start or a blank) with its colon: where a licence view pasted on one line
#: ("... edition 许可证说明: Office 21, VOLUME_KMSCLIENT channel 产品密钥的最后五个字符: 6F7TH 错误代码: 0xC004E015 ...",
#: github.com/YerongAI/Office-Tool/issues/282) is cut into its 'label: value' pairs; the longest label first.
_INLINE_LABEL_RE = re.compile("(?:^|(?<=\\s))(?:" + "|".join(re.escape(label) for label in sorted(_LABEL_TO_FIELD, key=len, reverse=True))
                              + ")\\s*[:：]", re.I)
_PRODUCT_FIELDS = {"Name", "Description", "ID", "ApplicationID", "PartialProductKey", "ProductKeyChannel", "LicenseStatus",
                   "LicenseStatusReason", "GracePeriodRemaining", "DiscoveredKeyManagementServiceMachineName",
                   "KeyManagementServiceMachine", "VLActivationInterval", "VLRenewalInterval", "KeyManagementServiceCurrentCount",
                   "KeyManagementServiceListeningPort"}


class _Reader:
    """One pass over the lines; products start at a license Name (or an ospp SKU ID)."""

    def __init__(self, format_list: frozenset[int] = frozenset()) -> None:
        self.format_list = format_list      # the numbers of the lines in a Format-List block (_format_list_lines)
        self.products: list[dict[str, t.Any]] = []
        self.service: dict[str, t.Any] = {}
        self.events: list[dict[str, t.Any]] = []
        self.attempts: list[dict[str, t.Any]] = []
        self.srv: list[dict[str, t.Any]] = []
        self.unread: list[dict[str, t.Any]] = []
        self.pending_attempt: dict[str, t.Any] | None = None
        self.pending_kvl: dict[str, t.Any] | None = None    # KMS_VL_ALL's "Activating: <Name>" line, until the next one
        self.event_id: int | None = None
        self.viewer_event = False       # an Event Viewer event's text was named ("Event ID: 8229"), until a command line
        self.quoted_domain: str | None = None
        self.bare_domain: str | None = None
        self.xpr_name: str | None = None
        self.ospp = False
        self.command: tuple[str, str, bool] | None = None     # (tool, option, Office 2010's ospp.vbs)
        self.after_command = False      # the last line that is not blank was an slmgr / ospp.vbs command line
        self.listed: set[tuple[str, str]] = set()     # the (tool, option) of the command lines in a row (_command)
        self.block_has_product = False
        self.pending_ospp: tuple[int, str, str] | None = None
        self.wrapped_description: tuple[int, str, str] | None = None    # (line, text, description) cut by the console
        self.current_text = ""
        self.cim_record: list[_CimEntry] = []
        self.skipped_keyless = 0       # Format-List products with an empty PartialProductKey (no key installed)
        self.lone_codes: list[tuple[int, str]] = []     # 0x codes alone on a line outside event data (_lone_dialog_code)
        self.nslookup: tuple[str, str | None] | None = None    # (name, domain) the last nslookup command line asks for
        self.attempt_names: list[tuple[dict[str, t.Any], str]] = []     # slmgr /ato attempts and the licence Name they show
        self.activated: list[dict[str, t.Any]] = []     # slmgr /ato attempts that printed "Product activated successfully."
        self.auto_attempt: dict[str, t.Any] | None = None   # the automatic attempt (event 8198, rules engine) being read
        self.auto_lines: list[dict[str, t.Any]] = []    # its lines, unread if the event ends before its code and licence
        self.pending_error_label: int | None = None     # the line of an error label with no value (_pending_error_label)
        self.command_id: str | None = None      # the Activation ID on the paste's slmgr command line, if it has one
        self.unresolved: list[dict[str, t.Any]] = []    # slmgr /ato attempts whose result the paste does not show
        self.attempt_states: list[tuple[dict[str, t.Any], tuple[int, str | None]]] = []    # (attempt, _SLMGR_STATES)
        self.kms_names: list[tuple[int, str, str, int | None]] = []     # /skms of one licence: (line, ID, host, port)
        self.installed_keys: list[tuple[int, str]] = []     # slmgr /ipk: (line, the key's last five characters)
        self.settings_licence: dict[str, t.Any] | None = None   # the Windows licence of a Settings page (_settings_page)
        self.cut_value: tuple[dict[str, t.Any], str] | None = None  # a Name / Description the console cut (_cut_value)

    # -- products ------------------------------------------------------------------------------------------------

    def _current(self, starts: bool = False) -> dict[str, t.Any]:
        if starts or not self.products:
            self.products.append({})
        return self.products[-1]

    def _set(self, field: str, value: t.Any) -> None:
        """Put a value on the current product; a field seen twice starts a new product."""
        product = self._current()
        if field in product and field not in ("LicenseStatusReason",):
            product = self._current(starts=True)
        product[field] = value

    def _value(self, field: str, raw: str) -> t.Any:
        """A label's value as the CIM property would hold it, or None when the text is not what the field holds."""
        text = raw.strip()
        if field in ("ID", "ApplicationID", "ClientMachineID"):
            # slmgr, ospp.vbs and Format-List print the GUID alone; a GUID with words after it is another program's
            # line (vlmcs, the KMS test client: "Application ID : 55c92734-... (Windows)", the parameters of the
            # request it makes up, github.com/Py-KMS-Organization/py-kms/issues/138), never this host's licence
            match = _GUID_RE.fullmatch(text)
            return match.group(0).lower() if match else None
        if field == "LicenseStatusReason":
            match = _CODE_VALUE_RE.match(text)
            if match is None or (match.group("word") is not None and match.group("word").lower() not in CODE_WORDS):
                return None
            return match.group("code")
        if field == "LicenseStatus":
            word = re.sub(r"\s+", "", text) if text.startswith("---") else text
            return STATUS_WORDS.get(word.lower().rstrip(".。"))
        if field == "PartialProductKey":
            # a key the publisher hid ("Last 5 characters of installed product key: XXXXX") is absent, as a redacted
            # Format-List value is (_cim_shown_value): never the key "…XXXXX"
            match = None if _snapshot.is_placeholder(text) else _PARTIAL_RE.match(text)
            return match.group(1) if match else None
        if field in ("GracePeriodRemaining",):
            minutes = re.search(r"(\d+)\s*(?:minute|分钟)", text)
            return int(minutes.group(1)) if minutes else None
        if field in ("VLActivationInterval", "VLRenewalInterval", "KeyManagementServiceCurrentCount", "KeyManagementServiceListeningPort"):
            number = _NUMBER_RE.search(text)
            return int(number.group(1)) if number else None
        if field in ("DiscoveredKeyManagementServiceMachineName", "KeyManagementServiceMachine"):
            return text or None
        if field in ("Name", "Description"):
            # no license Name or channel has "_ ": a forum's formatting put the blank there ("TIMEBASED_ SUB channel",
            # github.com/massgravel/Microsoft-Activation-Scripts/issues/269)
            text = _FORUM_UNDERSCORE_RE.sub("_", text)
        return text or None

    def _labelled(self, number: int, label: str, value: str) -> bool:
        """Read a 'label: value' line whose label is in LABELS."""
        field = _LABEL_TO_FIELD.get(label.strip().lower()) or _LABEL_TO_FIELD.get(label.strip())
        if field is None:
            return False
        if field == "LicenseStatusReason" and not value.strip():
            self._pending_error_label(number, label)
            return False
        if field == "LicenseStatusReason" and self.viewer_event and not self._in_licence():
            return False        # an event's own error code (_VIEWER_EVENT_RE): no licence's state, left unread
        if field == "LicenseStatusReason" and self._slmgr_error_line():
            return False        # slmgr's error line of a command other than /ato (_lone_slmgr_error): left unread
        parsed = self._value(field, value)
        if parsed is None:
            return False
        if label.strip() == _OSPP_ERROR_CODE and not self.block_has_product:
            return self._lone_ospp_error(number, parsed)
        if field == "ClientMachineID":
            self.service["ClientMachineID"] = parsed
            return True
        if field == "ID" and label.strip().lower() == "sku id":
            self._sku_id(parsed)
            return True
        if field == "Name":
            self._current(starts="Name" in self._current())["Name"] = parsed
            return True
        if field == "Description" and not self._in_licence():
            return False        # an error message's description ("Description:" after "Fejl: 0x..."), not a licence's
        if field in ("DiscoveredKeyManagementServiceMachineName", "KeyManagementServiceMachine"):
            hostport = _HOSTPORT_RE.match(parsed)
            port_field = "DiscoveredKeyManagementServiceMachinePort" if field.startswith("Discovered") else "KeyManagementServicePort"
            if hostport:
                self._set(field, hostport.group("host"))
                self._current()[port_field] = int(hostport.group("port"))
            else:
                self._set(field, parsed)
            return True
        self._set(field, parsed)
        return True

    def _pending_error_label(self, number: int, label: str) -> None:
        """Remember an error label with nothing after it ("Error Code:" of the English KB 942962, whose code 0xC004F059
        stands on the next line, support.microsoft.com/kb/942962): the line stays unread unless the next line that is
        not blank is a code alone (_error_code_after_label). Not for ospp.vbs's ERROR CODE (printed with its code on
        the label's line) nor inside an event's text."""
        if label.strip() != _OSPP_ERROR_CODE and self.event_id is None:
            self.pending_error_label = number

    def _error_code_after_label(self, number: int, text: str) -> bool:
        """Read a code alone on its line as the value of the error label just before it (_pending_error_label), as the
        label's value is read when both stand on one line; the label's line is then understood too."""
        label_line, self.pending_error_label = self.pending_error_label, None
        if label_line is None or not _DIALOG_CODE_RE.match(text):
            return False
        self.unread = [u for u in self.unread if u["line"] != label_line]
        self._set("LicenseStatusReason", text)
        return True

    def _sku_id(self, sku: str) -> None:
        """A "SKU ID:" line. ospp.vbs prints it first in a licence's block (/dstatus, /act: SKU ID, LICENSE NAME, ...), so
        there it starts the licence; Office Tool Plus's licence view prints it after the licence's Name and
        "许可证说明:" (github.com/YerongAI/Office-Tool/issues/331), so a licence of this block that has a Name or a
        Description and no ID yet is the one it belongs to."""
        current = self.products[-1] if self.products else {}
        if self.block_has_product and "ID" not in current and ("Name" in current or "Description" in current):
            current["ID"] = sku
            return
        self.ospp = True
        self._current(starts=True)["ID"] = sku

    def _in_licence(self) -> bool:
        """Whether a licence is being read: the last product shows more than an error code (an error message's
        'Fejl: 0x...' alone makes no licence whose Description could follow)."""
        return bool(self.products) and any(field != "LicenseStatusReason" for field in self.products[-1])

    # -- one line -----------------------------------------------------------------------------------------------

    def line(self, number: int, text: str) -> None:
        """Read one line of the paste."""
        stripped = text.strip()
        if self._cim_line(number, stripped):
            return
        command = self._command(stripped)
        if stripped:
            self.after_command = command
        if self.pending_ospp is not None and stripped and self._ospp_description(number, stripped):
            return                              # a blank line does not settle a lone ERROR CODE: the next line does
        if _OSPP_SEPARATOR_RE.match(stripped):
            self.block_has_product = False      # ospp.vbs's separators end a licence block; blank lines do not
        if _NOISE_RE.match(stripped):
            return      # a blank line leaves a cut value waiting (_cut_value): a double-spaced paste puts one there
        before = self._fingerprint()
        self._read(number, stripped)
        if self._fingerprint() != before:
            self.block_has_product = True

    def _fingerprint(self) -> tuple[int, int]:
        """How many products and fields of the last one there are (to tell whether a line added to a product)."""
        return len(self.products), len(self.products[-1]) if self.products else 0

    def _command(self, text: str) -> bool:
        """Remember the command line of the paste (ospp.vbs or slmgr and its option, the _vlmcs._tcp name an nslookup
        command line asks for); the line is read as usual. A command line ends an Event Viewer event copied before it
        (``viewer_event``): what the command printed is no part of the event. Command lines one after another with
        nothing printed between them (a list of the commands run, or slmgr run by wscript, whose results are windows,
        not console lines) leave the command that printed what follows them unknown when they differ (``listed``):
        "slmgr /ipk <key>", "slmgr/ato", then the error the reporter says /ipk gave (ZH_ENTERPRISEGCONVERT_2 of
        test_text_reader_captures_2026_12c.py). Whether the line is an slmgr or ospp.vbs command line."""
        if _NSLOOKUP_START_RE.match(text):
            name = _NSLOOKUP_RE.search(text)
            self.nslookup = (name.group("name"), name.group("domain")) if name else None
            self.viewer_event = False
            return False
        match = (_COMMAND_RE.search(text) if _COMMAND_START_RE.match(text) else None) or _SLMGR_NO_BLANK_RE.match(text)
        if not match:
            return False
        tool = "ospp" if (match.groupdict().get("tool") or "slmgr").lower().startswith("ospp") else "slmgr"
        command = (tool, match.group("option").lower(), tool == "ospp" and "office14" in text.lower())
        self.listed = (self.listed | {command[:2]}) if self.after_command else {command[:2]}
        self.command = command if len(self.listed) == 1 else None
        activation_id = _GUID_RE.search(text[match.end():])
        self.command_id = activation_id.group(0).lower() if activation_id and self.command is not None else None
        self.nslookup = None
        self.viewer_event = False
        return True

    def _read(self, number: int, stripped: str) -> None:
        """Read one line that is not noise; what is not understood is kept as unread. A line with several known labels
        is read as the lines it would be in the multi-line view: the text before the first label, then each
        'label: value'; the parts not understood are kept as one unread line."""
        segments = _label_segments(stripped)
        if len(segments) < 3:
            self._read_part(number, stripped)
            return
        unread = len(self.unread)
        for segment in segments:
            if segment:
                self._read_part(number, segment)
        parts = [u["text"] for u in self.unread[unread:]]
        del self.unread[unread:]
        if parts:
            self.unread.append({"line": number, "text": " ".join(parts)})

    def _read_part(self, number: int, stripped: str) -> None:
        """Read one line, or one 'label: value' part of a line."""
        self.current_text = _gvlk.mask_keys(stripped)
        self.viewer_event = self.viewer_event or bool(_VIEWER_EVENT_RE.match(stripped))
        if self._error_code_after_label(number, stripped) or self._cut_value(stripped):
            return
        if self._auto_attempt(number, stripped) or self._kms_vl_all_attempt(number, stripped):
            return
        if self._event_or_srv(stripped) or self._attempt(stripped) or self._ospp_success(stripped) or self._xpr(stripped):
            return
        if self._kms_name_set(number, stripped) or self._key_installed(number, stripped) or self._settings_page(stripped):
            return
        match = _LABEL_RE.match(stripped)
        if match and not _foreign_property(stripped) and self._labelled(number, match.group("label"), match.group("value")):
            self._note_cut(stripped)
            return
        value = match.group("value") if match else stripped
        # anchors that need no label
        if _CHANNEL_RE.search(value):
            self._set("Description", value)
            return
        if _NAME_RE.match(value):
            self._current(starts=bool(self.products and "Name" in self.products[-1]))["Name"] = value
            return
        if "Key Management Service is enabled on this machine" in stripped or \
                "Key Management Service is enabled on this computer" in stripped:    # Microsoft's /dlv example words it so
            self._set("IsKeyManagementServiceMachine", 1)
            return
        if _KMS_NAME_UNAVAILABLE_RE.match(stripped) and self._in_licence():
            self._set("DiscoveredKeyManagementServiceMachineName", "")
            return
        if _DIALOG_CODE_RE.match(stripped) and self.event_id is None:
            self.lone_codes.append((number, stripped))      # unread unless the whole paste is its message
        self.unread.append({"line": number, "text": _gvlk.mask_keys(stripped)})

    def _kms_vl_all_attempt(self, number: int, text: str) -> bool:
        """KMS_VL_ALL's "Activating: <Name>" then "Product Activation Failed: 0x<code>" (_KVL_ACTIVATING_RE): a failed
        activation attempt with that code, its licence's state not shown. The "Activating:" line followed by anything
        else (KMS_VL_ALL's "Product Activation succeeded, but Remaining Period failed to increase.") stays unread, and
        the next line is read as it would be without it."""
        pending, self.pending_kvl = self.pending_kvl, None
        if pending is not None:
            failed = _KVL_FAILED_RE.match(text)
            if failed:
                # KMS_VL_ALL calls the licence's WMI Activate method (`call :qrMethod %spp% ID %app% Activate`)
                attempt = {"HResult": failed.group("code"), "Tool": "Activate"}
                app = _kvl_application(pending["name"])
                if app is not None:
                    attempt["ApplicationID"] = app
                self.attempts.append(attempt)
                return True
            self.unread.append({"line": pending["line"], "text": pending["text"]})
        activating = _KVL_ACTIVATING_RE.match(text)
        if activating:
            self.pending_kvl = {"line": number, "text": _gvlk.mask_keys(text), "name": activating.group("name")}
            return True
        return False

    def _attempt_ids(self, products: list[dict[str, t.Any]]) -> None:
        """Give a licence whose Activation ID line was not read the ID its slmgr /ato line shows: "<Name> (<ID>)" names
        the licence and its activation ID together (a localized /dlv whose labels are not read still shows the Name),
        so the attempt and the licence are one. Only for the one licence of that Name with no ID of its own."""
        for attempt, name in self.attempt_names:
            named = [p for p in products if p.get("Name") == name]
            if "ID" in attempt and len(named) == 1 and "ID" not in named[0] and not any(p.get("ID") == attempt["ID"] for p in products):
                named[0]["ID"] = attempt["ID"]

    def _lone_dialog_code(self) -> None:
        """A code alone on its line with the text of a message around it (the not-genuine dialog of KB 4487266, de:
        "Windows ist kein Original" ... "0xC004F200") is that message's error code, read as an "error code" label's
        is, only when: it is the paste's one such line, no event was named before it, nothing else of the paste was
        read (no licence, result, event, SRV record, /xpr or command line: no other format the reader takes), other
        lines stand around it, and the code is a Software Licensing error (0xC004xxxx) in the catalog (_hresult).
        Otherwise it stays unread."""
        if len(self.lone_codes) != 1 or any(self.products) or self.service or self.events or self.attempts or self.srv \
                or self.command is not None or self.event_id is not None or len(self.unread) < 2:
            return
        number, code = self.lone_codes[0]
        value = _hresult.normalise(code)
        if value is None or value & 0xFFFF0000 != _LICENSING_FACILITY or not _hresult.is_known(value):
            return
        self.unread = [u for u in self.unread if u["line"] != number]
        self._current(starts=True)["LicenseStatusReason"] = code

    def _attempt(self, text: str) -> bool:
        """slmgr /ato: '<license Name> (<activation ID>)' then a line with the code it returned."""
        match = _ATTEMPT_RE.search(text)
        hidden = None if match else _ATTEMPT_HIDDEN_ID_RE.match(text)
        if (match or hidden) and self.pending_attempt is not None:
            self.unresolved.append(self.pending_attempt)    # another licence's attempt begins: this one shows no result
        if match:
            self.pending_attempt = {"ID": match.group("id").lower(), "Tool": "slmgr /ato"}
            # slmgr.vbs prints "Activating <objProduct.Name> (<objProduct.ID>) ...": the Name before the parenthesis
            self.attempt_names.append((self.pending_attempt, text[match.start():match.start("id") - 1].strip()))
            code = _HEX_RE.search(text[match.end():])
            if code:
                self._finish_attempt(code.group(0))
            return True
        if hidden:
            self.pending_attempt = {"Tool": "slmgr /ato"}
            self.attempt_names.append((self.pending_attempt, hidden.group("name")))
            return True
        if self.pending_attempt is not None:
            code = _HEX_RE.search(text)
            if code:
                self._finish_attempt(code.group(0))
                return True
            if _SLMGR_ACTIVATED_RE.match(text):
                self.activated.append(self.pending_attempt)
                self._finish_attempt("0x0")
                return True
            state = _SLMGR_STATE_RE.match(text)
            if state and state.group("text").lower() in _SLMGR_STATES:
                self.attempt_states.append((self.pending_attempt, _SLMGR_STATES[state.group("text").lower()]))
                self.pending_attempt = None
                return True
            self.unresolved.append(self.pending_attempt)
            self.pending_attempt = None      # no code on the next line: the result is not shown (a localized success)
        return self._lone_slmgr_success(text) or self._lone_slmgr_error(text)

    def _lone_slmgr_success(self, text: str) -> bool:
        """slmgr's "Product activated successfully." with no 'Activating <Name> (<ID>)' line before it, under the
        slmgr /ato command line that printed it (the words alone are also other programs' messages): an attempt that
        returned no error, whose licence the paste does not name (a Terraform remote-exec log of `cscript slmgr.vbs
        /ato`, github.com/clong/DetectionLab/pull/425). Nothing is said of a licence's state."""
        if not _SLMGR_ACTIVATED_RE.match(text) or self.command is None or self.command[:2] != ("slmgr", "ato"):
            return False
        self.attempts.append({"HResult": "0x0", "Tool": "slmgr /ato"})
        return True

    def _kms_name_set(self, number: int, text: str) -> bool:
        """slmgr /skms's confirmation (_KMS_NAME_SET_RE): the KMS host (and port, when given) set by hand. slmgr sets it
        on SoftwareLicensingService unless its command line names an Activation ID, then on that licence: the service's
        setting when the paste shows no such command line, the licence's (_named_kms_hosts) when it does."""
        match = _KMS_NAME_SET_RE.match(text)
        if match is None:
            return False
        host, port = _kms_name_port(match.group("en") or match.group("it"))
        if self.command is not None and self.command[:2] == ("slmgr", "skms") and self.command_id is not None:
            self.kms_names.append((number, self.command_id, host, port))
            self.unread.append({"line": number, "text": self.current_text})     # read once that licence is found
            return True
        self.service["KeyManagementServiceMachine"] = host
        if port is not None:
            self.service["KeyManagementServicePort"] = port
        return True

    def _key_installed(self, number: int, text: str) -> bool:
        """slmgr /ipk's confirmation (_KEY_INSTALLED_RE): the line stays unread unless _installed_keys finds the licence
        the key went to."""
        match = _KEY_INSTALLED_RE.match(text)
        key = _PARTIAL_RE.match(match.group("key")) if match else None
        if key is None:
            return False
        self.installed_keys.append((number, key.group(1)))
        self.unread.append({"line": number, "text": self.current_text})
        return True

    def _note_cut(self, text: str) -> None:
        """Remember the licence's Name or Description just read from a line that fills the console's width
        (_console_wrapped): the console may have cut it, its end then standing on the next line (_cut_value)."""
        last = self.products[-1] if self.products else {}
        field = next((f for f in ("Description", "Name") if last.get(f) and text.endswith(str(last[f]))), None)
        if field is not None and _console_wrapped(text):
            self.cut_value = (self.products[-1], field)

    def _cut_value(self, text: str) -> bool:
        """The end of a Name or Description the console cut at its width (_note_cut), alone on the next line: "...,
        VOLUME_KMSCLIENT chan" / "nel" (slmgr /dli in an 80-column console, Checkmk's win_license test,
        github.com/Checkmk/checkmk tests/unit/checks/test_win_license.py). Joined only when the cut value is no licence
        Name or channel and the joined one is (_NAME_RE, _CHANNEL_RE); a line with a blank or a colon is no such end,
        and any other line read in between ends the wait."""
        cut, self.cut_value = self.cut_value, None
        if cut is None or not text or any(c in text for c in " :："):
            return False
        product, field = cut
        anchor = (lambda value: bool(_CHANNEL_RE.search(value))) if field == "Description" else (lambda value: bool(_NAME_RE.match(value)))
        joined = str(product[field]) + text
        if anchor(str(product[field])) or not anchor(joined):
            return False
        product[field] = joined
        return True

    def _settings_page(self, text: str) -> bool:
        """The Settings app's Activation line (_SETTINGS_ACTIVATION_RE) starts the page's licence, Windows's (its
        ApplicationID), Licensed when the page says activated; the page's "Product key" line below it is that
        licence's partial key. A "Product key:" anywhere else is left to the other readers."""
        activation = _SETTINGS_ACTIVATION_RE.match(text)
        if activation:
            licence: dict[str, t.Any] = {"ApplicationID": _snapshot.WINDOWS_APPLICATION_ID}
            if not activation.group("not"):
                licence["LicenseStatus"] = 1
            self.products.append(licence)
            self.settings_licence = licence
            return True
        key = _SETTINGS_KEY_RE.match(text)
        partial = _PARTIAL_RE.match(key.group("key")) if key else None
        if partial is None or not self.products or self.products[-1] is not self.settings_licence \
                or "PartialProductKey" in self.settings_licence:
            return False
        self.settings_licence["PartialProductKey"] = partial.group(1)
        return True

    def _auto_attempt(self, number: int, text: str) -> bool:
        """An event of Windows' own failed activation (_AUTO_ATTEMPT_START_RE): its first line, then the lines of its
        code (hr= / Reason:), its licence (AppId, SkuId) and the rest of its text. Once the code and the SkuId are read
        it is an activation attempt (Tool ``automatic``) of that licence; an event cut before both is left unread."""
        start = _AUTO_ATTEMPT_START_RE.match(text)
        if start:
            self._end_auto_attempt()
            self.auto_attempt = {}
        elif self.auto_attempt is None:
            return False
        code = _AUTO_ATTEMPT_CODE_RE.search(text)
        ids = _AUTO_ATTEMPT_IDS_RE.search(text)
        if not (start or code or ids or _AUTO_ATTEMPT_OTHER_RE.match(text)):
            self._end_auto_attempt()
            return False
        attempt = self.auto_attempt if self.auto_attempt is not None else {}
        if code and "HResult" not in attempt:
            attempt["HResult"] = code.group("code")
        if ids and "ID" not in attempt:
            attempt.update(ID=ids.group("sku").lower(), ApplicationID=ids.group("app").lower())
        self.auto_lines.append({"line": number, "text": _gvlk.mask_keys(text)})
        if "HResult" in attempt and "ID" in attempt and not attempt.get("recorded"):
            self.attempts.append({"ID": attempt["ID"], "ApplicationID": attempt["ApplicationID"], "HResult": attempt["HResult"],
                                  "Tool": "automatic"})
            attempt["recorded"] = True
        return True

    def _end_auto_attempt(self) -> None:
        """End the event being read: its lines stay unread when it gave no attempt."""
        if self.auto_attempt is not None and not self.auto_attempt.get("recorded"):
            self.unread.extend(self.auto_lines)
        self.auto_attempt, self.auto_lines = None, []

    def _ospp_success(self, text: str) -> bool:
        """ospp.vbs /act's "<Product activation successful>" in the block of the licence it activated (its SKU ID, or
        its LICENSE NAME / DESCRIPTION where the paste masked the ID): an attempt that returned no error, and the
        licence is activated; the attempt names the licence's ID when the paste shows it. Outside such a block it is
        left unread."""
        if not _OSPP_ACTIVATED_RE.match(text) or not self.block_has_product or not self.products \
                or not _ospp_licence_named(self.products[-1]) or self.products[-1].get("LicenseStatus", 1) != 1:
            return False
        self.products[-1]["LicenseStatus"] = 1
        self._ospp_attempt("0x0", self.products[-1].get("ID"))
        return True

    def _attempt_licence(self, products: list[dict[str, t.Any]], attempt: dict[str, t.Any]) -> dict[str, t.Any] | None:
        """The licence an slmgr /ato attempt names: the paste's licence of its Activation ID (of its Name where the
        publisher hid the ID), added with that ID and Name when the paste lists it nowhere else; None when two licences
        have that Name (the paste does not say which one)."""
        name = next((n for a, n in self.attempt_names if a is attempt), None)
        if "ID" in attempt:
            named = [p for p in products if p.get("ID") == attempt["ID"]]
        else:
            named = [p for p in products if name and p.get("Name") == name]
            if len(named) > 1:
                return None
        if named:
            return named[0]
        licence = {**({"ID": attempt["ID"]} if "ID" in attempt else {}), **({"Name": name} if name else {})}
        products.append(licence)
        return licence

    def _attempt_results(self, products: list[dict[str, t.Any]]) -> None:
        """What slmgr /ato says of each licence it tried: "Product activated successfully." - Licensed unless the paste
        shows its state otherwise; a non-genuine sentence (_SLMGR_STATES) - that state; no result shown (the paste ends,
        or goes on with other output) - the licence itself, its Name and Activation ID, with no state: the line names
        it, and what it returned is not collected."""
        for attempt in self.activated:
            licence = self._attempt_licence(products, attempt)
            if licence is not None:
                licence.setdefault("LicenseStatus", 1)
        for attempt, (status, reason) in self.attempt_states:
            licence = self._attempt_licence(products, attempt)
            if licence is not None:
                licence.setdefault("LicenseStatus", status)
                if reason is not None:
                    licence.setdefault("LicenseStatusReason", reason)
        if self.pending_attempt is not None:
            self.unresolved.append(self.pending_attempt)
            self.pending_attempt = None
        for attempt in self.unresolved:
            self._attempt_licence(products, attempt)

    def _named_kms_hosts(self, products: list[dict[str, t.Any]]) -> None:
        """slmgr /skms <host> <Activation ID>: the host (and port) set on that licence, when the paste shows the licence;
        otherwise the confirmation stays unread (a licence known by its ID alone is no licence the paste shows)."""
        for number, activation_id, host, port in self.kms_names:
            named = [p for p in products if p.get("ID") == activation_id]
            if not named:
                continue
            named[0]["KeyManagementServiceMachine"] = host
            if port is not None:
                named[0]["KeyManagementServicePort"] = port
            self.unread = [u for u in self.unread if u["line"] != number]

    def _installed_keys(self, products: list[dict[str, t.Any]]) -> None:
        """slmgr /ipk's key: the confirmation does not name the licence the key went to, but a public KMS client key
        (GVLK) fits one Windows edition of a release (_gvlk.windows_editions), and the licence of that edition and
        release the paste shows (by its Name, _fits_key) is then the one that holds it - read as its partial product key when the paste shows no other key of
        it. Any other key (MAK, retail, ...) or no such single licence: the line stays unread."""
        for number, last5 in self.installed_keys:
            fits = _gvlk.windows_editions(last5)
            named = [p for p in products if _fits_key(p.get("Name"), fits)]
            if len(named) != 1 or named[0].get("PartialProductKey", last5) != last5:
                continue
            named[0]["PartialProductKey"] = last5
            self.unread = [u for u in self.unread if u["line"] != number]

    def _lone_slmgr_error(self, text: str) -> bool:
        """slmgr's 'Error: 0x...' line ('エラー: 0x...' on Japanese, '错误: 0x...' on Chinese Windows) with no 'Activating <Name> (<ID>)' line
        before it: an activation attempt whose licence the paste does not name, when the command was /ato or, the
        command not shown, the message is about activation (slmgr prints the same line for /ipk and the other
        commands, _slmgr_error_line)."""
        match = _SLMGR_ERROR_RE.match(text)
        if match is None or not self._is_activation("slmgr", "ato", match.group("text")):
            return False
        self.attempts.append({"HResult": match.group("code"), "Tool": "slmgr /ato"})
        return True

    def _slmgr_error_line(self) -> bool:
        """Whether the line being read is slmgr's error line with Windows' message after its code ("エラー: 0xC004F050
        ソフトウェア ライセンス サービスで、..."): the result of the slmgr command that printed it, never a licence's
        state. _lone_slmgr_error reads it as an /ato attempt; otherwise it stays unread, whatever the language of its
        label (the English "Error:" is no label). An error label with the code alone on its line (the activation
        wizard's message of Microsoft's localized KB articles, "エラー: 0x8007232b" then "説明:") is not this line."""
        match = _SLMGR_ERROR_RE.match(self.current_text)
        return match is not None and bool(match.group("text").strip())

    def _is_activation(self, tool: str, option: str, message: str) -> bool:
        """Whether a result with no licence before it is an activation attempt of ``tool``: its command line says
        ``option``, or no command line of that tool is shown and the message speaks of activation."""
        if self.command is not None and self.command[0] == tool:
            return self.command[1] == option
        return bool(_ACTIVATION_WORD_RE.search(message))

    # -- Get-CimInstance / Get-WmiObject in Format-List -------------------------------------------------------------

    def _cim_line(self, number: int, text: str) -> bool:
        """Keep a line of a Format-List block (_format_list_lines) for the record it belongs to; a blank line or any
        other line ends the record."""
        match = _CIM_LINE_RE.match(text)
        if match and number in self.format_list:
            self.cim_record.append((number, match.group("name"), (match.group("value") or "").strip(), text))
            return True
        self._end_cim_record()
        return False

    def _end_cim_record(self) -> None:
        """Read the record kept: the service when it has a property only the service has, else products (a property
        seen twice starts the next product, as a new Name or ID does). A listing that is not a licensing class's
        (_cim_licensing: Win32_Service's Name and Description) is unread. A product whose PartialProductKey line is
        shown empty has no key installed: the probes never collect it (their filter is ``Where PartialProductKey``), so
        it is counted as skipped, not read."""
        record, self.cim_record = self.cim_record, []
        if not record:
            return
        if any(entry[1] in _CIM_SERVICE_ONLY for entry in record):
            self._cim_service(record)
            return
        for listing in _cim_listings(record):
            if not _cim_licensing(listing):
                self.unread.extend({"line": number, "text": _gvlk.mask_keys(text)} for number, _name, _raw, text in listing)
            elif _cim_keyless(listing):
                self.skipped_keyless += 1
            else:
                self._cim_product(listing)

    def _cim_service(self, record: list[_CimEntry]) -> None:
        """Read a SoftwareLicensingService record into the service; a record with no licensing-specific property
        (Win32_OperatingSystem's 'Version : 10.0.19045') is another class: its lines are unread."""
        licensing = any(entry[1] in _CIM_SERVICE_LICENSING for entry in record)
        for number, name, raw, text in record:
            value = _cim_shown_value(CIM_SERVICE_PROPERTIES, name, raw) if licensing else _UNREAD
            if value is _UNREAD:
                self.unread.append({"line": number, "text": _gvlk.mask_keys(text)})
            elif value is not None:
                self.service[name] = value

    def _cim_product(self, listing: list[_CimEntry]) -> None:
        """Read one SoftwareLicensingProduct listing into a new product."""
        product = self._current(starts=True)
        for number, name, raw, text in listing:
            value = _cim_shown_value(CIM_PRODUCT_PROPERTIES, name, raw)
            if value is _UNREAD:
                self.unread.append({"line": number, "text": _gvlk.mask_keys(text)})
            elif value is not None:
                product[name] = value

    # -- ospp.vbs results without a licence ----------------------------------------------------------------------

    def _lone_ospp_error(self, number: int, code: str) -> bool:
        """ospp.vbs's ERROR CODE with no licence (SKU ID, LICENSE NAME, ...) before it in its block: the result of the
        command, not a licence's state. /act: an attempt; any other command (/inpkey's 'the product SKU is not
        found' is a key that was not installed): no licence state at all, left unread. Command not shown: decided by
        the ERROR DESCRIPTION line that follows."""
        if self.command is not None and self.command[0] == "ospp":
            if self.command[1] != "act":
                return False
            self._ospp_attempt(code)
            return True
        self.pending_ospp = (number, code, self.current_text)
        return True

    def _ospp_description(self, number: int, text: str) -> bool:
        """The line after a lone ospp ERROR CODE whose command was not shown: an ERROR DESCRIPTION about activation
        makes it an ospp /act attempt; anything else leaves the ERROR CODE line unread. A description line that fills
        the console's width (_console_wrapped) goes on on the next line: the two are decided together."""
        code_line, code, line = self.pending_ospp or (0, "", "")
        self.pending_ospp = None
        wrapped, self.wrapped_description = self.wrapped_description, None
        if wrapped is not None:
            # ospp.vbs's own next line ("To view the activation event history run: cscript ospp.vbs /dhistorykms")
            # is not the rest of the description
            description: str | None = None if _COMMAND_RE.search(text) else wrapped[2] + text
        else:
            match = _OSPP_DESCRIPTION_RE.match(text)
            description = match.group("text") if match else None
        if description is not None and _ACTIVATION_WORD_RE.search(description):
            self._ospp_attempt(code)
            return True
        if description is not None and wrapped is None and _console_wrapped(text):
            self.pending_ospp = (code_line, code, line)
            self.wrapped_description = (number, text, description)
            return True
        self.unread.append({"line": code_line, "text": line})
        if wrapped is not None:
            self.unread.append({"line": wrapped[0], "text": wrapped[1]})
        return False

    def _ospp_attempt(self, code: str, product_id: str | None = None) -> None:
        """Record an ospp /act attempt. ospp.vbs acts on Office licences only (Office 2013 and later: ApplicationID
        0ff1ce15-..., ospp.vbs's OfficeAppId; Office 2010's in the Office14 folder: 59a52881-...), so when the paste
        shows the ospp.vbs command line the attempt carries Office's ApplicationID."""
        attempt: dict[str, t.Any] = {} if product_id is None else {"ID": product_id}
        if self.command is not None and self.command[0] == "ospp":
            attempt["ApplicationID"] = _snapshot.OFFICE2010_APPLICATION_ID if self.command[2] else _snapshot.OFFICE_APPLICATION_ID
        attempt.update(HResult=code, Tool="ospp /act")
        self.attempts.append(attempt)

    def _xpr(self, text: str) -> bool:
        """slmgr /xpr: '<license Name>:' then the status line (XPR_PHRASES); the line alone applies to the product
        before it (a /dlv transcript that ends with it)."""
        header = _XPR_HEADER_RE.match(text)
        if header:
            self._flush_xpr_name()
            self.xpr_name = header.group("name")
            return True
        for pattern, status, grace in XPR_PHRASES:
            if pattern.match(text):
                return self._xpr_status(status, grace)
        self._flush_xpr_name()
        return False

    def _flush_xpr_name(self) -> None:
        """A '<Name>:' line that no /xpr status followed is still that license's Name."""
        if self.xpr_name is not None:
            self._current(starts=bool(self.products and "Name" in self.products[-1]))["Name"] = self.xpr_name
            self.xpr_name = None

    def _xpr_status(self, status: int, grace: int | None) -> bool:
        """Put an /xpr status on its product; a status that contradicts what the transcript showed before is not read."""
        name, self.xpr_name = self.xpr_name, None
        if name is None:
            product = self._current()
        else:
            named = [p for p in self.products if p.get("Name") == name]
            product = named[-1] if named else self._current(starts=True)
            product.setdefault("Name", name)
        known_grace = product.get("GracePeriodRemaining")
        if product.get("LicenseStatus", status) != status or (grace is not None and known_grace not in (None, grace)) \
                or (grace is None and status == 1 and known_grace == 0):
            return False
        product["LicenseStatus"] = status
        if grace is not None:
            product["GracePeriodRemaining"] = grace
        return True

    def _finish_attempt(self, code: str) -> None:
        attempt = dict(self.pending_attempt or {}, HResult=code)
        self.attempts.append(attempt)
        self.pending_attempt = None

    def _event_or_srv(self, text: str) -> bool:
        if self._srv(text):
            return True
        if self.event_id == 12293:
            # 12293's message names the domain, quoted or not; its Info is the HRESULT alone
            quoted = _QUOTED_DOMAIN_RE.search(text)
            if quoted:
                self.quoted_domain = quoted.group("domain")
                return True
            lone = _LONE_CODE_RE.match(text)
            if lone:
                domain = self.quoted_domain or self.bare_domain or ""       # absent stays absent
                self.events.append({"Id": 12293, "RecordId": None, "Data": [lone.group(1), domain]})
                return True
            if self.bare_domain is None and self._bare_domain(text):
                return True
        if _EVENT_ID_RE.search(text) and not _EVENT_DATA_RE.match(text) and len(text) < 60:
            self.event_id = int(_EVENT_ID_RE.search(text).group(1))     # type: ignore[union-attr]
            self.quoted_domain = self.bare_domain = None        # a new event: the last one's domain is not its own
            return True
        data = _EVENT_DATA_RE.match(text)
        if not data:
            return False
        fields = [f.strip() for f in data.group("data").split(",")]
        if len(fields) >= 9 and _HEX_RE.fullmatch(fields[1]) and ":" in fields[2]:
            event_id = 12288
        elif len(fields) >= 9 and fields[1].isdigit():
            event_id = 12290
        elif 7 <= len(fields) <= 8 and _HEX_RE.fullmatch(fields[1]):
            event_id = 12289
        elif self.event_id == 12293 and len(fields) <= 2:
            event_id = 12293
        else:
            return False
        self.events.append({"Id": event_id, "RecordId": None, "Data": [data.group("data")]})
        return True

    def _srv_failure(self, text: str) -> bool:
        """nslookup's failed _vlmcs._tcp look-up, as the kms_dns probe records one: no record, the Win32 DNS error.

        "Non-existent domain" (the name in the line): DNS_ERROR_RCODE_NAME_ERROR, no SRV record in that domain. "***
        Request to <server> timed-out" after an nslookup command line asking for _vlmcs._tcp: ERROR_TIMEOUT, no DNS
        server answered. nslookup's other failures ("No response from server", a server failure, a refusal) are not
        read: no published transcript of them was found (tests/unit/fixtures/text/SOURCES.md), so they stay unread."""
        failure = _SRV_FAILED_NAME_RE.search(text) if _SRV_NXDOMAIN_RE.match(text) else None
        if failure:
            name, domain, code = failure.group("name"), failure.group("domain"), DNS_NAME_ERROR
        elif self.nslookup is not None and _SRV_TIMED_OUT_RE.match(text):
            (name, domain), code = self.nslookup, DNS_TIMEOUT
        else:
            return False
        # hresult: the probe's exception HResult, which nslookup does not print (not collected)
        self.srv.append({"domain": domain, "name": name, "records": [], "error": {"code": code, "hresult": None}})
        self.nslookup = None
        return True

    def _bare_domain(self, text: str) -> bool:
        """The unquoted domain of a 12293 message ("... to DNS in the contoso.com domain failed.", KB 2553863).

        A line whose value is a DNS name and nothing else is a field of the event's header (Event Viewer's
        "Computer: kms01.contoso.com", the machine's own name), not the message: it is left alone."""
        label = _LABEL_RE.match(text)
        if label and _BARE_DOMAIN_RE.fullmatch(label.group("value").rstrip(".")):
            return False
        if _BARE_DOMAIN_RE.fullmatch(text.rstrip(".")):
            return False
        bare = _BARE_DOMAIN_RE.search(text)
        if bare is None:
            return False
        self.bare_domain = bare.group("domain")
        return True

    def _srv(self, text: str) -> bool:
        match = _SRV_RE.search(text)
        if match:
            self.srv.append({"domain": match.group("domain"), "name": match.group("name"), "records": [{}], "error": None})
            self.nslookup = None
            return True
        if self._srv_failure(text):
            return True
        field = _SRV_FIELD_RE.match(text)
        if field and self.srv:
            record = self.srv[-1]["records"][-1]
            name = {"priority": "Priority", "weight": "Weight", "port": "Port", "svr hostname": "NameTarget"}[field.group(1).lower()]
            record[name] = field.group(2) if name == "NameTarget" else int(field.group(2)) if field.group(2).isdigit() else None
            return True
        return False

    # -- result -----------------------------------------------------------------------------------------------------

    def result(self) -> dict[str, t.Any]:
        """The probes read, as a snapshot's ``probes``."""
        self._end_cim_record()
        self._flush_xpr_name()
        self._end_auto_attempt()
        if self.pending_kvl is not None:
            self.unread.append({"line": self.pending_kvl["line"], "text": self.pending_kvl["text"]})
            self.pending_kvl = None
        if self.pending_ospp is not None:
            self._ospp_description(0, "")
        self._lone_dialog_code()
        products = [p for p in self.products if p]
        self._attempt_ids(products)
        self._attempt_results(products)
        self._named_kms_hosts(products)
        self._installed_keys(products)
        for product in products:
            # slmgr does not print LicenseIsAddon, but an add-on license says so in its Name ("Windows(R), Client-ESU-Year1
            # add-on for Education,...", github.com/alygcode/windows10esu/issues/3): never the host's own licence
            if _ADDON_RE.search(str(product.get("Name") or "")):
                product["LicenseIsAddon"] = True
        if self.ospp:
            # ospp.vbs /act prints ERROR CODE without LICENSE STATUS: that code is the activation's result
            for product in products:
                if "LicenseStatusReason" in product and "LicenseStatus" not in product and product.get("ID"):
                    self._ospp_attempt(product.pop("LicenseStatusReason"), product["ID"])
        activation: dict[str, t.Any] = {}
        if products:
            activation["products"] = products
        if self.service:
            activation["service"] = self.service
        if self.events:
            activation["events"] = [e for e in self.events if e["Id"] in (12288, 12289)]
        if self.attempts:
            activation["activation_attempts"] = self.attempts
        probes: dict[str, t.Any] = {}
        if activation:
            probes["activation"] = activation
        host_events = [e for e in self.events if e["Id"] in (12290, 12293)]
        if host_events:
            probes["kms_host"] = {"events": host_events}
        if self.srv:
            probes["kms_dns"] = {"srv": self.srv, "domains": [s["domain"] for s in self.srv if s["domain"]]}
        return probes


def _kms_name_port(value: str) -> tuple[str, int | None]:
    """slmgr /skms's argument as slmgr.vbs SetKmsMachineName splits it: an IPv6 address in brackets and the port after
    "]:", else the host before the first colon and the port after it; the port None when none is given."""
    if value.startswith("[") and "]" in value:
        end = value.index("]") + 1
        host, port = value[:end], value[end + 1:] if value[end:end + 1] == ":" else ""
    else:
        host, _colon, port = value.partition(":")
    return host, int(port) if port.isdigit() else None


def _fits_key(name: t.Any, fits: frozenset[tuple[str, str]]) -> bool:
    """Whether a Windows licence's Name (_product_names.WINDOWS_NAME) is of an edition and release a GVLK fits
    (_gvlk.windows_editions): the edition the same, and the release the Name's number names ("Windows(R) 7, ..." -
    Windows 7) or, a Name with no number, one whose Names carry none (_NUMBERED_RELEASES). False for any other Name."""
    match = _product_names.WINDOWS_NAME.match(name) if isinstance(name, str) else None
    if match is None:
        return False
    version = match.group("release")
    return any(edition == match.group("edition").lower()
               and (release == f"Windows {version}" if version else release not in _NUMBERED_RELEASES)
               for release, edition in fits)


def _console_wrapped(text: str) -> bool:
    """Whether a line of console output fills the console's width and so goes on on the next line: the console cuts
    a long line at its width, mid-word ("... the computer cou" / "ld not be activated.", ospp.vbs's ERROR
    DESCRIPTION in a blog's paste, 80 columns). 80 and 120 columns are cmd.exe's window widths (before and since
    Windows 10). A cut just before a blank that the paste then trimmed is not seen."""
    return len(text) in _CONSOLE_WIDTHS


def _ospp_licence_named(product: dict[str, t.Any]) -> bool:
    """Whether an ospp.vbs licence block names its licence: the SKU ID, or the LICENSE NAME or DESCRIPTION where the
    ID is not shown (a blog's "*** ID: ****7360-...", masked by its author)."""
    return any(product.get(field) for field in ("ID", "Name", "Description"))


def _label_segments(text: str) -> list[str]:
    """The text before the first known label, then each 'label: value' up to the next known label (a single part when
    the line holds fewer than two known labels)."""
    starts = [m.start() for m in _INLINE_LABEL_RE.finditer(text)]
    if len(starts) < 2:
        return [text]
    bounds = [0, *starts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]


def _doubling_blanks(lines: list[str]) -> frozenset[int]:
    """The numbers (from 1) of the blank lines a double-spaced paste put into a Format-List block.

    A forum or a CRLF paste doubles every line: each line L becomes L and a blank, so an original blank becomes two
    blanks. In Format-List a blank line is PowerShell's separator between objects: doubled, the lines of one record
    stand one blank apart and the records three apart (one blank plus its doubling). A group of 'Name : value' lines
    (_CIM_LINE_RE) separated by exactly one blank each is read as double-spaced: those single blanks are the doubling
    and are dropped; runs of two or more blanks (PowerShell's separators, doubled) still end a record. Each group is
    judged alone (groups end at two or more blanks or any other line), so a paste doubled in part keeps its
    single-spaced parts, and a group with two 'Name : value' lines in a row is single-spaced."""
    doubling: set[int] = set()
    gaps: list[int] = []            # the single blank lines between the lines of the current group
    shown = 0                       # the 'Name : value' lines of the current group
    uniform = True                  # every line of the group after the first is one blank after the one before
    blanks: list[int] = []          # the blank lines since the last 'Name : value' line
    for number, line in enumerate([*lines, "-"], start=1):
        stripped = line.strip()
        if not stripped:
            blanks.append(number)
            continue
        if _CIM_LINE_RE.match(stripped) and len(blanks) < 2:
            if shown and not blanks:
                uniform = False
            gaps.extend(blanks if shown else [])
            shown += 1
            blanks = []
            continue
        if uniform and shown >= 2:
            doubling.update(gaps)
        gaps, uniform, blanks = [], True, []
        shown = 1 if _CIM_LINE_RE.match(stripped) else 0
    return frozenset(doubling)


def _format_list_lines(lines: list[str]) -> frozenset[int]:
    """The numbers (from 1) of the lines that are Format-List: each run of consecutive 'Name : value' lines
    (_CIM_LINE_RE; the blank lines of a double-spaced paste, _doubling_blanks, left out) in which two consecutive lines
    carry CIM property names (_CIM_NAMES); the other lines of such a run are properties the reader does not collect."""
    doubling = _doubling_blanks(lines)
    block: set[int] = set()
    run: list[tuple[int, bool]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if number in doubling:
            continue
        match = _CIM_LINE_RE.match(line.strip())
        if match:
            run.append((number, match.group("name") in _CIM_NAMES))
            continue
        if any(first[1] and second[1] for first, second in zip(run, run[1:])):
            block.update(entry[0] for entry in run)
        run = []
    return frozenset(block)


def _cim_listings(record: list[_CimEntry]) -> list[list[_CimEntry]]:
    """Cut a product record into the listings it holds: Format-List prints each property once per object, so a
    property seen again starts the next one (records pasted without the blank line between them)."""
    listings: list[list[_CimEntry]] = [[]]
    names: set[str] = set()     # the properties of the last listing (a set: a long listing is cut in linear time)
    for entry in record:
        if entry[1] in names:
            listings.append([])
            names = set()
        names.add(entry[1])
        listings[-1].append(entry)
    return listings


def _kvl_application(name: str) -> str | None:
    """The Application ID of the licence KMS_VL_ALL names: Windows's for "Windows...", Office 2010's for "Office 14,
    ..." (OfficeSoftwareProtectionProduct's, github.com/abbodi1406/KMS_VL_ALL_AIO/issues/5), Office 2013 and later's
    for "Office 15, ..." to "Office 2x, ..." (SoftwareLicensingProduct's Office application); None for another Name."""
    if name.startswith("Windows"):
        return _snapshot.WINDOWS_APPLICATION_ID
    if re.match(r"Office 14\b", name):
        return _snapshot.OFFICE2010_APPLICATION_ID
    if re.match(r"Office (?:1[5-9]|2\d)\b", name):
        return _snapshot.OFFICE_APPLICATION_ID
    return None


def _cim_licensing(listing: list[_CimEntry]) -> bool:
    """Whether a product listing is SoftwareLicensingProduct's (or OfficeSoftwareProtectionProduct's): it shows a
    licensing property (_CIM_PRODUCT_LICENSING), or its Name or Description is a licence's (_licence_text). Another
    class printed with Name and Description in a row (Win32_Service | Format-List Name, Description) is not."""
    return any(name in _CIM_PRODUCT_LICENSING or _licence_text(name, raw) for _number, name, raw, _text in listing)


def _licence_text(name: str, value: str) -> bool:
    """Whether a Name or Description value is a licence's, by the anchors the reader reads without labels: a Name
    'Windows(R), Professional edition' or '..., Client-ESU-Year1 add-on for ...' (_NAME_RE, _ADDON_RE), a Description
    naming its channel ('Windows(R) Operating System, VOLUME_KMSCLIENT channel', _CHANNEL_RE)."""
    if name == "Name":
        return bool(_NAME_RE.match(value) or _ADDON_RE.search(value))
    if name == "Description":
        return bool(_CHANNEL_RE.search(value))
    if name == "ID":    # an Office KMS host key's published Activation ID (its listing may show no other licence field)
        return value.strip().lower() in _product_names.OFFICE_HOST_KEY_IDS
    return False


def _foreign_property(text: str) -> bool:
    """Whether a line is a Name or Description printed as PowerShell's Format-List prints any object (a blank before the
    colon: 'Name                : sppsvc', Get-Service, Win32_Service) whose value is no licence's: not read as a
    licence's label. slmgr prints 'Name: ...' with no blank; a licence's own values pass (_licence_text)."""
    match = _CIM_LINE_RE.match(text)
    if match is None or match.group("name") not in ("Name", "Description"):
        return False
    return not _licence_text(match.group("name"), (match.group("value") or "").strip())


def _cim_keyless(listing: list[_CimEntry]) -> bool:
    """Whether a product listing shows its PartialProductKey line with no value: no key installed. A redacted value
    (<REDACTED>, xxxxx) is an installed key the reporter hid; no PartialProductKey line at all is not collected."""
    return any(entry[1] == "PartialProductKey" and entry[2] == "" for entry in listing)


def _cim_shown_value(table: dict[str, str], name: str, raw: str) -> t.Any:
    """A Format-List line's value: None when it is not shown (empty or redacted: absent), _UNREAD when the property is
    not read or its text is not such a value."""
    if raw == "" or _snapshot.is_placeholder(raw):     # a redaction or placeholder (<REDACTED>, xxxxx): absent
        return None
    value = _cim_value(table.get(name), raw)
    return _UNREAD if value is None else value


def _cim_value(kind: str | None, raw: str) -> t.Any:
    """A Format-List value as the CIM property holds it, or None when the property is not read or the text is not such
    a value. LicenseStatusReason (uint32, printed in decimal: 3221549076) becomes its 0x form (0xC004F014), as every
    other reader of the code holds it."""
    if kind in ("int", "hresult"):
        if _HEX_RE.fullmatch(raw) and kind == "hresult":
            return "0x" + raw[2:].upper().rjust(8, "0")
        if not re.fullmatch(r"-?\d{1,20}", raw):
            return None
        number = int(raw)
        if kind == "int":
            return number
        return f"0x{number & 0xFFFFFFFF:08X}" if -0x80000000 <= number <= 0xFFFFFFFF else None
    if kind == "guid":
        return raw.lower() if _GUID_RE.fullmatch(raw) else None
    if kind == "bool":
        return {"true": True, "false": False}.get(raw.lower())
    if kind == "partial":
        match = _PARTIAL_RE.match(raw)
        return match.group(1) if match else None
    if kind == "text":
        return raw
    return None


#: Unicode's other space separators (category Zs) as the console's blank: a ticket system's non-breaking space (HTML
#: &nbsp;), the full-width space a Japanese IME types (U+3000), thin and narrow spaces. Labels are looked up by their
#: text ("Activation ID", "エラー コード"), so "Activation\u00a0ID" was no label and its GUID was lost. Invisible marks are
#: dropped: a byte order mark where a second Notepad file begins in two joined ones, zero-width spaces and word joiners
#: of text copied from a web page or chat.
_BLANKS = str.maketrans({**dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                                         "\u200a\u202f\u205f\u3000", " "),
                         **dict.fromkeys("\ufeff\u200b\u2060")})


#: What a tool that relays a machine's console output puts before each line of it. Vagrant and Packer: "==> <machine>:
#: " before their own lines and the guest's ("==> vagrant-windows-2012-r2: Product activated successfully.", a
#: published `vagrant up` log, code index id 44229390444), "    <machine>: " before the guest's lines; Terraform's
#: remote-exec and local-exec provisioners: "<resource> (remote-exec): " (github.com/clong/DetectionLab/pull/425); a log
#: line's date and time and the program that wrote it: Google Compute Engine's serial-port log "2024/05/19 07:20:45
#: GCEInstanceSetup: Activating Windows(R), ..." (code index ids 13833329223, 15370989346), a CI runner's ISO time.
_RELAY_ARROW_RE = re.compile(r"^==> (?P<name>[^\s:]+):(?: |$)")
_RELAY_EXEC_RE = re.compile(r"^\S+ \((?:remote|local)-exec\):(?: |$)")
#: A program's name as a log writes it: one word with a capital, digit, dot, "_" or "-" inside (GCEInstanceSetup,
#: GCEGuestAgent, sshd.exe), never a plain word such as a label ("Error", "Fehler").
_PROGRAM_RE = re.compile(r"^[A-Za-z][a-z]*[A-Z0-9._-][\w.-]*$")
_RELAY_TIME_RE = re.compile(r"^\d{4}([/-])\d\d\1\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?Z? (?:(?P<source>[A-Za-z][\w.-]*): )?")


def _relayed(lines: list[str]) -> list[str]:
    """The lines without what a relaying tool put before each (_RELAY_ARROW_RE, _RELAY_EXEC_RE, _RELAY_TIME_RE), so
    the machine's output is read as if it had been pasted from its console. A machine name comes off only where the
    paste shows it after "==> " (its "    <machine>: " lines then too); a log's time only where two lines begin with
    one, the program name after it only where two lines name it, it has a program's shape (_PROGRAM_RE) and it is no
    label the reader knows ("2026-12-01 10:00:00 Error: 0x..." keeps its "Error:"). Other lines are kept as they are."""
    machines = sorted({match.group("name") for match in map(_RELAY_ARROW_RE.match, lines) if match})
    guest = re.compile(r"^(?:==> |\s+)(?:%s):(?: |$)" % "|".join(map(re.escape, machines))) if machines else None
    times = [match for match in map(_RELAY_TIME_RE.match, lines) if match]
    sources = collections.Counter(match.group("source") for match in times if match.group("source"))
    logged = {source for source, count in sources.items()
              if count > 1 and _PROGRAM_RE.match(source) and source.lower() not in _LABEL_TO_FIELD}
    relayed = []
    for line in lines:
        prefix = (guest.match(line) if guest else None) or _RELAY_EXEC_RE.match(line)
        time = _RELAY_TIME_RE.match(line) if prefix is None and len(times) > 1 else None
        if prefix is not None:
            line = line[prefix.end():]
        elif time is not None:
            source = time.group("source")
            line = line[time.end() if source is None or source in logged else time.start("source"):]
        relayed.append(line)
    return relayed


#: Salt's license.info (salt/modules/win_license.py, code index id 275124506) runs `cscript slmgr.vbs /dli` and returns
#: {"name", "description", "partial_key", "licensed"}: the first three are /dli's "Name:", "Description:" and "Partial
#: Product Key:" values, "licensed" is `"Licensed" in <the "License Status:" value>` - True only for slmgr's "Licensed"
#: (no other status word holds it: "Unlicensed" has a small l). Salt's nested outputter prints the dict under the
#: minion's id, a line of ten dashes, then each key (sorted) and its value indented below it
#: (github.com/saltstack/salt/issues/64948: "tml1047.minion:" / "    ----------" / "    description:" / "        Windows(R)
#: Operating System, RETAIL channel" / "    licensed:" / "        True" / ...).
_SALT_DASHES_RE = re.compile(r"^(?P<indent>\s+)-{10}$")
_SALT_KEY_RE = re.compile(r"^(?P<indent>\s+)(?P<key>[a-z_]+):$")
_SALT_LICENSE_INFO = {"name": "Name", "description": "Description", "partial_key": "Partial Product Key", "licensed": "License Status"}


def _salt_license_info(lines: list[str]) -> list[str]:
    """The lines with each block of Salt's license.info output (_SALT_LICENSE_INFO) written as the slmgr /dli lines it
    was taken from, in the block's own lines (Name first, as /dli prints it; the lines left over blank): "licensed: True"
    is "License Status: Licensed", "licensed: False" says only that the status is another one and is not written. A
    block is read only when it holds exactly license.info's four keys, each with one value line indented below it
    (blank lines between them, a forum's or a CRLF doubling, are passed over)."""
    rewritten = list(lines)
    for start, line in enumerate(lines):
        dashes = _SALT_DASHES_RE.match(line)
        if dashes is None or not any(before.strip() for before in lines[:start]) \
                or not [before for before in lines[:start] if before.strip()][-1].rstrip().endswith(":"):
            continue
        filled = [number for number in range(start + 1, len(lines)) if lines[number].strip()]
        values: dict[str, str] = {}
        end = start + 1
        for key_at, value_at in zip(filled[::2], filled[1::2]):
            key = _SALT_KEY_RE.match(lines[key_at])
            value = lines[value_at]
            if key is None or key.group("indent") != dashes.group("indent") or key.group("key") in values \
                    or not value.startswith(dashes.group("indent") + " "):
                break
            values[key.group("key")] = value.strip()
            end = value_at + 1
        if set(values) != set(_SALT_LICENSE_INFO):
            continue
        dli = [f"{_SALT_LICENSE_INFO[key]}: {values[key]}" for key in ("name", "description", "partial_key")]
        dli += ["License Status: Licensed"] if values["licensed"] == "True" else []
        rewritten[start + 1:end] = dli + [""] * (end - start - 1 - len(dli))
    return rewritten


def snapshot_from_text(text: str, host: str | None = None) -> dict[str, t.Any]:
    """Return a partial snapshot (schema revision 2) from pasted console output; see the module docstring."""
    if not isinstance(text, str):
        raise TypeError(f"snapshot_from_text expects text, got {type(text).__name__}")
    lines = _salt_license_info(_relayed(text.lstrip("\ufeff").translate(_BLANKS).splitlines()))
    reader = _Reader(_format_list_lines(lines))
    doubling = _doubling_blanks(lines)
    for number, line in enumerate(lines, start=1):
        if number not in doubling:      # a double-spaced Format-List's blank is no record separator
            reader.line(number, line)
    probes = reader.result()
    # a key the reader kept in a value it read (a Name the paste ran a key into) shows only its last five
    return _gvlk.mask_keys_in({
        "schema": _snapshot.SCHEMA,
        # 2, not 3: revision 3 promises the Office 2010 KMS host key's row whenever the host has one, and a paste holds
        # only what was pasted (a KMS host's pasted /dlv without that key does not say the host lacks it)
        "revision": 2,
        "host": host or "pasted",
        "collected_at": None,
        "probes": probes,
        "errors": {},
        "text_reader": {"unread_lines": reader.unread, "read_lines": sum(1 for line in text.splitlines() if line.strip()) - len(reader.unread),
                        "skipped_keyless_licences": reader.skipped_keyless},
    })
