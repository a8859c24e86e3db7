"""The HRESULT catalog's symbols are the Windows SDK's (slerror.h, winerror.h), code by code."""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult

# Every code of the catalog with the symbol its header #defines for it. SL_E_*: um/slerror.h of the Windows SDK
# ("error code definitions for the Software Licensing"), as in its public copies and the generated windows-sys /
# Vanara bindings; the rest: winerror.h (Win32, DNS, Winsock, COM), wbemcli.h (WBEM_E_*), corerror.h (COR_E_*).
SDK_SYMBOLS = {
    0x00000000: "S_OK",
    0xC004F074: "SL_E_VL_BINDING_SERVICE_UNAVAILABLE",
    0xC004F038: "SL_E_VL_NOT_ENOUGH_COUNT",
    0xC004F039: "SL_E_VL_BINDING_SERVICE_NOT_ENABLED",
    0xC004F041: "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED",
    0xC004F042: "SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH",
    0xC004F06C: "SL_E_VL_INVALID_TIMESTAMP",
    0xC004F035: "SL_E_VL_NOT_WINDOWS_SLP",
    0xC004F059: "SL_E_SLP_BAD_FORMAT",
    0xC004F063: "SL_E_SLP_OEM_CERT_MISSING",
    0xC004F014: "SL_E_PKEY_NOT_INSTALLED",
    0xC004F015: "SL_E_PRODUCT_SKU_NOT_INSTALLED",
    0xC004F025: "SL_E_LUA_ACCESSDENIED",
    0x8007267C: "DNS_ERROR_NO_DNS_SERVERS",           # 9852
    0xC004C003: "SL_E_CHPA_PRODUCT_KEY_BLOCKED",
    0xC004F210: "SL_E_EDITION_MISMATCHED",
    0xC004C008: "SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED",
    0xC004E015: "SL_E_EUL_CONSUMPTION_FAILED",
    0xC004F050: "SL_E_INVALID_PRODUCT_KEY",
    0x8004FE21: "",                                   # documented by message only, no header defines it
    0x8007232A: "DNS_ERROR_RCODE_SERVER_FAILURE",     # 9002
    0x8007232B: "DNS_ERROR_RCODE_NAME_ERROR",         # 9003
    0x8007007B: "ERROR_INVALID_NAME",                 # 123
    0x8007251D: "DNS_INFO_NO_RECORDS",                # 9501
    0x80092328: "",                                   # documented by message only, no header defines it
    0x800706BA: "RPC_S_SERVER_UNAVAILABLE",           # 1722
    0x80070005: "E_ACCESSDENIED",
    0x80070422: "ERROR_SERVICE_DISABLED",             # 1058
    0x80070425: "ERROR_SERVICE_CANNOT_ACCEPT_CTRL",   # 1061, System Error Codes (1000-1299)
    0x8007041D: "ERROR_SERVICE_REQUEST_TIMEOUT",      # 1053, System Error Codes (1000-1299)
    0x80070070: "ERROR_DISK_FULL",                    # 112, System Error Codes (0-499)
    0x80070020: "ERROR_SHARING_VIOLATION",            # 32, the same page
    0x80072EE7: "ERROR_INTERNET_NAME_NOT_RESOLVED",   # 12007, wininet.h (Error Messages (Wininet.h))
    0x80070027: "ERROR_HANDLE_DISK_FULL",             # 39, the same page
    0x8007045A: "ERROR_DLL_INIT_FAILED",              # 1114
    0x80041003: "WBEM_E_ACCESS_DENIED",      # WBEMSTATUS (wbemcli.h), learn.microsoft.com/windows/win32/api/wbemcli/ne-wbemcli-wbemstatus
    0x80041010: "WBEM_E_INVALID_CLASS",
    0x8004106C: "WBEM_E_QUOTA_VIOLATION",    # the same page
    0x80041013: "WBEM_E_PROVIDER_LOAD_FAILURE",
    0x80070490: "ERROR_NOT_FOUND",                    # 1168
    0x80131500: "COR_E_EXCEPTION",
    0x80072AF9: "WSAHOST_NOT_FOUND",                  # 11001
    0x8007274D: "WSAECONNREFUSED",                    # 10061
    0x8007274C: "WSAETIMEDOUT",                       # 10060
    0x800705B4: "ERROR_TIMEOUT",                      # 1460
    # added with the real-evidence cases (issue 9); checked against slerror.h copies and the windows-sys bindings
    0xC004F056: "SL_E_VL_MACHINE_NOT_BOUND",
    0xC004F00F: "SL_E_OUT_OF_TOLERANCE",
    0xC004F034: "SL_E_EUL_NOT_AVAILABLE",
    0xC004F200: "SL_E_NOT_GENUINE",
    0xC004F009: "SL_E_GRACE_TIME_EXPIRED",
    0xC004FC07: "SL_E_VALIDITY_PERIOD_EXPIRED",
    0xC004E022: "SL_E_SECURE_STORE_ID_MISMATCH",
    0xC004F017: "SL_E_PUBLISHING_LICENSE_NOT_INSTALLED",
    0xC004F069: "SL_E_MISMATCHED_PRODUCT_SKU",
    0x4004F040: "SL_E_VL_INFO_PRODUCT_USER_RIGHT",     # informational severity, named SL_E_ in slerror.h
    0x4004F00C: "SL_I_OOB_GRACE_PERIOD",              # slerror.h ((HRESULT)0x4004F00CL)
    0x4004F00D: "SL_I_OOT_GRACE_PERIOD",              # slerror.h ((HRESULT)0x4004F00DL)
    0x80080005: "CO_E_SERVER_EXEC_FAILURE",
    0x80072338: "DNS_ERROR_RCODE_BADSIG",             # 9016
    # InstallProductKey's refusals (slmgr /ipk): slerror.h ((HRESULT)0xC004E016L) and SLInstallProofOfPurchase's
    # return codes on Microsoft Learn (0xC004F061)
    0xC004E016: "SL_E_PKEY_INVALID_CONFIG",
    0xC004F061: "SL_E_PKEY_INVALID_UPGRADE",
}


def test_every_catalog_symbol_is_the_sdk_symbol_of_its_code():
    catalog = {e.code: e.symbol for e in _hresult.catalog()}
    assert catalog == SDK_SYMBOLS


@pytest.mark.parametrize("code, symbol", [
    (0xC004F074, "SL_E_VL_BINDING_SERVICE_UNAVAILABLE"), (0xC004F041, "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED"),
    (0xC004E015, "SL_E_EUL_CONSUMPTION_FAILED"),
])
def test_describe_names_the_sdk_symbol(code, symbol):
    assert _hresult.describe(code).startswith(f"{_hresult.to_hex(code)} {symbol}: ")


def test_a_code_without_a_symbol_is_described_by_its_text_only():
    assert _hresult.describe(0x8004FE21) == "0x8004FE21: This computer is not running genuine Windows."
    assert _hresult.describe(0x80092328, "ja").startswith("0x80092328: ")
