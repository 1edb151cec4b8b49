"""What every child process shares: JSON-lines progress and failure messages."""
