"""The command line, through its test runner."""
