"""Views of case management, one module per document family (matters, documents, plans, rehab,
followup, quality). Each is decorators → gate → form → action → redirect or render."""
