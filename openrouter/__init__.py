"""OpenRouter client logic shared by the provider and model classes: HTTP, SSE, errors, catalogue."""
