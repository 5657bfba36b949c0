"""Standard-library helpers every layer may use: the one file writer, bounded reads, validation."""
