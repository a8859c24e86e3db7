"""snapshot_from_text and the analyzer on published Japanese output (session z2; tests/unit/fixtures/text, sources in
SOURCES.md, section "Japanese Windows: published Japanese output (session z2)").

Three kinds of text: what Microsoft Japan's Azure support engineers quote from a Japanese Windows
(github.com/jpaztech/blog, the Japan Azure IaaS support team's blog); Microsoft's own Japanese (ja-JP,
"ms.translationtype: HT") translation of its Azure activation article (MicrosoftDocs azure-docs, the localized copy
github.com/changeworld/azure-docs.ja-jp); the Event Viewer text of Microsoft's Japanese KB 2958281. The first and the
last are Windows' own Japanese; the second is a translator's rendering of the English example, and its tests say so.

Measured before any fix: 3 of the 5 texts were read and diagnosed right; the tests of the other two (slmgr /ato's
Japanese error line) failed before the fix named in their docstrings, as did the composed ones beside them and the
Chinese line of the same defect.

0xC004F074 is SL_E_VL_BINDING_SERVICE_UNAVAILABLE (slerror.h; "No Key Management Service (KMS) could be contacted").
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text
from test_text_reader_captures_2026_12_b import diagnose, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


_ATO_FAILED = {"activation": {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]}}


# -- slmgr /ato's error line on Japanese Windows ------------------------------------------------------------------------

def test_jpaztech_japanese_ato_error_line_is_an_attempt_not_a_licence():
    """jpaztech/blog articles/vm/azure-kms-update.md (2022-09-20, "Azure KMS の IP アドレスが変わります"): the message a
    VM records when it cannot reach Azure KMS, "エラー: 0xC004F074 ソフトウェア ライセンス サービスで、コンピューターのライセ
    ンス認証ができなかったことが報告されました。キー管理サービス (KMS) に接続できませんでした。..." - slmgr's error line
    ("Error: <code> <message>") with its label and Windows' message in Japanese. Correct: what the English line gives
    (en_msdocs_azure_vm_ato_error_c004f074.txt): a failed activation attempt with 0xC004F074, no licence made up, so
    ACTIVATION_FAILED alone. Wrong before the fix: "エラー" was read as a licence's status-reason label, so a licence
    with only LicenseStatusReason 0xC004F074 was made up and diagnosed CHANNEL_UNKNOWN and EVIDENCE_MISSING (its
    state, channel, ... "not collected") beside ACTIVATION_FAILED."""
    snap = read("ja_jpaztech_azure_kms_update_ato_error_c004f074.txt")
    assert snap["probes"] == _ATO_FAILED
    assert unread(snap) == []
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["ACTIVATION_FAILED"]
    english = read("en_msdocs_azure_vm_ato_error_c004f074.txt")
    assert english["probes"] == snap["probes"] and diagnose(english)["codes"] == result["codes"]


def test_msdocs_ja_translated_ato_error_line_is_an_attempt_too():
    """Microsoft's ja-JP "Azure Windows 仮想マシンのライセンス認証に関する問題のトラブルシューティング" (Symptom): the same line
    as the translator wrote it ("... サービスにより、..." where Windows says "サービスで、"). Correct and wrong before the
    fix as above: the line's own words, "ライセンス認証" (activation), make it an activation attempt when the command
    line is not shown, as "activated" does in English."""
    snap = read("ja_msdocs_azure_vm_ato_error_c004f074.txt")
    assert snap["probes"] == _ATO_FAILED
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


def test_japanese_error_line_of_another_slmgr_command_is_no_licence_state():
    """Composed from published parts: slmgr's Japanese error label of the captures above and the Japanese message of
    0xC004F050 as Microsoft's ja-JP "KMS クライアント セットアップ キー" page quotes it ("ソフトウェア ライセンス サービスで、
    プロダクト キーは無効であることが報告されました"), under `slmgr /ipk` (the KMS host key refused). Correct: what the
    English line gives (en_itsvista_kms_host_key_ipk_c004f050.txt): not an activation and no licence's state, so the
    line stays unread. Wrong before the fix: a licence with LicenseStatusReason 0xC004F050 was made up."""
    text = ("C:\\Windows\\system32>cscript slmgr.vbs /ipk XXXXX-XXXXX-XXXXX-XXXXX-7FVDG\n"
            "エラー: 0xC004F050 ソフトウェア ライセンス サービスで、プロダクト キーは無効であることが報告されました。\n")
    snap = _text.snapshot_from_text(text, "pc1")
    assert snap["probes"] == {}
    assert unread(snap)[-1].startswith("エラー: 0xC004F050")
    # the same line with no command shown: its message is not about activation either
    alone = _text.snapshot_from_text(text.split("\n", 1)[1], "pc1")
    assert alone["probes"] == {} and len(unread(alone)) == 1


def test_japanese_error_line_under_slmgr_ato_is_that_attempt():
    """Composed: the jpaztech line under the `cscript slmgr.vbs /ato` command that prints it. Correct: one failed
    attempt of slmgr /ato, the command's own result; the Event Viewer-then-command case of test_text_reader_review_r4
    keeps the same reading."""
    text = "C:\\Windows\\system32>cscript slmgr.vbs /ato\n" + \
        read_text("ja_jpaztech_azure_kms_update_ato_error_c004f074.txt")
    snap = _text.snapshot_from_text(text, "pc1")
    assert snap["probes"] == _ATO_FAILED


def test_kb_dialog_error_label_with_its_code_alone_is_still_read():
    """The activation wizard's message of Microsoft's Japanese KB 929826 ("エラー: 0x8007232b" with its description on
    the next lines, no message on the code's line) is not slmgr's line and is read by its result label as before: the
    code 0x8007232B and KMS_SRV_MISSING (right before and after the fix)."""
    result = diagnose(read("ja_kb929826_win7_dns_error_8007232b.txt"))
    assert "KMS_SRV_MISSING" in result["codes"]


# -- Microsoft's translation of slmgr /ato's success and /skms's message ---------------------------------------------

def test_msdocs_ja_translated_ato_success_stays_unread():
    """The ja-JP article's success example, one bold line: "Windows(R), ServerDatacenter Edition (12345678-1234-1234-
    1234-12345678) のライセンス認証を行っています … 製品は正常にライセンス認証されました。" - the English example
    ("Activating Windows(R), ServerDatacenter edition (...) …" / "Product activated successfully.") put into Japanese
    by a translator: "Edition" capitalised (slmgr prints the licence's Name, "... edition"), the two lines joined, the
    ID a placeholder. No Japanese slmgr.ini and no Japanese /ato success from a console was found, so these words are
    not proven to be what slmgr prints. Correct (right before any fix): nothing made up - the line stays unread and
    the result is "no licensing data" (EVIDENCE_MISSING), not a licence, an ID or an activation."""
    snap = read("ja_msdocs_azure_vm_ato_success_placeholder_id.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 1
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


def test_msdocs_ja_translated_skms_message_stays_unread():
    """The same article's `slmgr /skms kms.core.windows.net:1688` message, "キー管理サービスのマシン名は
    kms.core.windows.net:1688 に正常に設定されました。". Correct (right before any fix): unread - a translator's
    rendering, not proven slmgr words; the reader reads only the English and Italian /skms messages
    (en_lotro_ipk_skms_ato_success.txt, it_pastebin_wngjxsf3_kms38_ipk_skms.txt, session z1), so no KMS host is made
    up from it."""
    snap = read("ja_msdocs_azure_vm_skms_message.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 1
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


def read_text(name):
    """A capture's text as published."""
    from test_text_reader_captures_2026_12_b import TEXTS  # pylint: disable=import-outside-toplevel
    return (TEXTS / name).read_text(encoding="utf-8")


def test_chinese_ato_error_line_alone_is_an_attempt_too():
    """The same defect in the other language whose slmgr error label is published: the second line of
    zh_thunderex_py_kms_20_ato.txt (github.com/ThunderEX/py-kms/issues/20), "错误: 0xC004F074 软件授权服务报告无法激活
    计算机。...", pasted without the "正在激活 ..." line before it. Correct: a failed activation attempt, as the English and
    Japanese lines; the message's "激活" (activate) says so. Wrong before the fix: "错误", a zh-CN status-reason label of the
    reader's table, made a licence with only LicenseStatusReason 0xC004F074 (CHANNEL_UNKNOWN, EVIDENCE_MISSING)."""
    line = read_text("zh_thunderex_py_kms_20_ato.txt").splitlines()[1]
    assert line.startswith("错误: 0xC004F074")
    snap = _text.snapshot_from_text(line, "pc1")
    assert snap["probes"] == _ATO_FAILED
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


# -- Event Viewer's copy on Japanese Windows ----------------------------------------------------------------------------

def test_kb2958281_ja_event_viewer_copy_is_no_activation_data():
    """Microsoft's Japanese KB 2958281 (support.microsoft.com/ja-jp/help/2958281): Security-SPP's events 900, 900, 8200
    and 8208 as Event Viewer copies them on Japanese Windows - "ログ名: アプリケーション", "イベント ID: 8200", "レベル: エラー",
    "説明:", "ライセンス取得エラーの詳細。", "hr=0x80072EE7", with "Date:" and "Parameters:" left in English as Event Viewer
    leaves them. Correct (right before any fix), as the English page's text (en_kb2958281_spp_events_900_8200_8208.txt):
    genuine-ticket acquisition and service starts, no activation data - nothing read, every one of the 46 lines said
    not understood (the level word "エラー" is no error label, hr= no activation attempt), EVIDENCE_MISSING alone."""
    snap = read("ja_kb2958281_spp_events_900_8200_8208.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 46
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]
    english = read("en_kb2958281_spp_events_900_8200_8208.txt")
    assert english["probes"] == {} and len(unread(english)) == 46
