"""The views, one module per page family; the URL map (`sessions_app/urls/`) names them. Views
import what they share from modules that hold no views (`sessions_app/requests.py`, `access.py`,
`text_editors.py`, ...), never from one another."""
