"""Application services: the workstation's use cases, with no Qt.

Widgets call these and show what they return; the rules live here and below,
so the window and the command line behave the same.
"""
