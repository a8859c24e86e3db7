# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The finding catalog: stable codes, severity, the remedy that applies, and text in English and Japanese.

A finding is one conclusion about one host or one product on it, with the evidence that triggered it. Codes are
stable (reports, AWX surveys and remediation key on them). Messages and remedy texts are templates filled from the
evidence, each in its own language: values the analyzer gives as words (``not tested``, ``the controller``, a key
channel, a service state) are put into Japanese for the Japanese text, and a value the evidence lacks reads as "not
recorded" in the sentence's language (absent is never shown as zero, empty or "?"). docs/findings.md documents each code.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import re
import string
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult, _product_names

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
         "{product} is not activated: {days_left} of grace period left{until}.",
         "{product} はライセンス認証されていません。猶予期間の残りは {days_left}{until}です。",
         "Fix the cause reported with it; activation then happens at the next retry (every 2 hours).",
         "併せて報告された原因を解消してください。解消後、次回の再試行 (2 時間ごと) でライセンス認証されます。",
         ("license_status", "grace_remaining_minutes")),
    Spec("ACTIVATION_EXPIRING", "warning", "activate", False,
         "{product} activation expires {expires_in} ({expires}): renewals have been failing.",
         "{product} のライセンス認証は {expires_in} ({expires}) に期限切れになります。更新が失敗し続けています。",
         "Fix the renewal failure reported with it, then activate again (slmgr /ato).",
         "併せて報告された更新失敗の原因を解消し、再度ライセンス認証してください (slmgr /ato)。",
         ("grace_remaining_minutes", "last_request_hresult")),
    Spec("NOT_KMS_CHANNEL", "info", "install_gvlk", False,
         "{product} uses {a} {channel} key (…{partial_key}), not a KMS client key: KMS is never used.",
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
         "Check the DNS servers configured on the client and that they answer name queries for these domains.",
         "クライアントに設定された DNS サーバーと、これらのドメインに対する名前解決を確認してください。",
         ("domains", "hresult")),
    Spec("KMS_HOST_UNRESOLVABLE", "error", "set_kms_host", False,
         "The KMS host {kms_host} does not resolve from the client ({resolve_error}).",
         "KMS ホスト {kms_host} をクライアントから名前解決できません ({resolve_error})。",
         "Correct the KMS host name on the client (slmgr /skms) or add its A record to DNS.",
         "クライアントの KMS ホスト名を修正する (slmgr /skms) か、DNS に A レコードを追加してください。",
         ("kms_host", "source", "resolve_error")),
    Spec("KMS_PORT_BLOCKED", "error", "open_firewall", False,
         "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), but {witness} can: a firewall or the "
         "network path on the client side blocks it.",
         "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp}) が、{witness}からは接続できます。"
         "クライアント側のファイアウォールまたは経路が遮断しています。",
         "Allow outbound TCP {port} to the KMS host on the client (kms_firewall) and check the path between them. "
         "Do not disable the firewall.",
         "クライアントで KMS ホストへの送信 TCP {port} を許可し (kms_firewall)、経路を確認してください。ファイアウォールは無効にしないでください。",
         ("kms_host", "port", "client_tcp", "controller_tcp",
          "client_tcp_addresses", "controller_tcp_addresses", "fleet_reached", "fleet_activated", "local_rules_applied")),
    Spec("KMS_PORT_BLOCKED_BY_POLICY", "error", None, True,
         "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), but {witness} can, and Group Policy decides "
         "the client's firewall ({policy}): a local firewall rule would have no effect.",
         "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp}) が、{witness}からは接続できます。"
         "クライアントのファイアウォールはグループ ポリシーで管理されています ({policy})。ローカルの規則は効果がありません。",
         "Have the GPO allow outbound TCP {port} to the KMS host (the GPO's firewall rules, or \"Apply local firewall "
         "rules: Yes\"). Do not disable the firewall.",
         "GPO で KMS ホストへの送信 TCP {port} を許可してください (GPO のファイアウォール規則、または「ローカル ファイアウォール規則の適用: はい」)。"
         "ファイアウォールは無効にしないでください。",
         ("kms_host", "port", "client_tcp", "controller_tcp",
          "client_tcp_addresses", "controller_tcp_addresses", "policy", "fleet_reached", "fleet_activated")),
    Spec("KMS_HOST_DOWN", "error", "kms_host", False,
         "The KMS host {kms_host}:{port} answers neither the client (TCP {client_tcp}) nor the controller (TCP "
         "{controller_tcp}), and no other client of the run is known to reach it: it is down, sppsvc is stopped or its Key "
         "Management Service firewall rule is not enabled - or both paths to it are blocked (see the confidence).",
         "KMS ホスト {kms_host}:{port} はクライアント (TCP {client_tcp}) にもコントローラー (TCP {controller_tcp}) にも応答せず、"
         "この実行で接続できた他のクライアントも確認されていません。停止しているか、sppsvc が停止しているか、キー管理サービスの"
         "ファイアウォール規則が有効になっていません。または両方の経路が遮断されています (確度を参照)。",
         "On the KMS host: start the Software Protection service and enable the inbound rule for TCP {port} (kms_host role). "
         "If the KMS host serves other clients, check this client's path to it instead (outbound TCP {port}).",
         "KMS ホストで Software Protection サービスを開始し、TCP {port} の受信規則を有効にしてください (kms_host ロール)。"
         "KMS ホストが他のクライアントに応答している場合は、代わりにこのクライアントからの経路 (送信 TCP {port}) を確認してください。",
         ("kms_host", "port", "client_tcp", "controller_tcp",
          "client_tcp_addresses", "controller_tcp_addresses", "controller_view", "client_side_code", "fleet_unreached")),
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
         "時刻が{reference}と {skew}ずれています。KMS は 4 時間 (UTC) を超えるずれの要求を拒否します。",
         "Synchronise the clock: domain hierarchy or NTP peers, the Windows Time service running, then resync "
         "(time_sync).",
         "時刻同期を行ってください。ドメイン階層または NTP ピアを設定し、Windows Time サービスを実行して再同期します (time_sync)。",
         ("offset_seconds", "last_request_hresult", "time_source")),
    Spec("KMS_COUNT_INSUFFICIENT", "error", None, True,
         "The KMS host {kms_host} has {count} clients; it activates {product_kind} from {required}.",
         "KMS ホスト {kms_host} のクライアント数は {count} です。{product_kind_ja} のライセンス認証には {required} 以上が必要です。",
         "Wait until more clients have asked (the count keeps 30 days), check for duplicate client machine IDs from "
         "images that were not sysprepped, or use MAK/AD-based activation for small sites.",
         "クライアントが増えるまで待つ (カウントは 30 日間保持)、sysprep していないイメージによる重複 CMID を確認する、"
         "または小規模拠点では MAK や Active Directory ベースのライセンス認証を使ってください。",
         ("kms_host", "count", "required", "requests_events_error")),
    Spec("KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "error", None, True,
         "The KMS host {kms_host} cannot activate {product}{release}: its host key (CSVLK) is too old for it{csvlk}.",
         "KMS ホスト {kms_host} は {product}{release} をライセンス認証できません。ホストキー (CSVLK) が古すぎます{csvlk_ja}。",
         "Install a newer CSVLK on the KMS host ({csvlk_needed}), or point these clients at a KMS host that covers them.",
         "KMS ホストに新しい CSVLK をインストールしてください ({csvlk_needed})。または、この製品に対応した KMS ホストを"
         "クライアントに指定してください。",
         ("kms_host", "os_release", "csvlk")),
    Spec("KMS_HOST_NOT_ACTIVATED", "error", None, True,
         "The KMS host {kms_host} is not activated itself, so it refuses clients.",
         "KMS ホスト {kms_host} 自体がライセンス認証されていないため、クライアントを拒否しています。",
         "Activate the KMS host's CSVLK (online or by phone) on {kms_host}.",
         "{kms_host} で KMS ホストキー (CSVLK) をライセンス認証してください (オンラインまたは電話)。",
         ("kms_host", "hresult")),
    Spec("SPP_SERVICE_UNAVAILABLE", "error", "enable_spp", False,
         "The Software Protection service (sppsvc) is {state} (start mode {start_mode}); licensing cannot run ({hresult}).",
         "Software Protection サービス (sppsvc) の状態は「{state}」、スタートアップの種類は「{start_mode}」です。"
         "ライセンス処理を実行できません ({hresult})。",
         "Set sppsvc back to its default start type (Automatic, delayed start) and start it.",
         "sppsvc のスタートアップの種類を既定 (自動 (遅延開始)) に戻し、開始してください。",
         ("state", "start_mode", "hresult")),
    Spec("LICENSE_STORE_CORRUPT", "error", "rebuild_license_store", True,
         "{product}: license consumption failed ({hresult}); the license store (tokens.dat) is likely corrupt.",
         "{product}: ライセンスの使用に失敗しました ({hresult})。ライセンスストア (tokens.dat) が破損している可能性があります。",
         "Rebuild the license store (stop sppsvc, rename tokens.dat, slmgr /rilc), reinstall the GVLK and activate. The "
         "remediate playbook does this only with remediate_rebuild_license_store: true (off by default); "
         "sfc /scannow and DISM /RestoreHealth may be needed first (remediate_system_files: true).",
         "ライセンスストアを再構築し (sppsvc を停止、tokens.dat の名前変更、slmgr /rilc)、GVLK を再インストールしてライセンス認証します。"
         "remediate プレイブックでは remediate_rebuild_license_store: true を指定した場合のみ実行します (既定は無効)。"
         "先に sfc /scannow と DISM /RestoreHealth が必要な場合があります (remediate_system_files: true)。",
         ("hresult",)),
    Spec("ACCESS_DENIED", "error", None, True,
         "The Software Licensing service denied access ({hresult}): the account is not elevated or lacks rights.",
         "ソフトウェア ライセンス サービスがアクセスを拒否しました ({hresult})。管理者として実行されていないか、権限が不足しています。",
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
         "{product} is an evaluation edition (…{partial_key}): it cannot take a KMS client key until the edition is converted.{time_left}",
         "{product} は評価版 (…{partial_key}) です。エディションを変換するまで KMS クライアントキーはインストールできません。{time_left}",
         "Convert the edition first (Windows Server: DISM /Online /Set-Edition:<edition> /ProductKey:<GVLK> /AcceptEula; "
         "client evaluation editions need a reinstall from volume media), then activate through KMS.",
         "先にエディションを変換してください (Windows Server: DISM /Online /Set-Edition:<エディション> /ProductKey:<GVLK> /AcceptEula、"
         "クライアントの評価版はボリュームライセンスのメディアから再インストールが必要)。その後 KMS でライセンス認証します。",
         ("partial_key", "description", "license_status", "grace_remaining_minutes", "evaluation_end")),
    Spec("RESTART_PENDING", "warning", None, True,
         "A restart of the computer is pending ({pending}; last boot {last_boot}): what was changed since takes effect "
         "only after it{deferred}.{left_out}",
         "コンピューターの再起動が保留中です ({pending}、前回の起動 {last_boot})。それ以降の変更は再起動後に有効になります。"
         "{deferred}{left_out}",
         "Restart the computer when its users allow it, then diagnose again (the collection never restarts a host).",
         "利用者の都合のよいときにコンピューターを再起動し、もう一度診断してください (このコレクションはホストを再起動しません)。",
         ("reasons", "last_boot", "file_rename_entries", "ignored")),
    Spec("RESTART_PENDING_IGNORED", "info", None, False,
         "Windows shows a restart pending ({ignored_words}; last boot {last_boot}) that restart_pending_ignore leaves "
         "out: it is not counted. remediate's heavy repairs (DISM, sfc, the license store rebuild) still wait for it "
         "unless remediate_restart_pending_ignore leaves it out too.",
         "Windows は再起動待ちを示しています ({ignored_words}、前回の起動 {last_boot}) が、restart_pending_ignore により"
         "数えていません。修復の重い処理 (DISM、sfc、ライセンス ストアの再構築) は、remediate_restart_pending_ignore "
         "でも除外しない限り、この再起動を待ちます。",
         "Nothing to do for activation; restart the computer when its users allow it.",
         "ライセンス認証のための対応は不要です。利用者の都合のよいときにコンピューターを再起動してください。",
         ("ignored", "last_boot", "file_rename_entries")),
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
         "Of {total} recorded client requests (event 12290), the KMS host refused {failed} whose clients it has not served "
         "since, most often with {hresult} ({refused} refused in all, those served later included): {clients}.",
         "KMS ホストは、記録されたクライアント要求 {total} 件のうち {failed} 件を拒否し、そのクライアントにはその後も応答していません "
         "(イベント 12290)。最も多いのは {hresult} です (拒否は全部で {refused} 件、後で認証されたものを含む)。対象: {clients}。",
         "Look the code up (it is the client's error too): an old host key (CSVLK) for the clients' version, a count below "
         "the threshold, or the host not activated.",
         "コードを確認してください (クライアント側のエラーと同じです)。クライアントのバージョンに対して古いホストキー (CSVLK)、"
         "しきい値未満のカウント、またはホスト自体が未認証である可能性があります。",
         ("failed", "refused", "total", "hresult", "clients", "standing")),
    Spec("KMS_HOST_RULE_LIMITED", "warning", None, False,
         "This KMS host's Key Management Service firewall rule is enabled but {why}.",
         "この KMS ホストのキー管理サービスのファイアウォール規則は有効ですが、{why}。",
         "Make the rule apply to the active network profile and admit the clients' networks: run kms_firewall "
         "(direction: inbound) or the kms_host role, which change the built-in rule's profile and scope. Do not disable the firewall.",
         "規則がアクティブなネットワーク プロファイルに適用され、クライアントのネットワークを許可するようにしてください。"
         "kms_host ロール、または受信方向の kms_firewall が組み込み規則のプロファイルとスコープを変更します。"
         "ファイアウォールは無効にしないでください。",
         ("limit", "rules", "rule_profiles", "active_profiles", "remote_address")),
    Spec("DIAGNOSIS_FAILED", "error", None, True,
         "The host was reached but could not be read: {cause}.",
         "ホストには接続できましたが、情報を読み取れませんでした。原因: {cause}。",
         "Check the host's remote shell - over WinRM its quotas and plugin configuration, over SSH the OpenSSH server and "
         "that ansible_shell_type matches its DefaultShell -, a profile that prints to the console, and the task output "
         "with -vvv; then diagnose again.",
         "ホストのリモート シェル (WinRM ではクォータとプラグイン設定、SSH では OpenSSH サーバーと ansible_shell_type が "
         "DefaultShell と一致していること)、コンソールに出力するプロファイル、-vvv のタスク出力を確認し、再度診断してください。",
         ("cause", "reason")),
    Spec("UNREACHABLE", "error", None, True,
         "The host could not be reached over its Ansible connection: {cause}.",
         "Ansible の接続でホストに到達できませんでした。原因: {cause}。",
         "Check that the host is on, WinRM (or SSH) listens and the credentials are right; then diagnose again.",
         "ホストの電源、WinRM (または SSH) の待ち受け、資格情報を確認し、再度診断してください。",
         ("cause", "reason")),
]

CATALOG: dict[str, Spec] = {spec.code: spec for spec in _SPECS}


LANGUAGES = ("en", "ja")

#: What an absent value reads as, per evidence key (en, ja); other keys read as "not recorded".
_ABSENT: dict[str, tuple[str, str]] = {
    "hresult": ("no error code recorded", "エラーコードの記録なし"),
    "clients": ("no client name recorded", "クライアント名の記録なし"),
    "last_request_hresult": ("no error code recorded", "エラーコードの記録なし"),
    "domains": ("no DNS suffix", "DNS サフィックスなし"),
    "domain": ("a DNS domain whose name was not recorded", "名前の記録がない DNS ドメイン"),
    "expires": ("date not recorded", "期限の記録なし"),
    "expires_in": ("soon", "まもなく"),
    "count": ("an unknown number of", "不明"),     # "has {count} clients" / "クライアント数は {count} です"
    # KMS_COUNT_INSUFFICIENT without the request's count and with client or server not known
    "required": ("its threshold (25 for client Windows, 5 for servers and Office)",
                 "しきい値 (クライアント Windows は 25、サーバーと Office は 5)"),
    "kms_host": ("(name not recorded)", "(名前の記録なし)"),
    "dns_host": ("(name not recorded)", "(名前の記録なし)"),
    "product": ("This host", "このホスト"),
}
_NOT_RECORDED = ("not recorded", "記録なし")

#: Words the analyzer puts into the evidence, per key: value -> (en, ja). Values not listed are names, numbers or
#: codes and read the same in both languages.
_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "client_tcp": {"open": ("open", "接続可"), "closed": ("closed", "接続不可"), "not tested": ("not tested", "未確認"),
                   "timeout": ("timed out", "タイムアウト"), "refused_or_unreachable": ("refused or unreachable", "拒否または到達不能"),
                   "unresolved": ("name not resolved", "名前解決できず"), "refused": ("refused", "拒否")},
    "witness": {"the controller": ("the controller", "コントローラー")},
    "source": {"product": ("set for this product", "製品単位の設定"), "service": ("set for the whole machine", "コンピューター全体の設定"),
               "discovered": ("found through DNS", "DNS による自動検出")},
    "reference": {"the controller": ("the controller", "コントローラー"), "the KMS host": ("the KMS host", "KMS ホスト")},
    "skew": {"more than 4 hours": ("more than 4 hours", "4 時間以上")},
    "hresult": {"no KMS request recorded": ("no KMS request recorded", "KMS 要求の記録なし")},
    "product": {"licensing": ("The licensing service", "ライセンス サービス")},
    "resolve_error": {"no address": ("no address", "アドレスなし")},
    "domains": {"not collected": ("the client's DNS domains (not collected)", "クライアントの DNS ドメイン (未収集)"),
                "not recorded": ("the client's DNS domains (not recorded)", "クライアントの DNS ドメイン (記録なし)")},
    "channel": {"MAK": ("MAK", "MAK"), "RETAIL": ("retail", "リテール"), "OEM": ("OEM", "OEM"), "AVMA": ("AVMA", "AVMA"),
                "EVALUATION": ("evaluation", "評価版"), "SUBSCRIPTION": ("subscription (Microsoft 365 Apps)", "サブスクリプション (Microsoft 365 Apps)"),
                "UNKNOWN": ("unknown", "種類不明の")},
    "state": {"Stopped": ("stopped", "停止"), "Running": ("running", "実行中"), "Paused": ("paused", "一時停止"),
              "Start Pending": ("starting", "開始中"), "Stop Pending": ("stopping", "停止中")},
    "start_mode": {"Disabled": ("Disabled", "無効"), "Auto": ("Automatic", "自動"), "Manual": ("Manual", "手動"),
                   "Boot": ("Boot", "ブート"), "System": ("System", "システム")},
}
_WORDS["controller_tcp"] = _WORDS["client_tcp"]
_WORDS["tcp_failed_error"] = _WORDS["client_tcp"]

#: A KMS host's finding about itself (the analyzer names it "this host" when its DNS name is unknown).
_SELF_NAMES = {"this host", "self"}
_SELF_TEXT: dict[str, tuple[str, str, str, str]] = {
    "KMS_HOST_NOT_ACTIVATED": (
        "This KMS host is not activated itself, so it refuses clients.",
        "この KMS ホスト自体がライセンス認証されていないため、クライアントを拒否しています。",
        "Activate this KMS host's own host key (CSVLK), online or by phone.",
        "この KMS ホストのホストキー (CSVLK) をライセンス認証してください (オンラインまたは電話)。"),
    "KMS_COUNT_INSUFFICIENT": (
        "This KMS host has {count} clients; it activates {product_kind} from {required}.",
        "この KMS ホストのクライアント数は {count} です。{product_kind_ja} のライセンス認証には {required} 以上が必要です。",
        "", ""),
}

#: KMS_PORT_BLOCKED(_BY_POLICY) when the client's own TCP test reaches the KMS host (client_tcp "open") although its
#: request failed: ``partial`` when an address it tries before the one that answered does not answer (tcp_failed),
#: ``open`` otherwise (the failure has passed, or comes and goes). (en, ja, remedy en, remedy ja)
_REACHED_TEXT: dict[str, tuple[str, str, str, str]] = {
    "partial": (
        "The client reaches {kms_host}:{port} on {tcp_answered} only: {tcp_failed}, which it tries first, does not "
        "answer (TCP {tcp_failed_error}), and its last request failed ({hresult}).",
        "クライアントは {kms_host}:{port} に {tcp_answered} でのみ接続できます。最初に試す {tcp_failed} は応答せず "
        "(TCP {tcp_failed_error})、前回の要求は失敗しています ({hresult})。",
        "Allow TCP {port} to every address of the KMS host ({tcp_failed} too), on the host and on the path, or stop "
        "publishing the address that does not answer; then activate again (slmgr /ato).",
        "KMS ホストのすべてのアドレス ({tcp_failed} を含む) への TCP {port} を、ホストと経路の両方で許可するか、応答しない"
        "アドレスを DNS に登録しないようにしてください。その後、再度ライセンス認証してください (slmgr /ato)。"),
    "open": (
        "The client's last request to {kms_host}:{port} failed ({hresult}), but the client reaches it now (TCP open): "
        "the failure has passed, or comes and goes.",
        "{kms_host}:{port} への前回の要求は失敗しました ({hresult}) が、現在はクライアントから接続できます (TCP 接続可)。"
        "障害は解消したか、断続的に発生しています。",
        "Activate again (slmgr /ato); if it fails again, check the KMS host and the path to it at that moment.",
        "再度ライセンス認証してください (slmgr /ato)。再び失敗する場合は、その時点の KMS ホストと経路を確認してください。"),
}

#: KMS_PORT_BLOCKED(_BY_POLICY) when no one else tested the port: the controller did not (an offline diagnosis of a
#: snapshot, a candidate it may not connect to) and no client of the run is its witness. Said so, never "but the
#: controller can". (en, ja, remedy en, remedy ja; the remedies as the spec's, with a test from elsewhere first)
_UNWITNESSED_TEXT: dict[str, tuple[str, str, str, str]] = {
    "KMS_PORT_BLOCKED": (
        "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), and nothing else tested it (the controller did "
        "not): the cause is a firewall or the path on the client side, or the KMS host itself.",
        "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp})。ほかに接続を確認したもの (コントローラー"
        "など) はありません。クライアント側のファイアウォールや経路、または KMS ホスト自体のいずれかが原因です。",
        "Test TCP {port} to the KMS host from another computer: if it answers there, allow outbound TCP {port} to it on "
        "the client (kms_firewall) and check the path; if not, check the KMS host. Do not disable the firewall.",
        "別のコンピューターから KMS ホストへの TCP {port} を確認してください。そこで応答する場合は、クライアントで KMS ホストへの"
        "送信 TCP {port} を許可し (kms_firewall)、経路を確認してください。応答しない場合は KMS ホストを確認してください。"
        "ファイアウォールは無効にしないでください。"),
    "KMS_PORT_BLOCKED_BY_POLICY": (
        "The client cannot reach {kms_host}:{port} (TCP {client_tcp}), nothing else tested it (the controller did not), "
        "and Group Policy decides the client's firewall ({policy}): a local firewall rule would have no effect.",
        "クライアントから {kms_host}:{port} に接続できません (TCP {client_tcp})。ほかに接続を確認したもの (コントローラー"
        "など) はありません。クライアントのファイアウォールはグループ ポリシーで管理されています ({policy})。ローカルの規則は"
        "効果がありません。",
        "Test TCP {port} to the KMS host from another computer: if it answers there, have the GPO allow outbound TCP "
        "{port} to it (the GPO's firewall rules, or \"Apply local firewall rules: Yes\"); if not, check the KMS host. "
        "Do not disable the firewall.",
        "別のコンピューターから KMS ホストへの TCP {port} を確認してください。そこで応答する場合は、GPO で KMS ホストへの送信 "
        "TCP {port} を許可してください (GPO のファイアウォール規則、または「ローカル ファイアウォール規則の適用: はい」)。"
        "応答しない場合は KMS ホストを確認してください。ファイアウォールは無効にしないでください。"),
}

#: Added to KMS_PORT_BLOCKED's remedy when the client's firewall was read but not whether Group Policy applies local
#: rules (evidence ``local_rules_applied`` None): the local rule the remedy creates may then be ignored (en, ja).
_LOCAL_RULES_UNREAD = (
    " Whether Group Policy applies local firewall rules (AllowLocalFirewallRules) was not recorded: if it does not "
    "(\"Apply local firewall rules: No\"), a local rule has no effect and the GPO must allow the port.",
    "グループ ポリシーがローカルのファイアウォール規則を適用するかどうか (AllowLocalFirewallRules) は記録されていません。"
    "適用しない場合 (「ローカル ファイアウォール規則の適用: いいえ」)、ローカルの規則は効果がなく、GPO でポートを許可する必要があります。",
)

#: IN_GRACE when the product's status says grace but its time left (GracePeriodRemaining) was not collected: said so,
#: not read as a number of days.
_GRACE_UNKNOWN = (
    "{product} is not activated: it is in its grace period; the time left was not recorded.",
    "{product} はライセンス認証されていません。猶予期間中です。残り期間は記録されていません。",
)

#: CHANNEL_UNKNOWN when the partial product key was not recorded either: no key to call "not a published KMS client
#: key" (the catalog's text judges a key it read).
_CHANNEL_NO_KEY = (
    "{product}: the key channel cannot be read (no Description, ProductKeyChannel or partial product key recorded); "
    "it is analysed without assuming one.",
    "{product}: キーのチャネルを読み取れません (Description、ProductKeyChannel、部分プロダクトキーの記録がありません)。"
    "チャネルを仮定せずに分析しています。",
)

#: KMS_HOST_CANNOT_ACTIVATE_PRODUCT for Office 2010: its host key is not "too old" - only the Office 2010 CSVLK (the Office
#: 2010 KMS Host License Pack) activates Office 2010, and no later Office CSVLK does ([PLAN] in _analyze.CSVLK_COVERAGE).
#: KMS_SRV_MISSING without an error code to quote (en, ja).
_SRV_MISSING_NO_CODE = (
    "No _vlmcs._tcp SRV record in {domains}: the client cannot find a KMS host.",
    "{domains} に _vlmcs._tcp SRV レコードがありません。クライアントは KMS ホストを見つけられません。",
)

#: KMS_HOST_REQUESTS_FAILING's clause when the fleet step found clients it refused licensed now (``cured_elsewhere``,
#: _correlate): the host's refusals are still said, and so is that they no longer keep those clients unlicensed.
_CURED_ELSEWHERE = (
    " Licensed now, by their own diagnosis in this run (the refusal is cured elsewhere, not counted against them): {cured}.",
    " このうち、この実行の診断でライセンス認証済みのクライアント (拒否は別の経路で解消済みのため、失敗に数えません): {cured}。",
)

#: KMS_HOST_CANNOT_ACTIVATE_PRODUCT for an Office client of 2016 or later: each Office version needs its own host key
#: (Microsoft's DeployOffice text, _analyze.CSVLK_COVERAGE): never "too old" - the host's Office key may be newer.
_OFFICE_HOST_TEXT = (
    "The KMS host {kms_host} cannot activate {product}{release}: it needs the host key (CSVLK) of its own Office version, "
    "which the host does not have{csvlk}; an Office host key activates its own version only.",
    "KMS ホスト {kms_host} は {product}{release} をライセンス認証できません。この Office のバージョン用のホストキー (CSVLK) が"
    "必要ですが、このホストにはありません{csvlk_ja}。Office のホストキーは同じバージョンの Office だけをライセンス認証します。",
    "Install that version's Office Volume License Pack and its CSVLK on the KMS host and activate it ({csvlk_needed}), "
    "or point these clients at a KMS host that has it.",
    "KMS ホストにそのバージョンの Office ボリューム ライセンス パックと CSVLK をインストールしてライセンス認証してください "
    "({csvlk_needed})。または、それを持つ KMS ホストをクライアントに指定してください。",
)

_OFFICE2010_HOST_TEXT = (
    "The KMS host {kms_host} cannot activate {product}{release}: Office 2010 needs the Office 2010 host key (CSVLK), "
    "which it does not have{csvlk}; a later Office host key does not activate Office 2010.",
    "KMS ホスト {kms_host} は {product}{release} をライセンス認証できません。Office 2010 には Office 2010 のホストキー "
    "(CSVLK) が必要ですが、このホストにはありません{csvlk_ja}。それ以降の Office のホストキーでは Office 2010 をライセンス認証できません。",
    "Install the Office 2010 KMS Host License Pack and the Office 2010 CSVLK on the KMS host and activate it, or point "
    "these clients at a KMS host that has it.",
    "KMS ホストに Office 2010 KMS Host License Pack と Office 2010 の CSVLK をインストールしてライセンス認証してください。"
    "または、それを持つ KMS ホストをクライアントに指定してください。",
)

#: Why a host could not be reached or read, from the connection's or runner's error text (raw text stays in the
#: evidence as ``reason``). First match wins; patterns are lower case. Texts: pywinrm/requests/urllib3 (winrm),
#: pypsrp (psrp), OpenSSH (ssh), ansible.plugins.connection.winrm and _runner.
_CAUSES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    # WinRM's per-user quotas: WSManFault 2150859173 (winrs MaxShellsPerUser, refused at Create, [MS-WSMV] 3.1.4.5.2.1
    # wsman:QuotaLimit) and 2150859174 (MaxConcurrentOperationsPerUser, ERROR_WSMAN_QUOTA_MAX_OPERATIONS), with the
    # messages Windows gives (published reports, cited in tests/lab/kmslab/wsman.py); a WinRM fault, not an HTTP 500
    ("winrm_quota", ("w:quotalimit", "2150859173", "2150859174", "concurrent shells", "concurrent operations",
                     "concurrent commands per shell", "shells per plugin"),
     "the WinRM service refused it because a quota for this user is exceeded (concurrent shells, MaxShellsPerUser, or "
     "concurrent operations, MaxConcurrentOperationsPerUser): other sessions of the account hold them; retry later or "
     "raise the quota",
     "ユーザーごとの WinRM のクォータ (同時シェル数 MaxShellsPerUser、または同時操作数 MaxConcurrentOperationsPerUser) を"
     "超えたため、WinRM サービスが拒否しました (同じアカウントの他のセッションが使用中です。時間をおいて再試行するか、"
     "クォータを引き上げてください)"),
    ("auth_failed", ("credentials were rejected", "code 401", "401 unauthorized", "permission denied (", "authentication failed",
                     "kerberos auth failure", "access is denied", "failed to authenticate"),
     "authentication failed (user name, password or authentication method not accepted)",
     "認証に失敗しました (ユーザー名、パスワードまたは認証方式が受け付けられません)"),
    ("dns_failed", ("name or service not known", "temporary failure in name resolution", "nodename nor servname",
                    "getaddrinfo failed", "could not resolve hostname", "no address associated with hostname"),
     "the host name does not resolve on the controller", "コントローラーでホスト名を名前解決できません"),
    ("refused", ("connection refused", "errno 111", "actively refused", "10061"),
     "connection refused (nothing listens on the port, or a firewall rejects it)",
     "接続が拒否されました (ポートで待ち受けていないか、ファイアウォールが拒否しています)"),
    # the task keyword timeout: (ANSIBLE_TASK_TIMEOUT) fired while the host still answered: ansible-core 2.19+ "Task
    # failed: Timed out after N second(s).", 2.16-2.18 "... failed to execute in the expected time frame (N) and was
    # terminated", _runner's lost-host text; a command on the host that never ends, not a connection timeout
    ("task_timeout", ("task failed: timed out after", "failed to execute in the expected time frame",
                      "the task timed out after"),
     "the task's time limit (timeout) ran out while the host was still working on the call: a command on the host did "
     "not finish (a hung service such as the Software Protection service, or a stuck WMI query)",
     "ホストが処理を続けている間にタスクの制限時間 (timeout) が過ぎました (タイムアウト)。ホストのコマンドが終了しませんでした "
     "(Software Protection などのサービスの応答停止、または WMI の照会の停止)"),
    ("timed_out", ("timed out", "timeout", "errno 110", "10060"),
     "the connection timed out (host off, or traffic dropped on the way)",
     "接続がタイムアウトしました (ホストの電源が切れているか、経路で通信が破棄されています)"),
    ("no_route", ("no route to host", "network is unreachable", "errno 113", "errno 101", "host is down"),
     "no network route to the host", "ホストへのネットワーク経路がありません"),
    # OpenSSL's verify errors X509_V_ERR_CERT_HAS_EXPIRED / _NOT_YET_VALID: the listener's certificate must not be
    # expired ([WINRMHTTPS] in tests/lab/kmslab/catalog.py), so it is the certificate to renew, not the client's trust
    ("tls_expired", ("certificate has expired", "certificate is not yet valid"),
     "the TLS (HTTPS) handshake failed: the host's certificate has expired (or is not yet valid); renew the WinRM HTTPS "
     "listener's certificate",
     "TLS (HTTPS) のハンドシェイクに失敗しました。ホストの証明書の有効期限が切れています (またはまだ有効になっていません)。"
     "WinRM の HTTPS リスナーの証明書を更新してください"),
    ("tls_failed", ("certificate verify failed", "sslerror", "ssl:", "wrong version number", "certificate"),
     "the TLS (HTTPS) handshake failed: certificate or protocol not accepted",
     "TLS (HTTPS) のハンドシェイクに失敗しました (証明書またはプロトコルが受け付けられません)"),
    ("reset", ("connection reset", "connection aborted", "remotedisconnected", "broken pipe", "eof occurred",
               "connection broken", "incompleteread"),
     "the host closed the connection", "ホストが接続を切断しました"),
    ("answer_damaged", ("answer was cut off", "not valid json", "not a json object", "end marker missing"),
     "the host's answer was cut off or damaged", "ホストからの応答が途中で切れているか、破損しています"),
    # HTTP.sys's 503 for a URL whose service takes no requests (the WinRM service stopped, restarting or overloaded):
    # "Bad HTTP response returned from server. Code 503" (pywinrm), "... Code: 503, Content: ..." (pypsrp), no WS-Man fault
    ("service_unavailable", ("code 503", "code: 503", "503 service unavailable", "http error 503"),
     "the host's HTTP server answered HTTP 503 Service Unavailable: the WinRM service takes no requests (stopped, "
     "restarting or overloaded); retry later",
     "ホストの HTTP サーバーが HTTP 503 (Service Unavailable) を返しました。WinRM サービスが要求を受け付けていません "
     "(停止中、再起動中または過負荷)。時間をおいて再試行してください"),
    ("wsman_fault", ("code 500", "wsmanfault", "bad http response", "soap fault", "internalerror"),
     "the WinRM service answered with an error (HTTP 500)", "WinRM サービスがエラー (HTTP 500) を返しました"),
    ("powershell_failed", ("powershell exited with rc", "gave no answer", "powershell 5.1", "the remote call failed"),
     "PowerShell on the host failed or gave no answer", "ホストの PowerShell が失敗したか、応答がありませんでした"),
    ("no_result", ("no result",), "no result was recorded for this host", "このホストの結果が記録されていません"),
)
_OTHER_CAUSE = ("an error this collection does not classify (its text is in the evidence)",
                "分類できないエラーです (エラーの本文は根拠を参照)")


_CAUSE_TEXT = {cause: (cause, en, ja) for cause, _needles, en, ja in _CAUSES}
_CAUSE_TEXT["other"] = ("other", *_OTHER_CAUSE)


#: DIAGNOSIS_FAILED for a file of an offline batch that was skipped (evidence ``file``, ``why``): no host was contacted,
#: so the text names the file and why, and the remedy is about the file, not the host's WinRM.
_SKIPPED_FILE_TEXT = (
    "The snapshot file {file} was skipped: {cause}.",
    "スナップショット ファイル {file} は診断できないため飛ばしました。理由: {cause}。",
    "Check the file: save pasted console output again as UTF-8 (Notepad: Save As, Encoding UTF-8), or take the snapshot "
    "again on the machine with extras/Get-KmsActivationSnapshot.ps1; then diagnose the folder again.",
    "ファイルを確認してください。貼り付けたコンソール出力は UTF-8 で保存し直すか (メモ帳の [名前を付けて保存] で文字コード "
    "UTF-8)、その PC で extras/Get-KmsActivationSnapshot.ps1 を実行してスナップショットを取り直し、フォルダーを再度診断してください。",
)

#: DIAGNOSIS_FAILED for a host of an AWX merge node that no slice reported (evidence cause ``not_collected``,
#: _slices.merge): the merge contacts no host, and the host's slice either failed before it published (docs/awx.md) or
#: did not have the host; the text says not collected - never "reached", nor the remote shell's remedy.
_NOT_COLLECTED_CAUSE = ("no slice of the sliced job reported this host", "スライスしたジョブのどのスライスもこのホストを報告していません")
_NOT_COLLECTED_TEXT = (
    "Not collected: {cause}; this merge node contacts no host, so its state is not known.",
    "未収集: {cause}。このマージ ノードはホストに接続しないため、状態は不明です。",
    "Read the job output of the slice that had this host (a slice that failed before it published its diagnoses, or "
    "a host added to the inventory after the slices ran); then run the workflow again.",
    "このホストを担当したスライスのジョブ出力を確認し (診断結果を公開する前に失敗したスライス、またはスライスの実行後に"
    "インベントリに追加されたホスト)、ワークフローを再実行してください。",
)

#: The reasons _snapshot_files.read_file and _snapshot.read_snapshot give for a skipped file, in Japanese (the English
#: reason is the collection's own text; a reason not in this table is quoted as it is).
_SKIP_REASONS_JA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^the file is empty$"), "ファイルが空です"),
    (re.compile(r"^the file is larger than (?P<mib>\d+) MiB$"), "ファイルが {mib} MiB を超えています"),
    (re.compile(r"^the file holds only white space$"), "ファイルには空白しかありません"),
    (re.compile(r"^no slmgr, ospp\.vbs, event or nslookup output recognised in the text$"),
     "テキストに slmgr、ospp.vbs、イベント、nslookup の出力が見つかりません"),
    (re.compile(r"^not UTF-8, UTF-16 or Japanese Shift_JIS \(cp932\) text \(.* at byte (?P<byte>\d+); as cp932 it "
                r"(?:(?P<no_kana>holds no Japanese text)|does not decode either)\)"),
     "UTF-8、UTF-16、シフト JIS (cp932) のどのテキストでもありません (UTF-8 としては {byte} バイト目で読めず、cp932 としては"
     "{cp932})。UTF-8 で保存し直すか、コントローラーで UTF-8 に変換してください (iconv -f <コード ページ> -t UTF-8)"),
    (re.compile(r"^not UTF-8 or UTF-16 text \(.* at byte (?P<byte>\d+)\)$"),
     "UTF-8 または UTF-16 のテキストではありません ({byte} バイト目で読めません)"),
    (re.compile(r"^snapshot is not valid JSON: (?P<error>.*)$"), "JSON として読めません ({error})"),
    (re.compile(r"^snapshot must be a JSON object, got (?P<type>\w+)$"), "スナップショットが JSON オブジェクトではありません ({type})"),
    (re.compile(r"^snapshot has neither 'schema' nor 'probes'; expected schema (?P<schema>.*)$"),
     "スナップショットに schema も probes もありません (このコレクションが読むスキーマは {schema})"),
    (re.compile(r"^snapshot schema (?P<schema>.*) is not supported; this collection reads (?P<ours>.*)$"),
     "このコレクションが読まないスキーマ {schema} です (読むのは {ours})"),
    (re.compile(r"^snapshot 'probes' must be an object with activation, time and/or kms_dns$"),
     "スナップショットの probes が activation、time、kms_dns を持つオブジェクトではありません"),
    (re.compile(r"^cannot be read: (?P<error>.*)$"), "ファイルを読めません ({error})"),
    (re.compile(r"^cannot be diagnosed: (?P<error>.*)$"), "診断できません ({error})"),
)


def _skip_reason_ja(why: str) -> str:
    """A skipped file's reason in Japanese (``_SKIP_REASONS_JA``), or the reason as it is when the table lacks it."""
    for pattern, text in _SKIP_REASONS_JA:
        match = pattern.match(why)
        if match:
            groups = {name: value or "" for name, value in match.groupdict().items()}
            groups["cp932"] = "日本語のテキストがありません" if groups.get("no_kana") else "読めません"
            return text.format_map(groups)
    return why


def _skipped_file_cause(evidence: dict[str, t.Any]) -> tuple[str, str, str]:
    """The cause (id, en, ja) of a file of an offline batch that is not a snapshot (evidence ``file`` and ``why``): the
    reason, in Japanese where the collection knows its text."""
    why = str(evidence.get("why"))
    return ("snapshot_file", why, _skip_reason_ja(why))


def connection_cause(reason: t.Any) -> tuple[str, str, str]:
    """The short cause (id, en, ja) of an unreachable or unreadable host from its raw error text."""
    text = str(reason or "").lower()
    for cause, needles, en, ja in _CAUSES:
        if any(needle in text for needle in needles):
            return cause, en, ja
    return "other", _OTHER_CAUSE[0], _OTHER_CAUSE[1]


#: CSVLKs that activate each product family (Microsoft's KMS activation planning; collection's CSVLK_COVERAGE).
_CSVLK_NEEDED: tuple[tuple[str, str, str], ...] = (
    # [PLAN]'s "KMS host required updates": Server 2022 and 2019 KMS hosts activate Windows Server 2025 with them
    ("ws2025", "Windows Server 2025 needs a Windows Server 2025 CSVLK; a KMS host on Windows Server 2019 or 2022 also "
     "needs the update Microsoft lists for it (Server 2019: KB5034768; Server 2022: KB5034765)",
     "Windows Server 2025 には Windows Server 2025 の CSVLK が必要。Windows Server 2019 または 2022 の KMS ホストには "
     "Microsoft が示す更新プログラムも必要 (Server 2019: KB5034768、Server 2022: KB5034765)"),
    ("ws2022", "Windows Server 2022 needs a Windows Server 2022 or 2025 CSVLK",
     "Windows Server 2022 には Windows Server 2022 以降の CSVLK が必要"),
    ("ws2019", "Windows Server 2019 needs a Windows Server 2019 or newer CSVLK",
     "Windows Server 2019 には Windows Server 2019 以降の CSVLK が必要"),
    ("ws2016", "Windows Server 2016 needs a Windows Server 2016 or newer CSVLK",
     "Windows Server 2016 には Windows Server 2016 以降の CSVLK が必要"),
    # [PLAN]'s "KMS host required updates": a KMS host on an older Windows Server activates newer Windows only with them
    ("win11", "Windows 11 needs a Windows Server 2022 or 2025 CSVLK; a KMS host on an older Windows Server also needs "
     "the update Microsoft lists for it (Server 2016: KB5003638; Server 2019: KB5003646, or KB5034768 for the 2025 "
     "CSVLK; Server 2022: KB5034765 for the 2025 CSVLK)",
     "Windows 11 には Windows Server 2022 以降の CSVLK が必要。古い Windows Server の KMS ホストには Microsoft が示す"
     "更新プログラムも必要 (Server 2016: KB5003638、Server 2019: KB5003646、2025 の CSVLK には KB5034768、Server 2022: "
     "2025 の CSVLK には KB5034765)"),
    ("win11ltsc2024", "Windows 11 Enterprise LTSC 2024 needs a Windows Server 2025 CSVLK; on a KMS host on Windows "
     "Server 2019 or 2022, first install the update Microsoft lists there for Windows Server 2025 (Server 2019: "
     "KB5034768; Server 2022: KB5034765)",
     "Windows 11 Enterprise LTSC 2024 には Windows Server 2025 の CSVLK が必要。Windows Server 2019 または 2022 の KMS "
     "ホストには、Microsoft がそこで Windows Server 2025 のために示す更新プログラムを先に適用 (Server 2019: KB5034768、"
     "Server 2022: KB5034765)"),
    ("win10ltsc2021", "Windows 10 Enterprise LTSC 2021 needs a Windows Server 2019 or newer CSVLK",
     "Windows 10 Enterprise LTSC 2021 には Windows Server 2019 以降の CSVLK が必要"),
    ("win10ltsc2019", "Windows 10 Enterprise LTSC 2019 needs a Windows Server 2019 or newer CSVLK",
     "Windows 10 Enterprise LTSC 2019 には Windows Server 2019 以降の CSVLK が必要"),
    ("win10ltsb2016", "Windows 10 Enterprise LTSB 2016 needs a Windows Server 2016 or newer CSVLK",
     "Windows 10 Enterprise LTSB 2016 には Windows Server 2016 以降の CSVLK が必要"),
    ("win10ltsb2015", "Windows 10 Enterprise LTSB 2015 needs a Windows 10 or a Windows Server 2016 or newer CSVLK",
     "Windows 10 Enterprise LTSB 2015 には Windows 10 または Windows Server 2016 以降の CSVLK が必要"),
    ("win10", "Windows 10 needs a Windows 10 CSVLK, the Windows Server 2012 R2 CSVLK for Windows 10, or a Windows Server "
     "2016 or newer CSVLK",
     "Windows 10 には Windows 10 の CSVLK、Windows 10 用の Windows Server 2012 R2 の CSVLK、または Windows Server 2016 以降の "
     "CSVLK が必要"),
    # an Office host key activates its own version only (_analyze.CSVLK_COVERAGE, Microsoft's DeployOffice text)
    ("office2024", "Office LTSC 2024 needs the Office LTSC 2024 CSVLK", "Office LTSC 2024 には Office LTSC 2024 の CSVLK が必要"),
    ("office2021", "Office LTSC 2021 needs the Office LTSC 2021 CSVLK", "Office LTSC 2021 には Office LTSC 2021 の CSVLK が必要"),
    ("office2019", "Office 2019 needs the Office 2019 CSVLK", "Office 2019 には Office 2019 の CSVLK が必要"),
    ("office2016", "Office 2016 needs the Office 2016 CSVLK", "Office 2016 には Office 2016 の CSVLK が必要"),
)


def _family_of(release: str) -> str | None:
    """The product family (win11, ws2025, office2024 ...) named by an os_release text or family token."""
    text = release.lower().replace(" ", "")
    for prefix, family in (("windowsserver", "ws"), ("ws", "ws")):
        match = re.match(prefix + r"(20\d\d)", text)
        if match:
            return family + match.group(1)
    if re.match(r"(?:windows|win)1[01]iot", text):
        return None         # Windows IoT Enterprise (LTSC): no CSVLK group of Microsoft's planning table names it
    match = re.match(r"(?:windows|win)(1[01])(?:enterprise)?(?:n)?lts([bc])(20\d\d)", text)
    if match:
        return f"win{match.group(1)}lts{match.group(2)}{match.group(3)}"
    match = re.match(r"(?:windows|win)(1[01])", text)
    if match:
        return "win" + match.group(1)
    match = re.match(r"office(?:ltsc)?(?:professionalplus|standard)?(20\d\d|\d\d)", text)
    if match:
        year = match.group(1)
        return "office" + (year if len(year) == 4 else "20" + year)
    return None


def _csvlk_needed(values: dict[str, t.Any]) -> dict[str, str]:
    """Which CSVLK the product needs, for KMS_HOST_CANNOT_ACTIVATE_PRODUCT's remedy."""
    for source in (values.get("os_release"), values.get("product")):
        family = _family_of(str(source or ""))
        for name, en, ja in _CSVLK_NEEDED:
            if family == name:
                return {"en": en, "ja": ja}
    return {"en": "one whose generation covers this product", "ja": "この製品に対応する世代のもの"}


_SKEW = re.compile(r"^([+-])(\d+)h(\d\d)m$")
_DESCRIBED = re.compile(r"^(0x[0-9A-Fa-f]{8}) [A-Z0-9_]+: ")
_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)[:.\d]*Z?$")
_RELEASES = {"win10": "Windows 10", "win11": "Windows 11", "win10ltsb2015": "Windows 10 Enterprise LTSB 2015",
             "win10ltsb2016": "Windows 10 Enterprise LTSB 2016", "win10ltsc2019": "Windows 10 Enterprise LTSC 2019",
             "win10ltsc2021": "Windows 10 Enterprise LTSC 2021", "win11ltsc2024": "Windows 11 Enterprise LTSC 2024",
             "ws2012": "Windows Server 2012", "ws2016": "Windows Server 2016", "ws2019": "Windows Server 2019",
             "ws2022": "Windows Server 2022", "ws2025": "Windows Server 2025", "office2010": "Office 2010", "office2016": "Office 2016",
             "office2019": "Office 2019", "office2021": "Office LTSC 2021", "office2024": "Office LTSC 2024"}


def release_name(family: str) -> str:
    """A product family or CSVLK generation token (win11, ws2022, ws2012r2, office2021) by its product name."""
    if family.endswith("r2") and family[:-2] in _RELEASES:
        return f"{_RELEASES[family[:-2]]} R2"
    return _RELEASES.get(family, family)


def _shaped(key: str, value: str, lang: str) -> str:
    """Values with a shape of their own: clock offsets, timestamps, described HRESULTs, release names.

    The shapes are anchored at the value's first character (a sign, a digit, "0x"), so each is tried only where that
    character can begin it: most values are names, hosts and words, and none of the patterns is tried in vain. The
    analyzer's own sentences of a time left ("25 days", "1 日未満") have no shape to find."""
    if key in _SENTENCE_KEYS:
        return value
    first = value[:1]
    if first == "+" or first == "-":
        skew = _SKEW.match(value)
        if skew:
            return f"{skew.group(1)}{skew.group(2)}h{skew.group(3)}m" if lang == "en" else \
                f"{skew.group(1)}{int(skew.group(2))} 時間 {skew.group(3)} 分"
    elif first.isdigit():       # isdigit() holds for every character \d matches (and a few more)
        stamp = _TIMESTAMP.match(value)
        if stamp:
            return f"{stamp.group(1)} {stamp.group(2)} UTC"
        described = _DESCRIBED.match(value)
        if described:
            return _hresult.describe(described.group(1), lang).rstrip("。.")
    if key in ("csvlk", "csvlk_ja"):
        return re.sub(r"\b(ws20\d\d(?:r2)?|win1[01](?:lts[bc]20\d\d)?|office20\d\d)\b", lambda m: release_name(m.group(1)), value)
    if key == "os_release":
        value = release_name(value) if value in _RELEASES else (_product_names.office_name(value) or value)
        return value if lang == "en" else value.replace(" build ", " ビルド ")
    return value


def expiry(expires: t.Any, clock: t.Any = "controller") -> t.Any:
    """When a period left ends, in each language: "2026-12-20 07:00 UTC" on the controller's clock; on the host's own
    clock (``clock`` "host": the controller's clock at collection was not recorded) "2026-12-20 07:00 by the host's
    clock (not checked)", since a host's clock may be hours off; "?" (not recorded) when its end is not known."""
    if expires in (None, "", "?"):
        return "?"
    utc = _value("expires", expires, "en")
    if clock != "host":
        return {lang: utc for lang in LANGUAGES}
    stamp = utc.removesuffix(" UTC")
    return {"en": f"{stamp} by the host's clock (not checked)", "ja": f"ホストの時計 (未確認) で {stamp}"}


def until(expires: t.Any, clock: t.Any = "controller") -> dict[str, str]:
    """" (until 2026-12-20 07:00 UTC)" after a period left, in each language (in Japanese with the space before
    what follows: "25 日 (... まで) です", "25 日です"); on the host's clock said to be (:func:`expiry`); nothing when
    its end is not known."""
    end = expiry(expires, clock)
    if end == "?":
        return {"en": "", "ja": ""}
    return {"en": f" (until {end['en']})", "ja": f" ({end['ja']} まで) "}


def _release_note(values: dict[str, t.Any]) -> dict[str, str]:
    """ " (Windows 11 build 22631)" after the product name, unless it would only repeat the name or is unknown."""
    note = {}
    for lang in LANGUAGES:
        release = values.get("os_release")
        text = _value("os_release", release, lang) if release not in (None, "?", "") else ""
        product = _value("product", values.get("product"), lang)
        note[lang] = f" ({text})" if text and text not in product else ""
    return note


#: The keys whose values the analyzer gives as finished words in each language (a time left): never reshaped.
_SENTENCE_KEYS = frozenset(("days_left", "expires_in"))

#: The keys whose values :func:`_shaped` rewrites whatever their first character.
_SHAPED_KEYS = frozenset(("csvlk", "csvlk_ja", "os_release"))


def _value(key: str, value: t.Any, lang: str) -> str:
    """One template value in the sentence's language; absent (None or "?") reads as not recorded."""
    index = 0 if lang == "en" else LANGUAGES.index(lang)
    if type(value) is str:  # pylint: disable=unidiomatic-typecheck  # the most common case: names, hosts, codes, words
        if index and key == "product":
            value = _product_names.localized_display(value, lang)
        if value == "?":
            return (_ABSENT.get(key) or _NOT_RECORDED)[index]
        words = _WORDS.get(key)
        if words is not None and value in words:
            return words[value][index]
        first = value[:1]
        if first != "+" and first != "-" and not first.isdigit() and key not in _SHAPED_KEYS:
            return value        # no shape of its own: _shaped would give it back as it is
        return _shaped(key, value, lang)
    if type(value) is int:  # pylint: disable=unidiomatic-typecheck  # the common cases first (not bool, not a subclass)
        return str(value)
    if isinstance(value, dict) and "en" in value and "ja" in value:
        value = value[lang]
    if value is None or value == "?" or value == []:
        return (_ABSENT.get(key) or _NOT_RECORDED)[index]
    if isinstance(value, str):
        words = _WORDS.get(key)
        if words is not None and value in words:
            return words[value][index]
        return _shaped(key, value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _render(template: str, values: dict[str, t.Any], lang: str) -> str:
    """Fill a template's fields from the values, each in the template's language; an IPv6 address before a port
    (``{kms_host}:{port}``) in brackets (``_bracketed``)."""
    fields = _fields(template)
    if not fields:
        return _literal(template)
    filled = {name: _value(name, values.get(name), lang) for name in fields}
    for name in _host_fields(template):
        filled[name] = _bracketed(filled[name])
    return template.format_map(filled)


def _bracketed(host: str) -> str:
    """``host`` as it reads before ``:port``: an IPv6 address in brackets ("[fe80::1%12]:1688", RFC 5952 section 6,
    as slmgr /skms takes it), a name or IPv4 address as it is; a host already in brackets is left as it is."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@functools.lru_cache(maxsize=1024)
def _host_fields(template: str) -> tuple[str, ...]:
    """The fields of a template that a port follows (``{kms_host}:{port}``): each is a host (parsed once per
    template)."""
    return tuple(name for name in _fields(template) if "{" + name + "}:{" in template)


@functools.lru_cache(maxsize=1024)
def _fields(template: str) -> tuple[str, ...]:
    """The names of a template's fields, each once, in order (parsed once per template)."""
    return tuple(dict.fromkeys(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name))


@functools.lru_cache(maxsize=1024)
def _literal(template: str) -> str:
    """A template without fields as it reads (``{{`` and ``}}`` unescaped)."""
    return template.format_map({})


def _texts(spec: Spec, values: dict[str, t.Any]) -> tuple[str, str, str, str]:
    """The spec's four templates, or the variant for a KMS host's finding about itself, for a grace period whose time
    left was not collected, for a KMS host the client's own TCP test reaches (``_REACHED_TEXT``) or whose port no one
    but the client tested (``_UNWITNESSED_TEXT``), for Office 2010, which no newer host key activates."""
    texts = (spec.en, spec.ja, spec.remedy_en, spec.remedy_ja)
    if spec.code == "DIAGNOSIS_FAILED" and values.get("file") is not None:
        return _SKIPPED_FILE_TEXT
    if spec.code == "DIAGNOSIS_FAILED" and values.get("not_collected"):
        return _NOT_COLLECTED_TEXT
    if spec.code == "IN_GRACE" and values.get("days_left") is None:
        return (_GRACE_UNKNOWN[0], _GRACE_UNKNOWN[1], spec.remedy_en, spec.remedy_ja)
    if spec.code == "CHANNEL_UNKNOWN" and values.get("partial_key") in (None, "", "?"):
        return (_CHANNEL_NO_KEY[0], _CHANNEL_NO_KEY[1], spec.remedy_en, spec.remedy_ja)
    if spec.code in _UNWITNESSED_TEXT:
        if values.get("client_tcp") == "open":
            return _REACHED_TEXT["partial" if values.get("tcp_failed") else "open"]
        if values.get("controller_tcp") is None and values.get("witness") == "the controller":
            return _UNWITNESSED_TEXT[spec.code]
    if spec.code == "KMS_SRV_MISSING" and values.get("hresult") is None:
        # no code to quote (a look-up seen to fail, a request not recorded): not "(last error no error code recorded)"
        return (_SRV_MISSING_NO_CODE[0], _SRV_MISSING_NO_CODE[1], spec.remedy_en, spec.remedy_ja)
    if spec.code == "KMS_HOST_REQUESTS_FAILING" and values.get("cured_elsewhere"):
        return (spec.en + _CURED_ELSEWHERE[0], spec.ja + _CURED_ELSEWHERE[1], spec.remedy_en, spec.remedy_ja)
    if spec.code == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT":
        family = _family_of(str(values.get("os_release") or "")) or ""
        if family == "office2010":
            return _OFFICE2010_HOST_TEXT
        if family.startswith("office"):
            return _OFFICE_HOST_TEXT
    if spec.code in _SELF_TEXT and str(values.get("kms_host") or "").lower() in _SELF_NAMES:
        variant = _SELF_TEXT[spec.code]
        return t.cast("tuple[str, str, str, str]", tuple(v or default for v, default in zip(variant, texts)))
    return texts


def make(code: str, product: dict[str, t.Any] | None, evidence: dict[str, t.Any], text: dict[str, t.Any] | None = None,
         confidence: str = "high") -> dict[str, t.Any]:
    """Build a finding: its spec, the product it concerns, the evidence, and the texts in both languages.

    ``text`` holds extra values used only to fill the templates (display forms of the evidence); a value may be a
    ``{"en": ..., "ja": ...}`` mapping. UNREACHABLE and DIAGNOSIS_FAILED gain ``cause`` in their evidence: the short
    cause read from the raw ``reason``, which stays as it was.
    """
    spec = CATALOG[code]
    if code in ("UNREACHABLE", "DIAGNOSIS_FAILED"):
        if evidence.get("cause") == "snapshot_file":
            cause, cause_en, cause_ja = _skipped_file_cause(evidence)
        elif evidence.get("cause") == "not_collected":
            cause, (cause_en, cause_ja) = "not_collected", _NOT_COLLECTED_CAUSE
            text = dict(text or {}, not_collected=True)
        else:
            cause, cause_en, cause_ja = _CAUSE_TEXT.get(evidence.get("cause") or "") or connection_cause(evidence.get("reason"))
        evidence = dict(evidence, cause=cause)
        text = dict(text or {}, cause={"en": cause_en, "ja": cause_ja})
    values = dict(evidence)
    values.update(text or {})
    if code == "NOT_KMS_CHANNEL":      # "an OEM key", "a MAK key", "a retail key"
        values.setdefault("a", "an" if _value("channel", values.get("channel"), "en")[:1].lower() in "aeiou" else "a")
    if code == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT":
        values.setdefault("csvlk_needed", _csvlk_needed(values))
        values.setdefault("release", _release_note(values))
    en, ja, remedy_en, remedy_ja = _texts(spec, values)
    if code == "KMS_PORT_BLOCKED" and "local_rules_applied" in evidence and evidence["local_rules_applied"] is None \
            and values.get("client_tcp") != "open":
        remedy_en, remedy_ja = remedy_en + _LOCAL_RULES_UNREAD[0], remedy_ja + _LOCAL_RULES_UNREAD[1]
    return {
        "code": code,
        "severity": spec.severity,
        "confidence": confidence,
        "product": product,
        "evidence": evidence,
        "remedy": spec.remedy,
        "needs_person": spec.needs_person,
        "message": {"en": _render(en, values, "en"), "ja": _render(ja, values, "ja")},
        "remedy_text": {"en": _render(remedy_en, values, "en"), "ja": _render(remedy_ja, values, "ja")},
    }


def rank(findings: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Order findings most serious first; among equals, causes proven by the host's own error before inferred ones."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f["severity"]), _CONFIDENCE_ORDER.get(f["confidence"], 3)))


_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
