"""The worlds alife simulates: each is a config dataclass, plain-array state and kernels."""
