"""Suite builders. Each module imports GX at the top, so the runner imports them lazily."""
