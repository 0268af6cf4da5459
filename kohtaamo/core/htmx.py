def is_htmx(request) -> bool:
    """True for an HTMX request that wants a fragment (history restores get the full page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
