"""The outside world: CRM import, calendar export, git setup and who "me" is."""
