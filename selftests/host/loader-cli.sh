#!/bin/bash
# The loader's own host-side tests (no stub module needed): TAP.
exec "$(dirname "$0")/../../loader/test-cli.sh" "$(dirname "$0")/../../build/drvhook"
