"""The retrain loop on the domain side: eval runs and training jobs run as child processes, recorded in DuckDB."""
