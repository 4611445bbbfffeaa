"""What a page costs to load on a first visit with an empty cache, measured in Chromium through the DevTools protocol:
the bytes on the wire (``encodedDataLength`` of ``Network.loadingFinished``: headers and compressed body) of the
document and of every subresource it pulls in. Used by ``tests/test_browser_page_weight.py`` and
``benchmarks/page_weight.py``."""

from __future__ import annotations

from typing import Any

#: The budget for the catalogue page with filters on a first load (issue 8): it must work on slow mobile connections.
BUDGET_BYTES = 100_000


def measure(browser, url: str, storage_state: dict | None = None) -> dict[str, Any]:
    """Open ``url`` in a fresh context (empty cache, the cookies of ``storage_state``) and add up what came in."""
    context = browser.new_context(storage_state=storage_state)
    try:
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        seen: dict[str, dict[str, Any]] = {}

        def resource(event) -> dict[str, Any]:
            return seen.setdefault(event["requestId"], {"decoded": 0})

        def response_received(event) -> None:
            response = event["response"]
            headers = {name.lower(): value for name, value in response["headers"].items()}
            resource(event).update(url=response["url"], type=event["type"], status=response["status"],
                                   encoding=headers.get("content-encoding", ""))

        devtools.on("Network.responseReceived", response_received)
        devtools.on("Network.dataReceived", lambda event: resource(event).update(
            decoded=resource(event)["decoded"] + event["dataLength"]))
        devtools.on("Network.loadingFinished", lambda event: resource(event).update(
            transferred=int(event["encodedDataLength"])))
        devtools.on("Network.loadingFailed", lambda event: resource(event).update(failed=event["errorText"]))
        response = page.goto(url, wait_until="networkidle")
        assert response is not None and response.status == 200, (url, response and response.status)
        resources = sorted((r for r in seen.values() if "url" in r), key=lambda r: -r.get("transferred", 0))
        unfinished = [r["url"] for r in resources if "transferred" not in r]
        assert not unfinished, f"still loading or failed: {unfinished}"
        return {
            "url": url,
            "language": page.locator("html").get_attribute("lang"),
            "transferred_bytes": sum(r["transferred"] for r in resources),
            "decoded_bytes": sum(r["decoded"] for r in resources),
            "requests": len(resources),
            "resources": [{key: r.get(key) for key in ("url", "type", "status", "encoding", "transferred",
                                                         "decoded")} for r in resources],
        }
    finally:
        context.close()


def describe(measured: dict[str, Any], base: str = "") -> str:
    lines = [f"{measured['url'].removeprefix(base)}: {measured['transferred_bytes']:,} bytes transferred "
             f"({measured['decoded_bytes']:,} decoded) in {measured['requests']} requests"]
    for item in measured["resources"]:
        lines.append(f"  {item['transferred']:>8,}  {item['decoded']:>8,}  {item['encoding'] or 'identity':<8}  "
                     f"{item['type']:<10} {item['url'].removeprefix(base)}")
    return "\n".join(lines)
