"""Build host snapshots for analyzer tests: a healthy KMS client, changed one fact at a time."""
from __future__ import annotations

import copy
import datetime
import typing as t

WIN = "55c92734-d682-4d71-983e-d6ec3f16059f"
OFFICE = "0ff1ce15-a989-479d-af46-f275c6370663"
WIN_ID = "2de67392-b7a7-462a-b1ca-108dd189f588"
OFFICE_ID = "fbdb3e18-a8ef-4fb3-9183-dffd60bd0984"
CMID = "08c3bda0-c556-4b61-9e4e-7bf6d4df80be"
NOW = datetime.datetime(2026, 11, 25, 7, 0, tzinfo=datetime.timezone.utc)


def request(hresult: str, host: str = "kms01.corp.example.jp:1688", act: str = WIN_ID, record: int = 100) -> dict[str, t.Any]:
    """A 12288 event in Microsoft's documented data layout."""
    return {"Id": 12288, "RecordId": record, "TimeCreated": NOW.isoformat(),
            "Data": [f"{hresult}, 0x0, {host}, {CMID}, 2026/11/25 6:00, 0, 2, 36000, {act}, 25"]}


def response(hresult: str, count: int = 40, record: int = 101) -> dict[str, t.Any]:
    """A 12289 event."""
    return {"Id": 12289, "RecordId": record, "TimeCreated": NOW.isoformat(),
            "Data": [f"{hresult}, 0x0, {1 if hresult == '0x0' else 0}, 0, {count}, 120, 10080"]}


def product(**overrides: t.Any) -> dict[str, t.Any]:
    base = {
        "ID": WIN_ID, "ApplicationID": WIN, "Name": "Windows(R), Professional edition",
        "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel", "LicenseFamily": "Professional",
        "PartialProductKey": "T83GX", "ProductKeyChannel": "Volume:GVLK", "LicenseStatus": 1, "LicenseStatusReason": 0,
        "GracePeriodRemaining": 250000, "LicenseIsAddon": False, "KeyManagementServiceMachine": None,
        "KeyManagementServicePort": 0, "DiscoveredKeyManagementServiceMachineName": "kms01.corp.example.jp",
        "DiscoveredKeyManagementServiceMachinePort": 1688,
    }
    base.update(overrides)
    return base


def office(**overrides: t.Any) -> dict[str, t.Any]:
    values = {"ID": OFFICE_ID, "ApplicationID": OFFICE, "Name": "Office 21, Office21ProPlus2021VL_KMS_Client_AE edition",
              "Description": "Office 21, VOLUME_KMSCLIENT channel", "LicenseFamily": "Office21ProPlus2021VL_KMS_Client_AE",
              "PartialProductKey": "6F7TH", "ProductKeyChannel": "Volume:GVLK"}
    values.update(overrides)
    return product(**values)


def healthy() -> dict[str, t.Any]:
    """The snapshot of an activated Windows 11 Pro KMS client that finds kms01 through DNS."""
    return {
        "schema": "winactivation.kms/snapshot/1",
        "host": "pc1",
        "collected_at": NOW.isoformat(),
        "probes": {
            "activation": {
                "products": [product()],
                "service": {"ClientMachineID": CMID, "KeyManagementServiceMachine": None, "KeyManagementServicePort": 0,
                            "DiscoveredKeyManagementServiceMachineName": "kms01.corp.example.jp",
                            "DiscoveredKeyManagementServiceMachinePort": 1688, "IsKeyManagementServiceMachine": 0,
                            "KeyManagementServiceCurrentCount": 4294967295},
                "licensing_error": None,
                "os": {"Version": "10.0.22631", "BuildNumber": "22631", "OperatingSystemSKU": 48, "ProductType": 1,
                       "OSLanguage": 1041, "MUILanguages": ["ja-JP"]},
                "computer": {"Name": "PC1", "DNSHostName": "pc1", "Domain": "corp.example.jp", "PartOfDomain": True},
                "current_version": {"EditionID": "Professional"},
                "registry": {"spp": {}, "overrides": []},
                "spp_service": {"Name": "sppsvc", "State": "Running", "StartMode": "Manual", "ExitCode": 0},
                "events": [request("0x0"), response("0x0")],
            },
            "time": {"utc_now": NOW.isoformat(), "parameters": {"Type": "NT5DS"}, "policy": {},
                     "service": {"State": "Running", "StartMode": "Manual"}},
            "kms_dns": {
                "domains": ["corp.example.jp"],
                "srv": [{"domain": "corp.example.jp", "name": "_vlmcs._tcp.corp.example.jp", "error": None,
                         "records": [{"NameTarget": "kms01.corp.example.jp", "Port": 1688, "Priority": 0, "Weight": 0, "TTL": 3600}]}],
                "candidates": [{"source": "discovered", "host": "kms01.corp.example.jp", "port": 1688},
                               {"source": "srv:corp.example.jp", "host": "kms01.corp.example.jp", "port": 1688}],
                "resolved": {"kms01.corp.example.jp": {"addresses": ["10.0.5.21"], "error": None}},
                "tcp": {"kms01.corp.example.jp:1688": {"open": True, "error": None, "code": 0, "ms": 2}},
            },
        },
        "errors": {},
        "controller": {"time": {"before": NOW.timestamp() - 0.01, "after": NOW.timestamp() + 0.01}},
    }


def failing(hresult: str, **product_overrides: t.Any) -> dict[str, t.Any]:
    """A client in grace whose latest KMS request failed with ``hresult``."""
    snap = healthy()
    act = snap["probes"]["activation"]
    values = {"LicenseStatus": 2, "GracePeriodRemaining": 36000, "LicenseStatusReason": 0xC004F074}
    values.update(product_overrides)
    act["products"] = [product(**values)]
    act["events"] = [request(hresult)]
    return snap


def edit(snap: dict[str, t.Any], fn: t.Callable[[dict[str, t.Any]], None]) -> dict[str, t.Any]:
    snap = copy.deepcopy(snap)
    fn(snap["probes"])
    return snap


OPEN = {"tcp": {"kms01.corp.example.jp:1688": {"open": True, "error": None}}}
CLOSED = {"tcp": {"kms01.corp.example.jp:1688": {"open": False, "error": "refused"}}}


def kms_host(products: list[dict[str, t.Any]], build: str = "17763", revision: int | None = 3) -> dict[str, t.Any]:
    """composed: the snapshot of KMS host kms01 (a Windows Server of ``build``, count 40 of 25, port 1688) with its
    host keys ``products``, collected at ``revision`` (None: a document without one)."""
    snap = healthy()
    snap["host"] = "kms01"
    if revision is not None:
        snap["revision"] = revision
    act = snap["probes"]["activation"]
    act["products"] = products
    act["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=40, RequiredClientCount=25,
                          KeyManagementServiceListeningPort=1688)
    act["os"].update(ProductType=3, BuildNumber=build)
    act["computer"].update(Name="KMS01", DNSHostName="kms01")
    return snap
