"""Views of the client channel, one module per feature. Public views need no login; the staff
views (console, request queue) are marked with `login_required`."""
