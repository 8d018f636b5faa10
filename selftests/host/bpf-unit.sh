#!/bin/bash
# The shipped policies' BPF code, unit-tested on the host kernel through
# BPF_PROG_TEST_RUN (selftests/unit/policytest.c): seconds, before any VM.
repo=$(cd "$(dirname "$0")/../.." && pwd)
exec "$repo/build/policytest" "$repo/build/bpf-host"
