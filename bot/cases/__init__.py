"""Cases: appeals, decisions and overrides, and the audit trail they leave."""
