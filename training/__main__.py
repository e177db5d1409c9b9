"""`python -m training ...` is `lexrisk train ...`; it is what `accelerate launch -m training` runs on each process."""

import sys

from serving.cli import main

sys.exit(main(["train", *sys.argv[1:]]))
