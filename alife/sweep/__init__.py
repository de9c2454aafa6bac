"""Parameter sweeps and many-seed studies, run on Dask distributed (extra ``dist``)."""
