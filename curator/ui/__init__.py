"""All PySide6 code lives here and nowhere else."""
