"""API endpoints for the directory domain. Endpoints call the same access gates and actions as the views."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["directory"])
