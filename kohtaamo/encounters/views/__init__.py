"""Views of the desk: quick entry (entry.py), one contact and identification (contact.py),
lists, counts and exports (lists.py)."""
