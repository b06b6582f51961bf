"""Reading and validating import files: all rows valid, or nothing is imported."""
