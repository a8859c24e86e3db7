# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The finding catalog: stable codes, severity, the remedy that applies, and text in English and Japanese.

A finding is one conclusion about one host or one product on it, with the evidence that triggered it. Codes are
stable (reports, AWX surveys and remediation key on them). Messages and remedy texts are templates filled from the
evidence; a value the evidence lacks prints as "?", never raises. docs/findings.md documents each code.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import string
import typing as t

#: Severity order, most serious first.
SEVERITIES = ("critical", "error", "warning", "info", "ok")


class Spec(t.NamedTuple):
    """One catalog entry."""

    code: str
    severity: str
    remedy: str | None          # the remedy class that fixes it automatically, or None
    needs_person: bool          # True when a person must act (buy, upgrade, approve)
    en: str
    ja: str
    remedy_en: str
    remedy_ja: str
    evidence: tuple[str, ...]   # the evidence keys this finding relies on (documented)


_SPECS = [
    Spec("ACTIVATED", "ok", None, False,
         "{product} is activated{how}{left}{renewal}.",
         "{product} は{how_ja}ライセンス認証済みです{left_ja}{renewal_ja}。",
         "Nothing to do.", "対応は不要です。",
         ("license_status", "grace_remaining_minutes", "kms_host")),
    Spec("IN_GRACE", "warning", None, False,
         "{product} is not activated: {days_left} days of grace period left (until {expires}).",
         "{product} はライセンス認証されていません。猶予期間の残りは {days_left} 日 ({expires} まで) です。",
         "Fix the cause reported with it; activation then happens at the next retry (every 2 hours).",
         "併せて報告された原因を解消してください。解消後、次回の再試行 (2 時間ごと) でライセンス認証されます。",
         ("license_status", "grace_remaining_minutes")),
    Spec("ACTIVATION_EXPIRING", "warning", "activate", False,
         "{product} activation expires in {days_left} days ({expires}): renewals have been failing.",
         "{product} のライセンス認証は {days_left} 日後 ({expires}) に期限切れになります。更新が失敗し続けています。",
         "Fix the renewal failure reported with it, then activate again (slmgr /ato).",
         "併せて報告された更新失敗の原因を解消し、再度ライセンス認証してください (slmgr /ato)。",
         ("grace_remaining_minutes", "last_request_hresult")),
    Spec("NOT_KMS_CHANNEL", "info", "install_gvlk", False,
         "{product} uses a {channel} key (…{partial_key}), not a KMS client key: KMS is never used.",
         "{product} は KMS クライアントキーではなく {channel} キー (…{partial_key}) を使用しています。KMS は使われません。",
         "If this machine should use KMS, install the KMS client setup key (GVLK) for its edition "
         "(kms_client with allow_channel_change: true). Otherwise nothing to do.",
         "KMS を使う場合は、エディションに対応する KMS クライアントセットアップキー (GVLK) をインストールしてください "
         "(kms_client で allow_channel_change: true)。そうでなければ対応は不要です。",
         ("channel", "partial_key", "description")),
    Spec("NO_GVLK_FOR_EDITION", "error", None, True,
         "{product}: Microsoft publishes no KMS client key for edition {edition_id} (build {build}); it cannot use KMS.",
         "{product}: エディション {edition_id} (ビルド {build}) 用の KMS クライアントキーは公開されていません。KMS は使えません。",
         "Upgrade to a volume-licensed edition (for example Pro or Enterprise) or activate with a retail/MAK key.",
         "ボリュームライセンス対象のエディション (Pro や Enterprise など) にアップグレードするか、リテール/MAK キーで認証してください。",
         ("edition_id", "build")),
    Spec("KMS_SRV_MISSING", "error", "set_kms_host", False,
         "No _vlmcs._tcp SRV record in {domains}: the client cannot find a KMS host (last error {hresult}).",
         "{domains} に _vlmcs._tcp SRV レコードがありません。クライアントは KMS ホストを見つけられません (最後のエラー {hresult})。",
         "Publish the SRV record (_vlmcs._tcp.<domain> SRV 0 0 1688 <kms-host>) with ansible.windows.win_dns_record or "
         "community.general.nsupdate, enable DNS publishing on the KMS host, or set the KMS host on the client (slmgr /skms).",
         "SRV レコード (_vlmcs._tcp.<ドメイン> SRV 0 0 1688 <KMS ホスト>) を ansible.windows.win_dns_record または "
         "community.general.nsupdate で登録するか、KMS ホストの DNS 発行を有効にするか、クライアントに KMS ホストを設定してください (slmgr /skms)。",
         ("domains", "hresult", "controller_srv")),
    Spec("KMS_DNS_FAILURE", "error", None, True,
         "The client's DNS server failed to answer ({hresult}) while looking up _vlmcs._tcp in {domains}.",
         "_vlmcs._tcp を {domains} で検索中に、クライアントの DNS サーバーが応答に失敗しました ({hresult})。",
         "Check the DNS servers configured on the client and that they answer for these domains (名前解決).",
         "クライアントに設定された DNS サーバーと、これらのドメインに対する名前解決を確認してください。",
         ("domains", "hresult")),
    Spec("KMS_HOST_UNRESOLVABLE", "error", "set_kms_host", False,
         "The KMS host {kms_host} does not resolve from the client ({resolve_error}).",
         "KMS ホスト {kms_host} をクライアントから名前解決できません ({resolve_error})。",
         "Correct the KMS host name on the client (slmgr /skms) or add its A record to DNS.",
         "クライアントの KMS ホスト名を修正する (slmgr /skms) か、DNS に A レコードを追加してください。",
         ("kms_host", "source", "resolve_error")),
    Spec("KMS_PORT_BLOCKED", "error", "open_firewall", False,
         "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), but the controller can: a firewall or the "
         "network path on the client side blocks it.",
         "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp}) が、コントローラーからは接続できます。"
         "クライアント側のファイアウォールまたは経路が遮断しています。",
         "Allow outbound TCP {port} to the KMS host on the client (kms_firewall) and check the path between them. "
         "Do not disable the firewall.",
         "クライアントで KMS ホストへの送信 TCP {port} を許可し (kms_firewall)、経路を確認してください。ファイアウォールは無効にしないでください。",
         ("kms_host", "port", "client_tcp", "controller_tcp")),
    Spec("KMS_PORT_BLOCKED_BY_POLICY", "error", None, True,
         "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), but the controller can, and Group Policy decides "
         "the client's firewall ({policy}): a local firewall rule would have no effect.",
         "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp}) が、コントローラーからは接続できます。"
         "クライアントのファイアウォールはグループ ポリシーで管理されています ({policy})。ローカルの規則は効果がありません。",
         "Have the GPO allow outbound TCP {port} to the KMS host (the GPO's firewall rules, or \"Apply local firewall "
         "rules: Yes\"). Do not disable the firewall.",
         "GPO で KMS ホストへの送信 TCP {port} を許可してください (GPO のファイアウォール規則、または「ローカル ファイアウォール規則の適用: はい」)。"
         "ファイアウォールは無効にしないでください。",
         ("kms_host", "port", "client_tcp", "controller_tcp", "policy")),
    Spec("KMS_HOST_DOWN", "error", "kms_host", False,
         "The KMS host {kms_host}:{port} answers neither the client nor the controller: it is down, sppsvc is stopped "
         "or its Key Management Service firewall rule is not enabled.",
         "KMS ホスト {kms_host}:{port} はクライアントにもコントローラーにも応答しません。停止しているか、sppsvc が停止しているか、"
         "キー管理サービスのファイアウォール規則が有効になっていません。",
         "On the KMS host: start the Software Protection service and enable the inbound rule for TCP {port} (kms_host role).",
         "KMS ホストで Software Protection サービスを開始し、TCP {port} の受信規則を有効にしてください (kms_host ロール)。",
         ("kms_host", "port", "client_tcp", "controller_tcp")),
    Spec("STALE_KMS_OVERRIDE", "error", "clear_kms_override", False,
         "A manual KMS setting ({source}: {kms_host}) fails ({hresult}) while DNS offers a working KMS host "
         "({dns_host}): the override is stale.",
         "手動の KMS 設定 ({source}: {kms_host}) が失敗しています ({hresult}) が、DNS には応答する KMS ホスト ({dns_host}) があります。"
         "古い設定が残っています。",
         "Clear the manual setting so the client uses DNS discovery again (slmgr /ckms; kms_client state: absent).",
         "手動設定を削除して DNS による自動検出に戻してください (slmgr /ckms、kms_client で state: absent)。",
         ("source", "kms_host", "hresult", "dns_host")),
    Spec("CLOCK_SKEW", "error", "time_sync", False,
         "The clock differs by {skew} from {reference}; KMS refuses requests beyond 4 hours (UTC).",
         "時刻が {reference} と {skew} ずれています。KMS は 4 時間 (UTC) を超えるずれの要求を拒否します。",
         "Synchronise time (時刻同期): domain hierarchy or NTP peers, Windows Time service running, then resync "
         "(time_sync).",
         "時刻同期を行ってください。ドメイン階層または NTP ピアを設定し、Windows Time サービスを実行して再同期します (time_sync)。",
         ("offset_seconds", "last_request_hresult", "time_source")),
    Spec("KMS_COUNT_INSUFFICIENT", "error", None, True,
         "The KMS host {kms_host} has {count} clients; it activates {product_kind} from {required}.",
         "KMS ホスト {kms_host} のクライアント数は {count} です。{product_kind_ja} のライセンス認証には {required} 以上が必要です。",
         "Wait until more clients have asked (the count keeps 30 days), check for duplicate client machine IDs from "
         "images that were not sysprepped, or use MAK/AD-based activation for small sites.",
         "クライアントが増えるまで待つ (カウントは 30 日間保持)、sysprep していないイメージによる重複 CMID を確認する、"
         "または小規模拠点では MAK や AD ベースのライセンス認証を使ってください。",
         ("kms_host", "count", "required")),
    Spec("KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "error", None, True,
         "The KMS host {kms_host} cannot activate {product} ({os_release}): its host key (CSVLK) is too old for it{csvlk}.",
         "KMS ホスト {kms_host} は {product} ({os_release}) をライセンス認証できません。ホストキー (CSVLK) が古すぎます{csvlk_ja}。",
         "Install a newer CSVLK on the KMS host (Windows 11 needs a Server 2022 or 2025 CSVLK; update Server 2016/2019 hosts "
         "with KB5003638 / KB5003646, KB5034768 / KB5034765), or point these clients at a KMS host that covers them.",
         "KMS ホストに新しい CSVLK をインストールしてください (Windows 11 には Server 2022 以降の CSVLK が必要。Server 2016/2019 は "
         "KB5003638 / KB5003646、KB5034768 / KB5034765 を適用)。または対応する KMS ホストを指定してください。",
         ("kms_host", "os_release", "csvlk")),
    Spec("KMS_HOST_NOT_ACTIVATED", "error", None, True,
         "The KMS host {kms_host} is not activated itself, so it refuses clients.",
         "KMS ホスト {kms_host} 自体がライセンス認証されていないため、クライアントを拒否しています。",
         "Activate the KMS host's CSVLK (online or by phone) on {kms_host}.",
         "{kms_host} で KMS ホストキー (CSVLK) をライセンス認証してください (オンラインまたは電話)。",
         ("kms_host", "hresult")),
    Spec("SPP_SERVICE_UNAVAILABLE", "error", "enable_spp", False,
         "The Software Protection service (sppsvc) is {state} (start mode {start_mode}); licensing cannot run ({hresult}).",
         "Software Protection サービス (sppsvc) は {state} です (スタートアップの種類 {start_mode})。ライセンス処理が実行できません ({hresult})。",
         "Set sppsvc back to its default start type (Automatic, delayed start) and start it.",
         "sppsvc のスタートアップの種類を既定 (自動 (遅延開始)) に戻し、開始してください。",
         ("state", "start_mode", "hresult")),
    Spec("LICENSE_STORE_CORRUPT", "error", "rebuild_license_store", True,
         "{product}: license consumption failed ({hresult}); the license store (tokens.dat) is likely corrupt.",
         "{product}: ライセンスの使用に失敗しました ({hresult})。ライセンスストア (tokens.dat) が破損している可能性があります。",
         "Rebuild the license store (stop sppsvc, rename tokens.dat, slmgr /rilc), reinstall the GVLK and activate; "
         "only when explicitly enabled. sfc /scannow and DISM /RestoreHealth may be needed first.",
         "ライセンスストアを再構築し (sppsvc を停止、tokens.dat の名前変更、slmgr /rilc)、GVLK を再インストールしてライセンス認証します "
         "(明示的に有効にした場合のみ)。先に sfc /scannow と DISM /RestoreHealth が必要な場合があります。",
         ("hresult",)),
    Spec("ACCESS_DENIED", "error", None, True,
         "Access denied reading licensing data ({hresult}): the account is not elevated or lacks rights.",
         "ライセンス情報の読み取りでアクセスが拒否されました ({hresult})。権限が不足しています。",
         "Connect with a local administrator; restore the default permissions of the licensing service if changed.",
         "ローカル管理者で接続してください。ライセンスサービスのアクセス許可が変更されていれば既定に戻してください。",
         ("hresult",)),
    Spec("INVALID_PRODUCT_KEY", "error", "install_gvlk", True,
         "{product}: the installed key (…{partial_key}) was refused ({hresult}).",
         "{product}: インストールされたキー (…{partial_key}) が拒否されました ({hresult})。",
         "Install a valid key: the KMS client key (GVLK) for this edition to use KMS, or a valid MAK/retail key.",
         "有効なプロダクトキーをインストールしてください。KMS を使う場合はこのエディションの GVLK、それ以外は有効な MAK/リテールキーです。",
         ("partial_key", "hresult")),
    Spec("NON_GENUINE", "critical", None, True,
         "{product} is reported as not genuine ({hresult}).",
         "{product} は正規品ではないと報告されています ({hresult})。",
         "Investigate the installation (tampering, unlicensed image); repair or reinstall Windows.",
         "インストールを調査し (改ざん、未ライセンスのイメージ)、Windows を修復または再インストールしてください。",
         ("license_status", "hresult")),
    Spec("UNKNOWN_ACTIVATION_ERROR", "error", None, True,
         "{product}: activation failed with {hresult}, which this collection does not know.",
         "{product}: ライセンス認証が {hresult} で失敗しました。このコレクションでは未知のエラーです。",
         "Look the code up in Microsoft's activation error reference and the Application log (event 12288).",
         "Microsoft のライセンス認証エラー一覧とアプリケーションログ (イベント 12288) でコードを確認してください。",
         ("hresult",)),
    Spec("ACTIVATION_FAILED", "error", None, True,
         "{product} is not activated ({hresult_text}); the cause could not be determined from the evidence: {missing}.",
         "{product} はライセンス認証されていません ({hresult_text})。証拠から原因を特定できませんでした: {missing_ja}。",
         "Collect what is missing (the activation probe with its events, or paste slmgr /dlv and the Application log's "
         "event 12288) and diagnose again; the inner HRESULT of event 12288 names the cause.",
         "不足している情報を収集して (イベントを含むライセンス認証の情報、または slmgr /dlv とアプリケーションログのイベント 12288) "
         "再度診断してください。イベント 12288 の内部 HRESULT が原因を示します。",
         ("hresult", "missing", "source")),
    Spec("EVIDENCE_MISSING", "info", None, True,
         "Not in the snapshot: {missing}. Without it the host cannot be called healthy.",
         "スナップショットに含まれていません: {missing_ja}。これがないため正常とは判断できません。",
         "Collect again with the activation probe (or run extras/Get-KmsActivationSnapshot.ps1 on the host) and diagnose again.",
         "ライセンス認証の情報を再収集して (またはホストで extras/Get-KmsActivationSnapshot.ps1 を実行して) 再度診断してください。",
         ("missing",)),
    Spec("CHANNEL_UNKNOWN", "info", None, False,
         "{product}: the key channel cannot be read (no Description or ProductKeyChannel; key …{partial_key} is not a "
         "published KMS client key); it is analysed without assuming one.",
         "{product}: キーのチャネルを読み取れません (Description と ProductKeyChannel がなく、キー …{partial_key} は公開されている "
         "KMS クライアントキーではありません)。チャネルを仮定せずに分析しています。",
         "Read the product's Description (slmgr /dlv) to know whether it should use KMS.",
         "製品の Description (slmgr /dlv) を確認し、KMS を使うべきかどうかを判断してください。",
         ("partial_key", "channel_basis")),
    Spec("HARDWARE_OUT_OF_TOLERANCE", "error", "activate", False,
         "{product}: the hardware changed beyond tolerance since activation ({hresult}); it must activate again.",
         "{product}: ライセンス認証後のハードウェアの変更が許容範囲を超えました ({hresult})。再度ライセンス認証が必要です。",
         "Activate again (slmgr /ato): a KMS client activates again against its KMS host.",
         "再度ライセンス認証してください (slmgr /ato)。KMS クライアントは KMS ホストで再度ライセンス認証されます。",
         ("hresult", "license_status")),
    Spec("EVALUATION_EDITION", "warning", None, True,
         "{product} is an evaluation edition (…{partial_key}): it cannot take a KMS client key until the edition is converted.",
         "{product} は評価版 (…{partial_key}) です。エディションを変換するまで KMS クライアントキーはインストールできません。",
         "Convert the edition first (Windows Server: DISM /Online /Set-Edition:<edition> /ProductKey:<GVLK> /AcceptEula; "
         "client evaluation editions need a reinstall from volume media), then activate through KMS.",
         "先にエディションを変換してください (Windows Server: DISM /Online /Set-Edition:<エディション> /ProductKey:<GVLK> /AcceptEula、"
         "クライアントの評価版はボリュームライセンスのメディアから再インストールが必要)。その後 KMS でライセンス認証します。",
         ("partial_key", "description", "license_status")),
    Spec("KMS_DNS_PUBLISHING_FAILED", "warning", None, True,
         "The KMS host could not publish its _vlmcs._tcp SRV record in {domain} ({hresult}, event 12293): clients that "
         "find KMS through DNS will not find it.",
         "KMS ホストは {domain} に _vlmcs._tcp SRV レコードを発行できませんでした ({hresult}、イベント 12293)。DNS で KMS を探す"
         "クライアントはこのホストを見つけられません。",
         "Allow the KMS host to update the record (secure dynamic updates, permissions on _vlmcs._tcp in the zone), or create "
         "the SRV record by hand and turn publishing off (slmgr /cdns).",
         "KMS ホストにレコードの更新を許可する (セキュリティで保護された動的更新、ゾーンの _vlmcs._tcp のアクセス許可) か、"
         "SRV レコードを手動で作成して発行を無効にしてください (slmgr /cdns)。",
         ("domain", "hresult", "events")),
    Spec("KMS_HOST_REQUESTS_FAILING", "warning", None, True,
         "The KMS host answered {failed} of {total} recorded client requests (event 12290) with an error, most often {hresult}.",
         "KMS ホストは記録されたクライアント要求 {total} 件のうち {failed} 件にエラーで応答しました (イベント 12290)。最も多いのは {hresult} です。",
         "Look the code up (it is the client's error too): an old host key (CSVLK) for the clients' version, a count below "
         "the threshold, or the host not activated.",
         "コードを確認してください (クライアント側のエラーと同じです)。クライアントのバージョンに対して古いホストキー (CSVLK)、"
         "しきい値未満のカウント、またはホスト自体が未認証である可能性があります。",
         ("failed", "total", "hresult")),
    Spec("DIAGNOSIS_FAILED", "error", None, True,
         "The host was reached but could not be read: {reason}.",
         "ホストには接続できましたが、情報を読み取れませんでした: {reason}。",
         "Check WinRM on the host (quotas, plugin configuration, a profile that prints to the console) and the task output "
         "with -vvv; then diagnose again.",
         "ホストの WinRM (クォータ、プラグイン設定、コンソールに出力するプロファイル) と -vvv のタスク出力を確認し、再度診断してください。",
         ("reason",)),
    Spec("UNREACHABLE", "error", None, True,
         "The host could not be reached over its Ansible connection: {reason}.",
         "Ansible の接続でホストに到達できませんでした: {reason}。",
         "Check that the host is on, WinRM (or SSH) listens and the credentials are right; then diagnose again.",
         "ホストの電源、WinRM (または SSH) の待ち受け、資格情報を確認し、再度診断してください。",
         ("reason",)),
]

CATALOG: dict[str, Spec] = {spec.code: spec for spec in _SPECS}


class _Blank(dict):
    """format_map helper: a missing evidence key prints as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def _render(template: str, values: dict[str, t.Any]) -> str:
    formatter = string.Formatter()
    return formatter.vformat(template, (), _Blank({k: ("?" if v is None else v) for k, v in values.items()}))


def make(code: str, product: dict[str, t.Any] | None, evidence: dict[str, t.Any], text: dict[str, t.Any] | None = None,
         confidence: str = "high") -> dict[str, t.Any]:
    """Build a finding: its spec, the product it concerns, the evidence, and the texts in both languages.

    ``text`` holds extra values used only to fill the templates (display forms of the evidence).
    """
    spec = CATALOG[code]
    values = dict(evidence)
    values.update(text or {})
    return {
        "code": code,
        "severity": spec.severity,
        "confidence": confidence,
        "product": product,
        "evidence": evidence,
        "remedy": spec.remedy,
        "needs_person": spec.needs_person,
        "message": {"en": _render(spec.en, values), "ja": _render(spec.ja, values)},
        "remedy_text": {"en": _render(spec.remedy_en, values), "ja": _render(spec.remedy_ja, values)},
    }


def rank(findings: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Order findings most serious first; among equals, causes proven by the host's own error before inferred ones."""
    confidence = {"high": 0, "medium": 1, "low": 2}
    return sorted(findings, key=lambda f: (SEVERITIES.index(f["severity"]), confidence.get(f["confidence"], 3)))
