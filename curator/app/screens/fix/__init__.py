"""Fix-with-data screens: the template editor, the review of generated examples, and the dataset mixer."""
