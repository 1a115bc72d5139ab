import sys

from bob.cli import main

sys.exit(main())
