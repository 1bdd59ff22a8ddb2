"""The OpenAPI document is complete, and the interactive docs work without the internet."""

from __future__ import annotations

import re
from typing import Any

from recoverly.api.schemas import accounts, activity, cases, common, debtors, desk, meta, reports
from tests.integration.api.conftest import Api

# Health needs nothing; a provider's webhook is authenticated by its signature (403).
UNAUTHENTICATED = {
    "/api/v1/health",
    "/api/v1/webhooks/twilio/status",
    "/api/v1/webhooks/twilio/inbound",
}
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, operation)
        for path, item in spec["paths"].items()
        for operation in item.values()
        if path.startswith("/api/v1")
    ]


def _ref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]  # type: ignore[no-any-return]


def test_every_operation_is_summarised_tagged_and_exemplified(api: Api) -> None:
    spec = api.ok("/openapi.json", role=None)
    assert spec["info"]["title"] == "Recoverly API"
    assert {t["name"] for t in spec["tags"]} == {
        "cases",
        "accounts",
        "debtors",
        "activity",
        "reports",
        "webhooks",
        "desk",
        "compliance",
        "audit",
        "privacy",
        "complaints",
        "qa",
        "meta",
    }
    operations = _operations(spec)
    assert len(operations) == 38
    assert len({op["operationId"] for _, op in operations}) == len(operations)
    for path, operation in operations:
        assert operation.get("summary"), path
        assert operation.get("description"), path
        assert operation.get("tags"), path
        success = next(s for s in operation["responses"] if s.startswith("2"))
        if success != "204":  # 204: no body to exemplify
            content = operation["responses"][success]["content"]["application/json"]
            assert _ref(spec, content["schema"]).get("examples"), f"{path}: no example"
        errors = [s for s in operation["responses"] if s.startswith("4")]
        for status in errors:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            # A contact the rules refuse is answered with the rules' decision, not an error.
            refusal = status == "409" and path.endswith(("/calls", "/messages"))
            expected = "/CaseCheckOut" if refusal else "/ErrorOut"
            assert schema["$ref"].endswith(expected), (path, status)
        if path not in UNAUTHENTICATED:
            assert "401" in errors, path
        if "{" in path:
            assert "404" in errors, path


def test_the_bearer_scheme_is_declared(api: Api) -> None:
    spec = api.ok("/openapi.json", role=None)
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from `recoverly token create --tenant NAME --role ROLE`.",
    }


def test_examples_validate_against_their_own_models() -> None:
    """An example that drifted from its model would mislead every reader of the docs."""
    models = [
        common.MoneyOut,
        common.ErrorOut,
        accounts.AccountOut,
        accounts.AccountDetailOut,
        accounts.AccountPage,
        accounts.PaymentOut,
        accounts.PaymentPage,
        cases.CaseOut,
        cases.CaseDetailOut,
        cases.CasePage,
        cases.HoldOut,
        cases.HoldIn,
        desk.CallOut,
        desk.RecordingOut,
        desk.MessageIn,
        desk.MessageOut,
        debtors.DebtorOut,
        debtors.DebtorDetailOut,
        debtors.DebtorPage,
        debtors.ContactAttemptOut,
        debtors.ContactAttemptPage,
        meta.HealthOut,
        meta.CallerOut,
        activity.RecordedOut,
        reports.KpisOut,
        reports.KpiReportOut,
    ]
    for model in models:
        examples = model.model_json_schema()["examples"]
        for example in examples:
            model.model_validate(example)


def test_docs_pages_load_only_local_assets(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        response = api.get(page, role=None)
        assert response.status_code == 200
        html = response.text
        assert "http://" not in html, page
        assert "https://" not in html, page
        assets = ASSET.findall(html)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            assert not asset.startswith("//"), f"{page} loads {asset} from another host"
            fetched = api.get(asset, role=None)
            assert fetched.status_code == 200, asset
            assert fetched.content, asset


def test_swagger_ui_never_calls_the_online_validator(api: Api) -> None:
    assert '"validatorUrl": null' in api.get("/docs", role=None).text
