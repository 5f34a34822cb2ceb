"""Interventions with young people about alcohol, narcotics, doping and tobacco (ANDT)."""
