"""Accounts, roles, login and logout."""
