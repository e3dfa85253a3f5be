"""The ``remit`` command line: thin commands that parse input, call one
service and render the result. The app and its command registry are in
:mod:`remit.cli.app`."""
