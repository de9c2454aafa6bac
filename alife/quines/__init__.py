"""Neural-network quines (Chang & Lipson 2018) and their honest metrics (torch)."""
