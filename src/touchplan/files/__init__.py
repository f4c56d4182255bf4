"""Account files: the only package that opens them (schema, store, edits, cache, merge)."""
