"""Recorded cases: service (appeals, decisions), transitions (status table), actions (effects), permissions."""
