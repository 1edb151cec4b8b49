"""The embedded demo: SmolLM2-135M-Instruct (from an offline wheel), the weather-tag task, its checks, its analyst."""
