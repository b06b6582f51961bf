"""Training case library: cases and reference cards retold from the training material."""
