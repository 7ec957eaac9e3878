"""The proof that a memory type is one module: an eighth type defined here."""
