"""LoRA training (SFT, DPO, KTO, GRPO) in a child process; heavy imports live inside functions or the child process."""
