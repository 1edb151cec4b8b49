"""LoRA training, inference backends and the offline demo model. Heavy imports live inside functions or the child process."""
