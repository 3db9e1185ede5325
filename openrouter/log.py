"""Loggers that reach the Dify plugin daemon's log (through the SDK's plugin log handler)."""

from __future__ import annotations

import logging

from dify_plugin.config.logger_format import plugin_logger_handler


def get_logger(name: str) -> logging.Logger:
    """Return a logger that writes INFO and above as daemon log events. Never log keys or prompts."""
    logger = logging.getLogger(name)
    if plugin_logger_handler not in logger.handlers:
        logger.addHandler(plugin_logger_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger
