"""GARD protocells: lipid assemblies that grow by mutually catalysed joining and split."""
