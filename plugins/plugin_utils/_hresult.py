# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HRESULT catalog for Windows activation: code -> symbol and meaning in English and Japanese.

The host returns numbers; this module turns them into text on the controller, so nothing depends on the
language of the Windows host. Sources: the texts follow Microsoft's "Troubleshoot activation error codes" and KMS
troubleshooting articles (MicrosoftDocs/SupportArticles-docs, support/windows-server/licensing-and-activation/).
The symbols are the Windows SDK's: ``SL_E_*`` as ``#define``d in ``um/slerror.h`` ("error code definitions for the
Software Licensing", checked code by code against a public copy of the header and the generated windows-sys /
Vanara bindings, e.g. ``SL_E_VL_BINDING_SERVICE_UNAVAILABLE = -1073418124`` = 0xC004F074), the Win32, DNS, Winsock,
WMI and COM codes as in ``winerror.h`` / ``wbemcli.h`` / ``corerror.h``. Two codes Microsoft documents only by their
message (0x8004FE21 "This computer is not running genuine Windows", 0x80092328 "DNS name does not exist") have no
symbol in any public header, so their symbol is empty rather than invented.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import math
import typing as t


class HResultInfo(t.NamedTuple):
    """One catalog entry."""

    code: int
    symbol: str
    en: str
    ja: str


_CATALOG: tuple[HResultInfo, ...] = (
    HResultInfo(0x00000000, "S_OK", "Success.", "成功しました。"),
    HResultInfo(0xC004F074, "SL_E_VL_BINDING_SERVICE_UNAVAILABLE",
                "No Key Management Service (KMS) could be contacted.",
                "キー管理サービス (KMS) に接続できませんでした。"),
    HResultInfo(0xC004F038, "SL_E_VL_NOT_ENOUGH_COUNT",
                "The KMS host's count of clients is too low (25 client OS / 5 server or Office needed).",
                "KMS ホストのクライアント数が不足しています (クライアント OS は 25、サーバーと Office は 5 が必要)。"),
    HResultInfo(0xC004F039, "SL_E_VL_BINDING_SERVICE_NOT_ENABLED",
                "The KMS host did not respond: KMS is not enabled or the request did not reach it.",
                "KMS ホストが応答しません。KMS が有効でないか、要求が届いていません。"),
    HResultInfo(0xC004F041, "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED",
                "The KMS host is not activated.",
                "KMS ホスト自体のライセンス認証が行われていません。"),
    HResultInfo(0xC004F042, "SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH",
                "The KMS host cannot activate this product (its host key does not cover this Windows or Office version).",
                "この KMS ホストはこの製品をライセンス認証できません (ホストキーがこのバージョンに対応していません)。"),
    HResultInfo(0xC004F06C, "SL_E_VL_INVALID_TIMESTAMP",
                "The request timestamp is invalid: client and KMS host clocks differ by more than 4 hours (UTC).",
                "要求のタイムスタンプが無効です。クライアントと KMS ホストの時刻 (UTC) が 4 時間以上ずれています。"),
    HResultInfo(0xC004F035, "SL_E_VL_NOT_WINDOWS_SLP",
                "Invalid volume license key: this computer has no qualifying operating system license (MAK or retail key needed).",
                "ボリュームライセンスキーが無効です。対象となる OS ライセンスがありません (MAK またはリテールキーが必要)。"),
    # "The Software Licensing Service reported that a license in the computer BIOS is invalid." (slerror.h): the Windows
    # marker in the BIOS's ACPI_SLIC table is corrupted or missing on an OEM computer activated by KMS; Microsoft's
    # KB 942962 ("cannot-activate-windows-from-oem": update the BIOS, or a MAK or retail key), as published in its en, de,
    # it, pl and ja error message 2 (tests/unit/fixtures/text/SOURCES.md)
    HResultInfo(0xC004F059, "SL_E_SLP_BAD_FORMAT",
                "A license in the computer's BIOS is invalid (OEM marker in the ACPI_SLIC table; update the BIOS or use a MAK or retail key).",
                "コンピューターの BIOS 内のライセンスが無効です (ACPI_SLIC テーブルの OEM マーカー。BIOS を更新するか、MAK またはリテールキーを使用してください)。"),
    # "The Software Licensing Service reported that the computer is missing a required OEM license." (slerror.h);
    # Microsoft's KB 2817024 ("0xc004f063-when-activating-oem-version"): an OEM_SLP Windows cannot read the SLIC table
    # of the BIOS, usually after a motherboard replacement - the OEM must update the BIOS (its German page published the
    # message: tests/unit/fixtures/text/SOURCES.md)
    HResultInfo(0xC004F063, "SL_E_SLP_OEM_CERT_MISSING",
                "The computer's BIOS lacks a required OEM license (its ACPI_SLIC table cannot be read, e.g. after a "
                "motherboard replacement; the OEM must update the BIOS).",
                "コンピューターの BIOS に必要な OEM ライセンスがありません (ACPI_SLIC テーブルを読み取れません。マザーボードの交換後などに起こります。OEM に BIOS の更新を依頼してください)。"),
    HResultInfo(0xC004F014, "SL_E_PKEY_NOT_INSTALLED",
                "The product key is not available (no key is installed for this product).",
                "プロダクトキーがありません (この製品にキーがインストールされていません)。"),
    # "The Software Licensing Service reported that the license is not installed." (slerror.h): the licence a key or
    # product needs is not on the computer - as on a Windows Server 2012 R2 KMS host given a Windows 10 KMS host key
    # before the update that lets it activate Windows 10 (Microsoft, "Error 0xC004F015 when you try to activate Windows
    # 10 Enterprise on a Windows Server 2012 R2 KMS host"; a published capture, with "Error details" 0xC004F042:
    # tests/unit/fixtures/text/SOURCES.md, session x1)
    HResultInfo(0xC004F015, "SL_E_PRODUCT_SKU_NOT_INSTALLED",
                "The license is not installed (on a KMS host: its host key is for a product the host cannot activate "
                "until the KMS host update for that product is installed).",
                "ライセンスがインストールされていません (KMS ホストの場合: そのホストキーの製品は、その製品用の KMS ホスト更新プログラムをインストールするまでライセンス認証できません)。"),
    HResultInfo(0xC004C003, "SL_E_CHPA_PRODUCT_KEY_BLOCKED",
                "The product key is blocked.",
                "プロダクトキーがブロックされています。"),
    # "The Software Licensing Service reported that the license edition does match the computer edition." (slerror.h,
    # its own wording): the key is for another edition than the one installed - as the Settings app says it, "The
    # Product key you entered cannot be used to activate this edition." (a published capture: tests/unit/fixtures/text/
    # SOURCES.md, session y1, pastebin.com/8UkMYhdH)
    HResultInfo(0xC004F210, "SL_E_EDITION_MISMATCHED",
                "The product key is for another edition of Windows than the one installed (use a key for this edition).",
                "プロダクトキーはインストールされているものとは別のエディション用です (このエディション用のキーを使用してください)。"),
    HResultInfo(0xC004C008, "SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED",
                "The KMS host key (CSVLK) has exceeded its activation limit.",
                "KMS ホストキー (CSVLK) のライセンス認証回数の上限を超えています。"),
    HResultInfo(0xC004E015, "SL_E_EUL_CONSUMPTION_FAILED",
                "License consumption failed: the license store (tokens.dat) may be corrupt.",
                "ライセンスの使用に失敗しました。ライセンスストア (tokens.dat) が破損している可能性があります。"),
    # InstallProductKey's refusals (slmgr /ipk). "The Software Licensing Service reported that the product key is
    # invalid." (slerror.h, SL_E_PKEY_INVALID_CONFIG); Microsoft's "Error when installing ESU product key for Windows
    # Server 2012 R2 or Windows Server 2012" shows it for an /ipk ("Error: 0xC004E016 ... the product key is invalid")
    # with the cause "Windows doesn't recognize the ESU key", fixed by installing the licensing package the key needs
    HResultInfo(0xC004E016, "SL_E_PKEY_INVALID_CONFIG",
                "The product key is invalid: Windows does not recognize it (the licenses the key needs are not "
                "installed on this system, or the key is for another product).",
                "プロダクトキーが無効です。Windows はこのキーを認識しません (キーに必要なライセンスがこのシステムに"
                "インストールされていないか、別の製品のキーです)。"),
    # "This specified product key can only be used for upgrading, not for clean installations." (SLInstallProofOfPurchase,
    # Microsoft Learn slpublic.h; slerror.h's SL_E_PKEY_INVALID_UPGRADE)
    HResultInfo(0xC004F061, "SL_E_PKEY_INVALID_UPGRADE",
                "This product key can only be used for upgrading, not for clean installations.",
                "このプロダクトキーはアップグレードにのみ使用でき、クリーン インストールには使用できません。"),
    HResultInfo(0xC004F050, "SL_E_INVALID_PRODUCT_KEY",
                "The product key is invalid (or the KMS host does not know this key yet).",
                "プロダクトキーが無効です (または KMS ホストがこのキーに未対応です)。"),
    HResultInfo(0x8004FE21, "",
                "This computer is not running genuine Windows.",
                "この Windows は正規品ではありません。"),
    HResultInfo(0x8007232A, "DNS_ERROR_RCODE_SERVER_FAILURE",
                "DNS server failure.",
                "DNS サーバーエラーです。"),
    HResultInfo(0x8007267C, "DNS_ERROR_NO_DNS_SERVERS",
                "No DNS servers are configured for the local system: the client cannot look up its KMS host.",
                "ローカル システムに DNS サーバーが構成されていません。クライアントは KMS ホストを検索できません。"),
    HResultInfo(0x8007232B, "DNS_ERROR_RCODE_NAME_ERROR",
                "DNS name does not exist (no _vlmcs._tcp SRV record found).",
                "DNS 名が存在しません (_vlmcs._tcp SRV レコードが見つかりません)。"),
    HResultInfo(0x8007007B, "ERROR_INVALID_NAME",
                "The file name, directory name or DNS name syntax is incorrect (no KMS host found in DNS).",
                "名前の構文が正しくありません (DNS に KMS ホストが見つかりません)。"),
    HResultInfo(0x8007251D, "DNS_INFO_NO_RECORDS",
                "No records found for the DNS query (no _vlmcs._tcp SRV record).",
                "DNS クエリに一致するレコードがありません (_vlmcs._tcp SRV レコードがありません)。"),
    HResultInfo(0x80092328, "",
                "No DNS records found for the KMS host.",
                "KMS ホストの DNS レコードが見つかりません。"),
    HResultInfo(0x800706BA, "RPC_S_SERVER_UNAVAILABLE",
                "The RPC server is unavailable: the KMS host cannot be reached on its port.",
                "RPC サーバーを利用できません。KMS ホストのポートに接続できません。"),
    HResultInfo(0x80070005, "E_ACCESSDENIED",
                "Access denied: run elevated, or restore the permissions of the licensing service.",
                "アクセスが拒否されました。管理者として実行するか、ライセンスサービスのアクセス許可を確認してください。"),
    HResultInfo(0xC004F025, "SL_E_LUA_ACCESSDENIED",
                "Access denied: the action requires administrator privilege (run the command elevated).",
                "アクセスが拒否されました。この操作には管理者特権が必要です (管理者として実行してください)。"),
    HResultInfo(0x80070422, "ERROR_SERVICE_DISABLED",
                "The service is disabled (Software Protection, sppsvc).",
                "サービスが無効になっています (Software Protection, sppsvc)。"),
    # a service caught in its start or stop: "The requested control code cannot be sent to the service because the state
    # of the service is SERVICE_STOPPED, SERVICE_START_PENDING, or SERVICE_STOP_PENDING" (ControlService,
    # ERROR_SERVICE_CANNOT_ACCEPT_CTRL 1061); Enable-WakSppService answers it and does not wait on such a service
    HResultInfo(0x80070425, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL",
                "The service is in the middle of starting or stopping (Start Pending / Stop Pending) and accepts no "
                "control now; a service that stays so is hung: restart the computer.",
                "サービスは開始処理中または停止処理中で、現在は制御を受け付けません。"
                "この状態が続く場合はサービスが応答していません。コンピューターを再起動してください。"),
    # "The service did not respond to the start or control request in a timely fashion" (System Error Codes
    # (1000-1299), ERROR_SERVICE_REQUEST_TIMEOUT 1053): Enable-WakSppService's bounded wait for the start ran out
    HResultInfo(0x8007041D, "ERROR_SERVICE_REQUEST_TIMEOUT",
                "The service did not respond to the start request in time (it did not reach Running).",
                "サービスが開始要求に時間内に応答しませんでした (実行中になりませんでした)。"),
    # WinINet's ERROR_INTERNET_NAME_NOT_RESOLVED (12007) as an HRESULT: "The server name or address could not be
    # resolved" (Microsoft, "Error Messages (Wininet.h)", learn.microsoft.com/windows/win32/wininet/wininet-errors);
    # an online (not KMS) activation attempt's code when Microsoft's activation servers' names do not resolve
    # (Security-SPP event 8198, a published capture: tests/unit/fixtures/text/SOURCES.md)
    HResultInfo(0x80072EE7, "ERROR_INTERNET_NAME_NOT_RESOLVED",
                "The server name or address could not be resolved: this host's DNS or proxy does not reach the "
                "activation server.",
                "サーバー名またはアドレスを解決できませんでした。このホストの DNS またはプロキシからライセンス認証サーバーに到達できません。"),
    # "The process cannot access the file because it is being used by another process" (System Error Codes (0-499),
    # ERROR_SHARING_VIOLATION 32): a file held open, such as tokens.dat that system_repair's rebuild renames
    HResultInfo(0x80070020, "ERROR_SHARING_VIOLATION",
                "The process cannot access the file because it is being used by another process.",
                "別のプロセスが使用中のため、プロセスはファイルにアクセスできません。"),
    HResultInfo(0x80070070, "ERROR_DISK_FULL",
                "There is not enough space on the disk.",
                "ディスクに十分な空き領域がありません。"),
    HResultInfo(0x80070027, "ERROR_HANDLE_DISK_FULL",
                "The disk is full.",
                "ディスクがいっぱいです。"),
    HResultInfo(0x8007045A, "ERROR_DLL_INIT_FAILED",
                "The licensing service could not initialise.",
                "ライセンスサービスを初期化できませんでした。"),
    HResultInfo(0x80041010, "WBEM_E_INVALID_CLASS",
                "WMI class not found (the licensing WMI provider is missing or broken).",
                "WMI クラスが見つかりません (ライセンスの WMI プロバイダーが見つからないか破損しています)。"),
    HResultInfo(0x80041003, "WBEM_E_ACCESS_DENIED",
                "WMI access denied: the account may not perform this WMI operation.",
                "WMI でアクセスが拒否されました。このアカウントにはこの WMI 操作の権限がありません。"),
    HResultInfo(0x8004106C, "WBEM_E_QUOTA_VIOLATION",
                "WMI quota violation.",
                "WMI のクォータ違反です。"),
    HResultInfo(0x80041013, "WBEM_E_PROVIDER_LOAD_FAILURE",
                "WMI provider load failure.",
                "WMI プロバイダーを読み込めませんでした。"),
    HResultInfo(0x80070490, "ERROR_NOT_FOUND",
                "Element not found (no product matches, or the key does not fit this edition).",
                "要素が見つかりません (該当する製品がないか、キーがエディションに合いません)。"),
    HResultInfo(0x80131500, "COR_E_EXCEPTION",
                "PowerShell/.NET exception (see the message).",
                "PowerShell/.NET の例外です (メッセージを参照)。"),
    HResultInfo(0x80072AF9, "WSAHOST_NOT_FOUND",
                "Host name not found.",
                "ホスト名が見つかりません。"),
    HResultInfo(0x8007274D, "WSAECONNREFUSED",
                "Connection refused.",
                "接続が拒否されました。"),
    HResultInfo(0x8007274C, "WSAETIMEDOUT",
                "Connection timed out.",
                "接続がタイムアウトしました。"),
    HResultInfo(0x800705B4, "ERROR_TIMEOUT",
                "The operation timed out.",
                "操作がタイムアウトしました。"),
    # Codes seen as LicenseStatusReason or as the direct result of an activation attempt in published captures
    # (slerror.h from the Windows SDK for the SL_ codes, winerror.h for the others).
    HResultInfo(0xC004F056, "SL_E_VL_MACHINE_NOT_BOUND",
                "The product could not be activated using the Key Management Service (KMS).",
                "キー管理サービス (KMS) を使用して製品をライセンス認証できませんでした。"),
    HResultInfo(0xC004F00F, "SL_E_OUT_OF_TOLERANCE",
                "The hardware ID binding is beyond the level of tolerance (the hardware changed since activation).",
                "ハードウェア ID の変化が許容範囲を超えています (ライセンス認証後にハードウェアが変更されました)。"),
    HResultInfo(0xC004F034, "SL_E_EUL_NOT_AVAILABLE",
                "The license could not be found or was invalid.",
                "ライセンスが見つからないか無効です。"),
    HResultInfo(0xC004F200, "SL_E_NOT_GENUINE",
                "The current state is not genuine.",
                "現在の状態は正規品ではありません。"),
    HResultInfo(0xC004F009, "SL_E_GRACE_TIME_EXPIRED",
                "The grace period expired.",
                "猶予期間が終了しました。"),
    # "The Software Licensing Service reported that the validity period expired." (slerror.h): the LicenseStatusReason
    # of a Windows Server evaluation (TIMEBASED_EVAL) in notification once its evaluation period is over (a published
    # slmgr /dli: tests/unit/fixtures/text/SOURCES.md)
    HResultInfo(0xC004FC07, "SL_E_VALIDITY_PERIOD_EXPIRED",
                "The validity period expired (an evaluation's or time-based licence's period is over).",
                "有効期間が終了しました (評価版または期間限定のライセンスの期間が終わっています)。"),
    # "The Software Licensing Service reported that the secure store id value in license does not match with the
    # current value." (slerror.h): the status reason of an Office 16 subscription licence in notification, as ospp.vbs
    # /dstatus printed it (github.com/kevinblumenfeld/Posh365/issues/54: tests/unit/fixtures/text/SOURCES.md)
    HResultInfo(0xC004E022, "SL_E_SECURE_STORE_ID_MISMATCH",
                "The secure store id value in the license does not match the current value.",
                "ライセンス内のセキュア ストア ID の値が現在の値と一致しません。"),
    HResultInfo(0xC004F017, "SL_E_PUBLISHING_LICENSE_NOT_INSTALLED",
                "The license is not installed.",
                "ライセンスがインストールされていません。"),
    HResultInfo(0xC004F069, "SL_E_MISMATCHED_PRODUCT_SKU",
                "The product SKU is not found.",
                "製品 SKU が見つかりません。"),
    HResultInfo(0x4004F040, "SL_E_VL_INFO_PRODUCT_USER_RIGHT",
                "The product was activated but the owner should verify the Product Use Rights (information only).",
                "製品はライセンス認証されましたが、所有者は製品使用権利を確認してください (情報のみ)。"),
    HResultInfo(0x4004F00C, "SL_I_OOB_GRACE_PERIOD",
                "The application is running within the valid grace period (information only).",
                "アプリケーションは有効な猶予期間内で実行されています (情報のみ)。"),
    HResultInfo(0x4004F00D, "SL_I_OOT_GRACE_PERIOD",
                "The application is running within the valid out-of-tolerance grace period (information only).",
                "アプリケーションは有効な許容範囲外の猶予期間内で実行されています (情報のみ)。"),
    HResultInfo(0x80080005, "CO_E_SERVER_EXEC_FAILURE",
                "Server execution failed (the licensing COM server could not be started).",
                "サーバーの実行に失敗しました (ライセンスの COM サーバーを起動できませんでした)。"),
    HResultInfo(0x80072338, "DNS_ERROR_RCODE_BADSIG",
                "The DNS server refused the update: bad signature (secure dynamic update not allowed for this host).",
                "DNS サーバーが更新を拒否しました: 署名が不正です (このホストにはセキュリティで保護された動的更新が許可されていません)。"),
)

_BY_CODE: dict[int, HResultInfo] = {entry.code: entry for entry in _CATALOG}


def normalise(code: t.Any) -> int | None:
    """Return ``code`` as an unsigned 32-bit HRESULT.

    Accepts signed or unsigned integers, decimal or ``0x`` hex strings (as found in event data), and small Win32
    error codes (converted with HRESULT_FROM_WIN32). Returns None for anything that is not a number.
    """
    if type(code) is int:  # pylint: disable=unidiomatic-typecheck  # the common case first (not bool)
        value = code & 0xFFFFFFFF
        return 0x80070000 | value if 0 < value <= 0xFFFF else value
    if code is None or isinstance(code, bool):
        return None
    if isinstance(code, str):
        text = code.strip().rstrip(",")
        try:
            value = int(text, 16) if text.lower().startswith("0x") else int(text)
        except ValueError:
            return None
    elif isinstance(code, int) or (isinstance(code, float) and math.isfinite(code)):
        value = int(code)
    else:
        return None
    value &= 0xFFFFFFFF
    if 0 < value <= 0xFFFF:
        value = 0x80070000 | value
    return value


def to_hex(code: int | None) -> str | None:
    """Format an HRESULT the way Windows prints it (0xC004F074)."""
    return None if code is None else f"0x{code & 0xFFFFFFFF:08X}"


def lookup(code: t.Any) -> HResultInfo | None:
    """Return the catalog entry for ``code`` (any form :func:`normalise` accepts), or None when unknown."""
    value = normalise(code)
    return None if value is None else _BY_CODE.get(value)


def describe(code: t.Any, language: str = "en") -> str:
    """Return readable text for ``code``: '0xC004F074 SYMBOL: meaning', or the bare code when unknown."""
    if type(code) is int and (code == 0 or 0xFFFF < code <= 0xFFFFFFFF):  # pylint: disable=unidiomatic-typecheck
        return _describe(code, language)        # normalised already (what the views pass)
    value = normalise(code)
    if value is None:
        return str(code)
    return _describe(value, language)


@functools.lru_cache(maxsize=4096)
def _describe(value: int, language: str) -> str:
    """The text of a normalised code (cached: a fleet's codes are few)."""
    entry = _BY_CODE.get(value)
    if entry is None:
        return f"{to_hex(value)} (unknown code)" if language != "ja" else f"{to_hex(value)} (不明なコード)"
    text = entry.ja if language == "ja" else entry.en
    return f"{to_hex(value)} {entry.symbol}: {text}" if entry.symbol else f"{to_hex(value)}: {text}"


def is_known(code: t.Any) -> bool:
    """True when ``code`` is in this catalog (a known code is never reported as unknown)."""
    return lookup(code) is not None


def is_failure(code: t.Any) -> bool:
    """True when ``code`` reports a failure: its severity bit (the top bit) is set.

    "A 1-bit code that indicates severity, where 0 represents success and 1 represents failure" (MS-DTYP 2.2.18
    HRESULT, https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dtyp/a9046ed2-bfb2-4d56-a719-2824afce59ac;
    winerror.h's ``HRESULT_SEVERITY`` and ``FAILED``). So 0x4004F00C SL_I_OOB_GRACE_PERIOD, 0x4004F00D and 0x4004F040
    are successes with information, never errors. False for anything that is not a number (absent is no failure).
    """
    value = normalise(code)
    return value is not None and bool(value & 0x80000000)


def catalog() -> tuple[HResultInfo, ...]:
    """Every known entry, in catalog order."""
    return _CATALOG
