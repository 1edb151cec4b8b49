"""Review: runs, the item browser's queries, buckets and labels."""
