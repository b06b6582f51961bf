"""Search rules in plain Python: word segmentation of Chinese text (jieba, as a pure library), the
terms an index stores, how hits rank, and the snippet that shows why a hit matched."""
