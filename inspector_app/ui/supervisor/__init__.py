"""The supervisor's screens: the audit browser, the escalation queue and the dashboard."""
