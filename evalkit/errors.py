"""User-facing errors: one clear line naming the file, field or command at fault."""


class EvalkitError(Exception):
    """An error the CLI prints as a single line (no traceback) and exits 2 on."""
