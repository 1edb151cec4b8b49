"""Exports: a run's items or a dataset version as SFT, chat, preference (DPO) or unpaired (KTO) rows."""
