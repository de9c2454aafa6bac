"""What every substrate shares: RNG, backends, the epoch loop and HDF5 run files."""
