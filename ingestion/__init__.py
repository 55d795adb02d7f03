"""Plain-Python ingestion: fetch, parse, validate, pseudonymise and load raw tables. No Dagster here."""
