"""The worlds alife simulates; each substrate is a config dataclass, plain-array state and kernels."""
