"""Plain-Python ingestion: fetch, parse, validate, pseudonymise, load raw tables. No Dagster."""
