"""The embedded demo: a weather-tag task from the course material, its checks and its base corpus."""
