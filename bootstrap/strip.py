#!/usr/bin/env python3
"""Placeholder: copies the agent unchanged (replaced by the real stripper)."""
import shutil, sys
shutil.copyfile(sys.argv[1], sys.argv[2])
