"""Cellular automata: Life-like rules on bit-packed grids, RLE patterns."""
