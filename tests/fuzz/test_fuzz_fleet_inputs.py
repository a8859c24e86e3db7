"""Any shape at all handed to the fleet filters: an error naming it, or a result; never another exception.

Kept with the other fuzz suites (tests/fuzz/conftest.py's profiles set its budget: 150 derandomized examples in
make test, more with make fuzz-long); the hand-made cases are in tests/unit/plugins/filter/test_fleet_inputs.py."""
from __future__ import annotations

from ansible.errors import AnsibleFilterError
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.winactivation.kms.plugins.filter import kms as F
from ansible_collections.winactivation.kms.plugins.plugin_utils import _report

SCHEMA = _report.SCHEMA


# --- any shape at all: an error naming it, or a result; never another exception ----------------------------------

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=8)
_FINDING = st.fixed_dictionaries({}, optional={"code": _JSON | st.sampled_from(["ACTIVATED", "KMS_PORT_BLOCKED"]),
                                               "severity": _JSON, "evidence": _JSON, "product": _JSON,
                                               "message": _JSON, "remedy_text": _JSON})
_RESULT = st.fixed_dictionaries({}, optional={"host": _JSON | st.sampled_from(["pc1", "pc2"]),
                                              "status": _JSON | st.just("failing"),
                                              "findings": _JSON | st.lists(_FINDING | _JSON, max_size=3),
                                              "codes": _JSON, "products": _JSON, "diagnosis": _JSON})
_DOCUMENT = st.fixed_dictionaries({"schema": st.just(SCHEMA)}, optional={
    "generated_at": _JSON, "results": _JSON | st.lists(_RESULT | _JSON, max_size=3), "summary": _JSON})


def _only_filter_errors(call, *args):
    try:
        call(*args)
    except AnsibleFilterError:
        pass


@given(documents=st.lists(_DOCUMENT | _JSON, max_size=3),
       results=st.dictionaries(st.sampled_from(["pc1", "pc2", "pc3"]), _RESULT | _JSON, max_size=3))
def test_no_shape_makes_a_fleet_filter_fail_otherwise(documents, results):
    _only_filter_errors(F.merge_diagnoses, documents)
    _only_filter_errors(F.fleet_diagnosis, results)
    for document in documents:
        _only_filter_errors(F.report, document, "csv")
        _only_filter_errors(F.report, document, "markdown")
        _only_filter_errors(F.report_stats, document)
        _only_filter_errors(F.remediation_report, document, document)
