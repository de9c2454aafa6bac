"""Analysis of runs: selection and transmission (Price equation), and more to come."""
