"""Fix with data: templates, generation, example review, and the contamination guards."""
