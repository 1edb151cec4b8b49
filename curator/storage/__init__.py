"""DuckDB storage: the connection, the schema and its migrations, and every SQL query Curator runs."""
