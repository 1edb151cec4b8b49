"""LoRA training (SFT) in a child process; heavy imports live inside functions or the child process."""
