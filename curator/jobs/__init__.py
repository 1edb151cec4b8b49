"""Jobs: training and eval children launched from the workspace, and what they report back."""
