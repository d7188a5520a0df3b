"""evidence-capture: capture, seal, keep, export and verify web-page evidence."""

__version__ = "0.1.0"
TOOL_NAME = "evidence-capture"
