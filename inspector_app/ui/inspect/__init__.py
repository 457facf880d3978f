"""The inspector's flow: intake, guided capture, compare, checklist and verdict, held by one workspace."""
