"""Administration: user accounts (admin), their confirmation (coordinator), the data export of a
user, and the audit trail. Reads every feature, so it sits above them."""
