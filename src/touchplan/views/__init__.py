"""What touchplan shows: the only package importing Rich (tables, records, consoles)."""
